"""Checking a workbook before any reader opens it.

python-calamine and openpyxl trust what a file says: a 1 MiB .xlsx whose shared strings expand
to 1 GiB, or two cells at A1 and XFD1048576 (calamine allocates the whole rectangle between
them), or an .ods cell repeated a million times, kills the process from inside Rust, past any
`except`. `check_workbook` looks at the file first, with bounded memory, and refuses with a
Chinese message what the workbook at hand (a 花名册, a scheme, a form …) could never be:

- not there, empty, or not a workbook at all (a web page, a PDF, a Word document, a .xls
  renamed .xlsx or the other way round), or encrypted with a password to open;
- a damaged or truncated zip, a missing worksheet part, a part whose content does not match
  the size and checksum recorded for it (every part is inflated once, in chunks, and counted);
- bigger than `Limits` allow: the file, the parts uncompressed, the shared strings (their
  size and the count the file declares), the compression ratio, and the used range of every
  sheet (rows × columns, as calamine would allocate it).

Every workbook reader calls it: the roster reader (roster/reader.py), the points catalogue and
ledger (points/common.read_workbook), the scheme import, the self-assessment form import and the
error report's copy of the imported file. The limits are named below; benchmarks/workbook_guard.py
checks a 50,000-member × 30-column roster against them.
"""

from __future__ import annotations

import copy
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from .errors import UserError, os_reason

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    file_bytes: int             # the file on disk
    unpacked_bytes: int         # all parts of the zip together, uncompressed
    sheet_bytes: int            # one worksheet part (or an .ods's content.xml), uncompressed
    shared_strings_bytes: int   # xl/sharedStrings.xml, uncompressed
    other_part_bytes: int       # any other part (styles, workbook, relationships, pictures)
    strings: int                # shared strings: the count and uniqueCount a file declares
    cells: int                  # rows × columns of one sheet's used range
    entries: int                # parts in the zip


# A 花名册 or a points ledger: 50,000 members × 30 columns is about 120 MB of sheet XML and
# 1.5 million cells (benchmarks/workbook_guard.py); these limits leave room for twice that and
# keep what calamine holds of an accepted file well under 2 GiB.
LARGE = Limits(file_bytes=200 * MiB, unpacked_bytes=600 * MiB, sheet_bytes=400 * MiB,
               shared_strings_bytes=200 * MiB, other_part_bytes=64 * MiB, strings=4_000_000,
               cells=12_000_000, entries=5_000)
# A scheme, a points catalogue or a self-assessment form: a few hundred rows, read by openpyxl.
SMALL = Limits(file_bytes=32 * MiB, unpacked_bytes=96 * MiB, sheet_bytes=48 * MiB,
               shared_strings_bytes=32 * MiB, other_part_bytes=32 * MiB, strings=500_000,
               cells=1_000_000, entries=2_000)
# A roster the import's error report copies with openpyxl, which holds about 400 bytes a cell:
# up to 2 million cells (50,000 rows × 40 columns); a bigger file gets the 错误清单 sheet alone.
REPORT_COPY = Limits(file_bytes=LARGE.file_bytes, unpacked_bytes=LARGE.unpacked_bytes, sheet_bytes=160 * MiB,
                     shared_strings_bytes=LARGE.shared_strings_bytes, other_part_bytes=LARGE.other_part_bytes,
                     strings=LARGE.strings, cells=2_000_000, entries=LARGE.entries)
# A part this big must not be more than MAX_RATIO times its compressed size (real sheets: 5-30).
RATIO_FROM_BYTES = 4 * MiB
MAX_RATIO = 200

ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CHUNK = 1 << 20
DIRECTORY_BYTES_PER_ENTRY = 1024  # a central directory entry: 46 bytes, the part's name, extra fields



def _mb(n: int) -> str:
    return f"{n / MiB:.0f}"


