"""Hostile and broken workbooks for the tests of the workbook check (xlsx_guard), built with zipfile."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from roster_util import person, write_roster

MiB = 1 << 20
SST_PART = "xl/sharedStrings.xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def roster(path: Path) -> Path:
    """A valid two-member 花名册 (openpyxl writes inline strings: no sharedStrings part)."""
    return write_roster(path, [person(1), person(2)])


def rezip(src: Path, dst: Path, *, drop: tuple[str, ...] = (), replace: dict[str, bytes] | None = None,
          level: int = 6) -> Path:
    """A copy of the zip `src` without the parts in `drop` and with the parts in `replace`."""
    replace = dict(replace or {})
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, replace.pop(info.filename, None) or zin.read(info.filename))
        for name, data in replace.items():
            zout.writestr(name, data)
    return dst


def _with_sst_declared(src: Path) -> dict[str, bytes]:
    """[Content_Types].xml and the workbook relationships of `src`, listing a shared strings part."""
    with zipfile.ZipFile(src) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("</Types>", f'<Override PartName="/{SST_PART}" ContentType="{SST_TYPE}"/></Types>')
    rels = rels.replace("</Relationships>",
                        f'<Relationship Id="rIdSst" Type="{SST_REL}" Target="sharedStrings.xml"/></Relationships>')
    return {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()}


def sst_bomb(tmp: Path, name: str, unpacked: int, *, level: int = 1, count: int | None = None) -> Path:
    """A roster whose shared strings are `unpacked` bytes of the same string over and over:
    a few MB on disk. `count` sets the count/uniqueCount the part declares."""
    base = roster(tmp / f"{name}-base.xlsx")
    path = rezip(base, tmp / name, replace=_with_sst_declared(base))
    item = b"<si><t>" + "党员花名册".encode() * 60 + b"</t></si>"
    n = unpacked // len(item)
    declared = count if count is not None else n
    head = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{declared}" ' \
           f'uniqueCount="{declared}">'.encode()
    block = item * 4096
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as z, \
            z.open(SST_PART, "w", force_zip64=unpacked > 2000 * MiB) as f:
        f.write(head)
        for _ in range(n // 4096):
            f.write(block)
        f.write(b"</sst>")
    return path


def lying_sst(tmp: Path, name: str, unpacked: int, declared: int = 1000) -> Path:
    """Shared strings of `unpacked` bytes whose headers say `declared` bytes, with the checksum
    of those first bytes: zipfile would stop there; calamine would inflate it all."""
    path = sst_bomb(tmp, name, unpacked, level=9, count=10)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SST_PART)
        with z.open(info) as f:
            crc = zlib.crc32(f.read(declared))
    data = bytearray(path.read_bytes())
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, local + 22, declared)
    central = data.rfind(b"PK\x01\x02" + data[local + 4:local + 10])  # its central directory entry
    while data[central + 46:central + 46 + len(SST_PART)] != SST_PART.encode():
        central = data.rfind(b"PK\x01\x02", 0, central)
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))
    return path


def far_cells(tmp: Path, name: str = "far.xlsx") -> Path:
    """Two cells, A1 and XFD1048576: a 1 KB file for which calamine allocates 17 billion cells."""
    base = roster(tmp / f"{name}-base.xlsx")
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return rezip(base, tmp / name, replace={"xl/worksheets/sheet1.xml": sheet.replace("</sheetData>", far).encode()})


def ods_repeated(tmp: Path, name: str = "repeated.ods", columns: int = 1000, rows: int = 90_000) -> Path:
    """An .ods whose one cell with a value is repeated `columns` × `rows` times (calamine expands it)."""
    t = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               f'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="{t}" '
               f'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="花名册"><table:table-row table:number-rows-repeated="{rows}">'
               f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string">'
               f'<text:p>x</text:p></table:table-cell></table:table-row></table:table>'
               f'</office:spreadsheet></office:body></office:document-content>')
    path = tmp / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole(path: Path, *, encrypted: bool) -> Path:
    """An OLE compound file as Excel writes a .xls, or (encrypted) a workbook with a password to
    open, whose directory lists the EncryptionInfo and EncryptedPackage streams."""
    body = bytearray(OLE + b"\x00" * 504)
    entries = ("EncryptionInfo", "EncryptedPackage") if encrypted else ("Workbook", "SummaryInformation")
    for entry in ("Root Entry",) + entries:
        name = entry.encode("utf-16-le") + b"\x00\x00"
        body += name + b"\x00" * (64 - len(name)) + struct.pack("<H", len(name)) + b"\x00" * 62
    path.write_bytes(bytes(body) + b"\x00" * 4096)
    return path


def broken_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """{case: (file, a phrase its Chinese message must contain)}."""
    tmp.mkdir(parents=True, exist_ok=True)
    good = roster(tmp / "good.xlsx")
    data = good.read_bytes()
    cases = {}

    def put(case: str, name: str, content: bytes, phrase: str) -> None:
        p = tmp / name
        p.write_bytes(content)
        cases[case] = (p, phrase)

    put("empty", "empty.xlsx", b"", "空文件")
    put("not a zip", "text.xlsx", "姓名,性别\n张三,男\n".encode(), "不是Excel工作簿")
    put("web page saved as .xls", "page.xls", b"<html><body><table><tr><td>x</td></tr></table></body></html>",
        "网页")
    put("truncated", "truncated.xlsx", data[:len(data) // 2], "已损坏或不完整")
    cases["missing sheet part"] = (rezip(good, tmp / "nosheet.xlsx", drop=("xl/worksheets/sheet1.xml",)),
                                   "缺少工作表")
    cases[".xls renamed .xlsx"] = (ole(tmp / "old.xlsx", encrypted=False), "旧版Excel")
    cases["password to open"] = (ole(tmp / "secret.xlsx", encrypted=True), "设有打开密码")
    put(".xlsx renamed .xls", "new.xls", data, "扩展名改为“.xlsx”")
    damaged = bytearray(data)
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len + 4  # inside the compressed sheet
    damaged[start:start + 16] = bytes(b ^ 0x5A for b in damaged[start:start + 16])
    put("damaged part", "damaged.xlsx", bytes(damaged), "已损坏")
    return cases


def _record(rtype: int, data: bytes = b"") -> bytes:
    """A BIFF12 record: type and size as 7-bit varints, then the data."""
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out)
    return varint(rtype) + varint(len(data)) + data


def xlsb(tmp: Path, name: str, cells: list[tuple[int, int]]) -> Path:
    """An .xlsb package whose one sheet holds a shared-string cell at each (row, column), 0-based."""
    body = bytearray(_record(0x81) + _record(0x91))            # BrtBeginSheet, BrtBeginSheetData
    for row, col in cells:
        body += _record(0, struct.pack("<I", row) + b"\x00" * 13)  # BrtRowHdr
        body += _record(7, struct.pack("<II", col, 0) + struct.pack("<I", 0))  # BrtCellIsst
    body += _record(0x92) + _record(0x82)                      # BrtEndSheetData, BrtEndSheet
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>')
    path = tmp / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.bin", _record(0x83) + _record(0x84))
        z.writestr("xl/_rels/workbook.bin.rels", rels)
        z.writestr("xl/worksheets/sheet1.bin", bytes(body))
    return path