def check_workbook(path: str | Path, what: str = "Excel工作簿", limits: Limits = LARGE) -> Path:
    """Raise UserError (in Chinese) for a file no reader should open; return the path otherwise.
    `what` names the workbook expected (花名册, 评分方案 …) in the messages."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到文件：{path}")
    name = path.name
    try:
        stat = path.stat()
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError as e:
        raise UserError(f"无法读取文件“{name}”：{os_reason(e)}") from None
    size = stat.st_size
    key = (str(path.resolve()), size, stat.st_mtime_ns, limits)
    if key in _passed:  # the wizard reads a file three times: preview, check, import
        return path
    _check(path, head, size, what, limits)
    _passed[key] = True
    while len(_passed) > 16:
        del _passed[next(iter(_passed))]
    return path


_passed: dict[tuple, bool] = {}


def _check(path: Path, head: bytes, size: int, what: str, limits: Limits) -> None:
    name = path.name
    if size == 0:
        raise UserError(f"“{name}”是空文件（0 字节），不是Excel工作簿。请检查文件是否复制或下载完整。")
    if size > limits.file_bytes:
        raise UserError(f"文件过大：“{name}”有 {_mb(size)} MB，超过 {_mb(limits.file_bytes)} MB，不像是{what}。")
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if _ole_encrypted(path):
            raise UserError(f"“{name}”设有打开密码（已加密），程序无法读取。请在Excel中打开它，取消密码"
                           f"（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后保存，再导入。")
        if suffix in ZIP_SUFFIXES:
            raise UserError(f"“{name}”实际上是旧版Excel 97-2003（.xls）文件，扩展名却是“{suffix}”。"
                           f"请用Excel打开后“另存为”Excel工作簿（.xlsx）再导入。")
        return  # a real .xls: its size is checked above; a sheet has at most 65,536 × 256 cells (~0.5 GB in calamine)
    if head.startswith(ZIP_MAGIC):
        if suffix == ".xls":
            raise UserError(f"“{name}”实际上是新版Excel（.xlsx）文件，扩展名却是“.xls”。请把扩展名改为“.xlsx”后再导入。")
        _check_zip(path, what, limits)
        return
    raise UserError(_not_a_workbook(name, head))


def is_reader_failure(e: BaseException) -> bool:
    """Does an exception raised by a reader mean "this file cannot be read"? calamine's Rust
    panics arrive as pyo3's PanicException, which is not an Exception; an interrupt is no failure."""
    if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        return False
    return isinstance(e, Exception) or type(e).__name__ == "PanicException"


def unreadable_message(name: str, e: BaseException) -> str:
    """The message for a file that passed the check but that a reader could not read."""
    text = str(e).lower()
    if "password" in text or "encrypt" in text:
        return f"“{name}”设有打开密码（已加密），程序无法读取。请在Excel中取消密码后保存，再导入。"
    return (f"无法读取Excel文件“{name}”：文件已损坏或不是Excel格式（{type(e).__name__}）。"
            f"请用Excel打开后另存为.xlsx再试。")


def _not_a_workbook(name: str, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\r\n\t ").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<meta")) or b"<html" in text[:200] \
            or b"<\x00h\x00t\x00m\x00l" in head.lower():
        kind = "网页（HTML）格式的表格，不是真正的Excel工作簿"
    elif text.startswith(b"<?xml"):
        kind = "XML 文本，不是Excel工作簿"
    elif text.startswith(b"%pdf"):
        kind = "PDF 文件"
    elif head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8")):
        kind = "图片"
    elif _is_text(head):
        kind = "文本文件（如 CSV），不是Excel工作簿" if b"," in head or b"\t" in head else "文本文件，不是Excel工作簿"
    else:
        kind = "无法识别的文件，不是Excel工作簿"
    return (f"“{name}”是{kind}，程序无法读取。请用Excel（或WPS表格）打开它，"
            f"“另存为”Excel工作簿（.xlsx）后再导入。")


def _is_text(head: bytes) -> bool:
    for codec in ("utf-8", "gb18030"):
        for cut in range(4):  # the first 512 bytes may end inside a character
            try:
                text = head[:len(head) - cut].decode(codec)
            except UnicodeDecodeError:
                continue
            return all(c.isprintable() or c in "\r\n\t" for c in text)
    return False


def _ole_encrypted(path: Path) -> bool:
    """Is this OLE compound file an encrypted Office document ("EncryptedPackage" stream)?"""
    mark = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(4 * CHUNK):
            if mark in tail + chunk:
                return True
            tail = chunk[-len(mark):]
    return False


# ---- zip packages -------------------------------------------------------------------------

def _zip_directory(path: Path) -> tuple[int, int] | None:
    """(entries, size of the central directory) as the end of the zip declares them; None when
    there is no end record (a truncated or non-zip file). zipfile reads the whole directory
    into memory, so both are checked before it is opened."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65_557))
        tail = f.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return None
        entries, cd_size = struct.unpack("<HI", tail[at + 10:at + 16])
        if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
            offset = struct.unpack("<Q", tail[at - 12:at - 4])[0]  # the zip64 end record
            f.seek(offset)
            rec = f.read(56)
            if rec[:4] == b"PK\x06\x06" and len(rec) == 56:
                entries, cd_size = struct.unpack("<QQ", rec[32:48])
        return entries, cd_size


def _damaged(name: str, detail: str = "") -> UserError:
    return UserError(f"“{name}”已损坏或不完整{detail}，无法读取（可能没有下载或复制完整）。"
                    f"请重新获取文件，或用Excel打开修复后另存再导入。")


def _check_zip(path: Path, what: str, limits: Limits) -> None:
    name = path.name
    directory = _zip_directory(path)
    if directory is None:
        raise _damaged(name)
    entries, cd_size = directory
    if entries > limits.entries or cd_size > limits.entries * DIRECTORY_BYTES_PER_ENTRY:
        raise UserError(f"文件过大或已损坏：“{name}”含有 {entries} 个部件，超过 {limits.entries} 个，不像是{what}。")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged(name) from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if any(i.flag_bits & 0x1 for i in infos) or (
                "META-INF/manifest.xml" in names and b"encryption-data" in _read_small(zf, "META-INF/manifest.xml")):
            raise UserError(f"“{name}”设有打开密码（已加密），程序无法读取。请取消密码后保存，再导入。")
        kind = _package_kind(names)
        if kind is None:
            other = "Word 文档" if "word/document.xml" in names else (
                "PowerPoint 演示文稿" if "ppt/presentation.xml" in names else "压缩包")
            raise UserError(f"“{name}”是{other}，不是Excel工作簿，程序无法读取。请选择Excel文件（.xlsx 或 .xls）。")
        sheets = _sheet_parts(zf, kind, names, name)
        total = 0
        for info in infos:
            total += info.file_size
            limit = _part_limit(info.filename, kind, sheets, limits)
            if info.file_size > limit:
                raise UserError(f"文件过大或已损坏：“{name}”中的 {info.filename} 解压后有 {_mb(info.file_size)} MB，"
                               f"超过 {_mb(limit)} MB，不像是{what}。")
            if info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UserError(f"文件已损坏或是恶意构造的：“{name}”中的 {info.filename} 压缩比异常"
                               f"（{info.file_size // max(info.compress_size, 1)} 倍），程序拒绝读取。")
        if total > limits.unpacked_bytes:
            raise UserError(f"文件过大或已损坏：“{name}”解压后超过 {_mb(limits.unpacked_bytes)} MB"
                           f"（共 {_mb(total)} MB），不像是{what}。")
        if kind == "xlsx" and "xl/sharedStrings.xml" in names:
            _check_string_count(zf, name, what, limits)
        for info in infos:
            extent = _verify_part(zf, info, name, kind, sheets.get(info.filename))
            if extent is not None:
                rows, cols, sheet = extent
                if rows * cols > limits.cells:
                    raise UserError(f"“{name}”的工作表“{sheet or sheets[info.filename]}”数据区域有 {rows} 行 × {cols} 列，"
                                   f"超过 {limits.cells:,} 个单元格，不像是{what}。如果表格右方或下方远处有多余的内容，"
                                   f"请在Excel中删除这些行列后另存再导入。")


def _package_kind(names: set[str]) -> str | None:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and ("mimetype" in names or "META-INF/manifest.xml" in names):
        return "ods"
    return None


def _read_small(zf: zipfile.ZipFile, part: str, limit: int = 16 * MiB) -> bytes:
    info = zf.getinfo(part)
    if info.file_size > limit:
        raise UserError(f"文件已损坏：{part} 过大（{_mb(info.file_size)} MB）。")
    try:
        with zf.open(info) as f:
            data = f.read(limit + 1)
    except Exception:  # zlib.error, BadZipFile, EOFError …
        raise _damaged(Path(zf.filename or "").name, f"（{part}）") from None
    if len(data) > limit:
        raise _damaged(Path(zf.filename or "").name, f"（{part}）")
    return data


def _sheet_parts(zf: zipfile.ZipFile, kind: str, names: set[str], name: str) -> dict[str, str]:
    """{part name: sheet name} of the workbook's worksheets; a listed sheet without its part is damage."""
    if kind == "ods":
        return {"content.xml": ""}  # its tables are named as they are read
    book, rels = "xl/workbook." + ("xml" if kind == "xlsx" else "bin"), "xl/_rels/workbook.{}.rels".format(
        "xml" if kind == "xlsx" else "bin")
    if rels not in names:
        raise _damaged(name, "（缺少工作簿的关系表 " + rels + "）")
    try:
        rel_root = ET.fromstring(_read_small(zf, rels))
    except ET.ParseError:
        raise _damaged(name, f"（{rels} 无法解析）") from None
    targets = {}
    for r in rel_root.iter():
        if _local(r.tag) == "Relationship" and (r.get("Type") or "").endswith("/worksheet"):
            target = (r.get("Target") or "").replace("\\", "/")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[r.get("Id")] = _normalise(target)
    sheets: dict[str, str] = {}
    if kind == "xlsx":
        try:
            root = ET.fromstring(_read_small(zf, book))
        except ET.ParseError:
            raise _damaged(name, f"（{book} 无法解析）") from None
        listed = [(el.get("name") or "", next((v for k, v in el.attrib.items() if _local(k) == "id"), None))
                  for el in root.iter() if _local(el.tag) == "sheet"]
        if not listed:
            raise _damaged(name, "（工作簿中没有工作表）")
        for sheet_name, rid in listed:
            part = targets.get(rid)
            if part is None:
                continue  # a chart sheet or dialog sheet: not read as rows
            if part not in names:
                raise UserError(f"“{name}”已损坏：缺少工作表“{sheet_name}”的内容（{part}），无法读取。"
                               f"请用Excel打开修复后另存再导入。")
            sheets[part] = sheet_name
    else:
        for i, part in enumerate(targets.values(), start=1):
            if part not in names:
                raise UserError(f"“{name}”已损坏：缺少工作表的内容（{part}），无法读取。请用Excel打开修复后另存再导入。")
            sheets[part] = f"第{i}个工作表"
    return sheets


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _normalise(target: str) -> str:
    parts: list[str] = []
    for p in target.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p not in ("", "."):
            parts.append(p)
    return "/".join(parts)


def _part_limit(part: str, kind: str, sheets: dict[str, str], limits: Limits) -> int:
    if part in sheets:
        return limits.sheet_bytes
    if part == "xl/sharedStrings.xml" or part == "xl/sharedStrings.bin":
        return limits.shared_strings_bytes
    return limits.other_part_bytes


_SST_COUNT = re.compile(rb'\b(count|uniqueCount)="(\d+)"')


def _check_string_count(zf: zipfile.ZipFile, name: str, what: str, limits: Limits) -> None:
    try:
        with zf.open("xl/sharedStrings.xml") as f:
            head = f.read(4096)
    except Exception:  # zlib.error, BadZipFile, EOFError …
        raise _damaged(name, "（xl/sharedStrings.xml）") from None
    tag = re.search(rb"<(?:\w+:)?sst\b[^>]*>", head)
    for attr, value in _SST_COUNT.findall(tag.group(0) if tag else b""):
        if int(value) > limits.strings:
            raise UserError(f"文件过大或已损坏：“{name}”声明有 {int(value):,} 个共享字符串，超过 {limits.strings:,} 个，"
                           f"不像是{what}。")


# ---- reading every part once --------------------------------------------------------------

# The row number and the column letters of a cell's (or a row's) reference: r="AB12" / r="12".
# Any attribute ending in r counts (whatever space precedes it): a few more numbers, never fewer.
_ROW_NUMBER = re.compile(rb'r="[A-Z]{0,3}([0-9]{1,7})"')
_COLUMN_LETTERS = re.compile(rb'r="([A-Z]{1,3})[0-9]')
_TAIL = 512  # bytes kept between chunks so that a tag cut in two is seen whole


def _verify_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, kind: str,
                 sheet: str | None) -> tuple[int, int, str] | None:
    """Inflate one part in chunks: its real size and checksum must be the recorded ones (the
    readers trust them). For a worksheet, return its used range (rows, columns, sheet name
    when the part holds several)."""
    extent = _Extent(kind) if sheet is not None else None
    # Read past the recorded size: a part that inflates to more than it says is refused,
    # whatever checksum it carries (zipfile alone would stop at the recorded size).
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1
    count = 0
    try:
        with zf.open(probe) as f:
            while chunk := f.read(CHUNK):
                count += len(chunk)
                if count > info.file_size:
                    break
                if extent is not None:
                    extent.feed(chunk)
        result = extent.result() if extent is not None else None
    except Exception:  # zlib.error, BadZipFile, EOFError, ET.ParseError …: whatever the damage, it is damage
        raise _damaged(name, f"（{info.filename}）") from None
    if count != info.file_size:
        raise UserError(f"“{name}”已损坏或是恶意构造的：{info.filename} 的实际内容与记录的大小不符，程序拒绝读取。")
    return result


class _Extent:
    """The used range of a sheet from its XML (xlsx), records (xlsb) or repeated cells (ods)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.rows = self.cols = 0
        self.tail = b""
        if kind == "ods":
            self._ods = _OdsExtent()
        elif kind == "xlsb":
            self._bin = _XlsbExtent()

    def feed(self, chunk: bytes) -> None:
        if self.kind == "ods":
            self._ods.feed(chunk)
            return
        if self.kind == "xlsb":
            self._bin.feed(chunk)
            return
        data = self.tail + chunk
        cut = data.rfind(b"<", max(0, len(data) - _TAIL))
        if cut < 0:
            cut = len(data)
        digits = set(_ROW_NUMBER.findall(data, 0, cut))  # sets built in C: ~0.5 s for 50 MB of XML
        letters = set(_COLUMN_LETTERS.findall(data, 0, cut))
        if digits:
            self.rows = max(self.rows, max(map(int, digits)))
        if letters:
            self.cols = max(self.cols, max(_column_number(c) for c in letters))
        self.tail = data[cut:]

    def result(self) -> tuple[int, int, str]:
        if self.kind == "ods":
            return self._ods.result()
        if self.kind == "xlsb":
            return (*self._bin.result(), "")
        return self.rows, max(self.cols, 1 if self.rows else 0), ""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


class _XlsbExtent:
    """BIFF12 records: BrtRowHdr (0) starts with the row, cell records (1-11) with the column."""

    def __init__(self):
        self.buf = b""
        self.rows = self.cols = 0

    def feed(self, chunk: bytes) -> None:
        buf = self.buf + chunk
        i, n = 0, len(buf)
        unpack = struct.unpack_from
        while i < n:  # one record: type (1-2 bytes) and size (1-4 bytes), 7 bits each, then its data
            b = buf[i]
            j = i + 1
            if b & 0x80:
                if j >= n:
                    break
                rtype = (b & 0x7F) | ((buf[j] & 0x7F) << 7)
                j += 1
            else:
                rtype = b
            size = shift = 0
            while j < n:
                b = buf[j]
                j += 1
                size |= (b & 0x7F) << shift
                shift += 7
                if not b & 0x80 or shift >= 28:
                    break
            else:
                break  # cut off: the rest comes with the next chunk
            if j + size > n:
                break
            if rtype == 0:
                if size >= 4:
                    self.rows = max(self.rows, unpack("<I", buf, j)[0] + 1)
            elif rtype <= 11 and size >= 4:
                self.cols = max(self.cols, unpack("<I", buf, j)[0] + 1)
            i = j + size
        self.buf = buf[i:]

    def result(self) -> tuple[int, int]:
        return self.rows, self.cols


class _OdsExtent:
    """Rows × columns of the largest table in content.xml, counting repeated rows and cells
    (number-rows-repeated, number-columns-repeated) up to the last one holding a value."""

    T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    O = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

    def __init__(self):
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.best = (0, 0, "")
        self.table = ""
        self.row = self.col = 0          # next row / column index in the current table
        self.max_row = self.max_col = 0  # used range of the current table
        self.row_rep = 1
        self.row_used = False

    def feed(self, chunk: bytes) -> None:
        self.parser.feed(chunk)
        self._events()

    def _events(self) -> None:
        t, o = self.T, self.O
        for event, el in self.parser.read_events():
            tag = el.tag
            if event == "start":
                if tag == f"{{{t}}}table":
                    self.row = self.col = self.max_row = self.max_col = 0
                    self.table = el.get(f"{{{t}}}name") or ""
                elif tag == f"{{{t}}}table-row":
                    self.row_rep = int(el.get(f"{{{t}}}number-rows-repeated") or 1)
                    self.col = 0
                    self.row_used = False
                continue
            if tag in (f"{{{t}}}table-cell", f"{{{t}}}covered-table-cell"):
                rep = int(el.get(f"{{{t}}}number-columns-repeated") or 1)
                if el.get(f"{{{o}}}value-type") or len(el):
                    self.max_col = max(self.max_col, self.col + rep)
                    self.row_used = True
                self.col += rep
                el.clear()
            elif tag == f"{{{t}}}table-row":
                if self.row_used:
                    self.max_row = self.row + self.row_rep
                self.row += self.row_rep
                el.clear()
            elif tag == f"{{{t}}}table":
                self.best = max(self.best, (self.max_row, self.max_col, self.table), key=lambda x: x[0] * x[1])
                el.clear()

    def result(self) -> tuple[int, int, str]:
        self.parser.close()
        self._events()
        return self.best
