"""Self-test (自检): `dangjian-desktop --selftest` proves an installation can work, step by step.

Meant for a clerk or the county's IT person on a town laptop, and for CI on the frozen
bundle. Every step runs on throw-away data in a temporary folder; the user's own database
and settings are never touched. Each step prints one line, ``✓ 步骤名：详情`` or
``✗ 步骤名：原因``; the exit code is 0 when all pass, 1 otherwise.

Where the report goes:
- stdout, when there is one (a terminal, or output redirected to a file or pipe);
- always the file ``<用户数据目录>/selftest.txt`` (with tracebacks, for the IT person);
- on Windows the GUI executable has no console when started by double-click or from
  cmd without redirection (``sys.stdout is None``): then a message box shows the
  summary and names the report file.

The build (PyInstaller spec, wheel build) writes a manifest of every resource file and of
the dynamically discovered modules (migrations, CLI commands) into the bundle; when that
manifest is present the self-test checks the installation against it, so a file lost
from the bundle (or quarantined by antivirus software) is named.

This module's top level imports only the standard library: setup.py and the PyInstaller
spec load it by file path to write the manifest, before the app's dependencies exist.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pkgutil
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TextIO

#: File name of the build manifest, at the top of the app root (next to resources/ and ui/).
MANIFEST_NAME = "resources-manifest.json"
#: Folders of the app root shipped as data.
DATA_DIRS = ("resources", "ui")
#: Packages whose modules are found at run time with pkgutil (so a bundler may miss them).
DISCOVERED_PACKAGES = ("dangjian_desktop.db.migrations", "dangjian_desktop.commands")
#: Report file name inside the user data folder.
REPORT_NAME = "selftest.txt"

#: Printed in the sample PDF: Chinese, digits and the star used on publicity sheets.
PDF_SAMPLE = "中共测试镇委员会 党建台账自检 2026年3月1日 得分98.5 ★★★★☆ 第1名（优秀）"

BUNDLED_FONT = ("fonts", "WenQuanYiMicroHei-GB2312.ttf")
# Files the program cannot start or print without, checked even when there is no manifest.
REQUIRED_RESOURCES = (BUNDLED_FONT, ("icons", "app.png"))


# ---- the build manifest (stdlib only: used by setup.py and the spec) ----------------------

def _skip(path: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in path.parts) or path.suffix == ".pyc"


def build_manifest(source_root: str | os.PathLike, version: str = "",
                   data_root: str | os.PathLike | None = None) -> dict:
    """What an installation built from `source_root` (a checkout) must contain.

    files: every file under resources/ and ui/ with its size, read from `data_root` when the
    build ships a snapshot of them (so a file edited during the build cannot disagree with
    the manifest); modules: the modules of the packages found at run time by pkgutil.
    """
    root = Path(source_root)
    data = Path(data_root) if data_root is not None else root
    files: dict[str, int] = {}
    for top in DATA_DIRS:
        base = data / top
        for p in sorted(base.rglob("*")):
            rel = p.relative_to(data)
            if p.is_file() and not _skip(rel):
                files[rel.as_posix()] = p.stat().st_size
    modules: dict[str, list[str]] = {}
    for package in DISCOVERED_PACKAGES:
        folder = root.joinpath(*package.split("."))
        modules[package] = sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if not m.name.startswith("_"))
    return {"version": version, "files": files, "modules": modules}


def write_manifest(source_root: str | os.PathLike, dest_dir: str | os.PathLike, version: str = "",
                   data_root: str | os.PathLike | None = None) -> Path:
    """Write the manifest (see build_manifest) as `dest_dir/resources-manifest.json`; returns its path."""
    dest = Path(dest_dir) / MANIFEST_NAME
    dest.parent.mkdir(parents=True, exist_ok=True)
    manifest = build_manifest(source_root, version, data_root)
    dest.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return dest


def load_manifest(app_root: Path) -> dict | None:
    path = app_root / MANIFEST_NAME
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# ---- running the steps -----------------------------------------------------------------

class StepFailed(Exception):
    """A check found a problem; the message (Chinese) says what and where."""


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float
    trace: str = ""


@dataclass
class Context:
    workdir: Path
    db_path: Path | None = None
    app: object = None  # the QApplication once the GUI steps created it
    manifest: dict | None = None
    results: list[StepResult] = field(default_factory=list)


def _mark_ok(stream: TextIO | None) -> tuple[str, str]:
    """✓/✗, or √/× where the output encoding (e.g. GBK in a redirected Windows file) lacks them."""
    enc = getattr(stream, "encoding", None) or "utf-8"
    try:
        "✓✗".encode(enc)
        return "✓", "✗"
    except (UnicodeEncodeError, LookupError):
        return "√", "×"


def _has_console() -> bool:
    return sys.stdout is not None


def _will_show_message_box() -> bool:
    """Windows GUI executable started without a console: the summary goes to a message box."""
    return not _has_console() and os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal")


def run_selftest() -> int:
    """Run every step, report, and return the exit code (0: all passed, 1: a step failed)."""
    out: TextIO = sys.stdout if _has_console() else io.StringIO()
    try:
        # As the CLI does: UTF-8 also when redirected to a file on a Windows whose locale
        # code page cannot hold Chinese (a CI runner); a console gets UTF-16 regardless.
        out.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        pass
    yes, no = _mark_ok(out)
    if not _will_show_message_box() and not os.environ.get("QT_QPA_PLATFORM"):
        # No window is shown, so no display is needed: a laptop without a desktop session,
        # a CI runner or an SSH login can run the self-test too.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from . import __version__

    print(f"党建台账 {__version__} 自检", file=out, flush=True)
    report_path = _report_path()
    with tempfile.TemporaryDirectory(prefix="dangjian-selftest-", ignore_cleanup_errors=True) as tmp, \
            _own_keys(Path(tmp) / "keys"):
        ctx = Context(workdir=Path(tmp))
        for name, step in STEPS:
            _progress(report_path, ctx, name)
            started = time.perf_counter()
            try:
                detail = step(ctx)
                result = StepResult(name, True, detail, time.perf_counter() - started)
            except StepFailed as e:
                result = StepResult(name, False, str(e), time.perf_counter() - started)
            except Exception as e:  # noqa: BLE001 - the report must name any failure
                result = StepResult(name, False, f"{type(e).__name__}: {e}", time.perf_counter() - started,
                                    traceback.format_exc())
            ctx.results.append(result)
            mark = yes if result.ok else no
            print(f"{mark} {name}：{result.detail}", file=out, flush=True)
        _close_qt(ctx)
    failed = [r.name for r in ctx.results if not r.ok]
    summary = (f"自检通过：全部 {len(ctx.results)} 项正常。" if not failed
               else f"自检未通过：{'、'.join(failed)} 失败。")
    saved = _write_report(report_path, ctx.results, summary, __version__)
    print(summary, file=out)
    if saved is not None:
        print(f"报告已保存到：{saved}", file=out)
    else:
        print(f"报告文件无法写入：{report_path}", file=out)
    out.flush()
    if _will_show_message_box():
        _show_summary_box(ctx, yes, no, summary, saved)
    return 1 if failed else 0


@contextmanager
def _own_keys(folder: Path) -> Iterator[None]:
    """The throw-away database's office key kept with it (removed with the folder), not among the
    user's own keys: each self-test left one there."""
    was = os.environ.get("DANGJIAN_KEYS_DIR")
    os.environ["DANGJIAN_KEYS_DIR"] = str(folder)
    try:
        yield
    finally:
        if was is None:
            os.environ.pop("DANGJIAN_KEYS_DIR", None)
        else:
            os.environ["DANGJIAN_KEYS_DIR"] = was


def _report_path() -> Path:
    from .paths import user_data_dir

    return user_data_dir() / REPORT_NAME


def _progress(report_path: Path, ctx: Context, step: str) -> None:
    """Record which step is running: if the process dies inside Qt (a missing platform
    plugin aborts it), the report file still names the step."""
    try:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{'通过' if r.ok else '失败'} {r.name}：{r.detail}" for r in ctx.results]
        lines.append(f"正在检查：{step}（如果报告停在这里，说明程序在这一步意外退出）")
        report_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError:
        pass  # the data-folder step reports an unwritable folder


def _write_report(path: Path, results: list[StepResult], summary: str, version: str) -> Path | None:
    from .paths import app_root

    try:
        root = str(app_root())
    except FileNotFoundError:
        root = "（未找到）"
    lines = [
        f"党建台账 {version} 自检报告",
        f"时间：{time.strftime('%Y-%m-%d %H:%M:%S')}",
        f"程序：{sys.executable}{'（打包版）' if getattr(sys, 'frozen', False) else ''}",
        f"资源目录：{root}",
        f"系统：{sys.platform}，Python {sys.version.split()[0]}",
        "",
    ]
    for r in results:
        lines.append(f"{'通过' if r.ok else '失败'}  {r.name}：{r.detail}（{r.seconds:.2f} 秒）")
        if r.trace:
            lines += ["    " + t for t in r.trace.rstrip().splitlines()]
    lines += ["", summary]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    except OSError:
        return None


# ---- the steps -------------------------------------------------------------------------

def step_data_dir(ctx: Context) -> str:
    """用户数据目录: writable, and never inside the install folder."""
    from .errors import os_reason
    from .paths import user_data_dir

    d = user_data_dir()
    try:
        d.mkdir(parents=True, exist_ok=True)
        probe = d / f".selftest-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as e:
        raise StepFailed(f"无法写入用户数据目录 {d}：{os_reason(e)}") from None
    if getattr(sys, "frozen", False):
        install = Path(sys.executable).resolve().parent
        if d.resolve() == install or install in d.resolve().parents:
            raise StepFailed(f"用户数据目录 {d} 位于安装目录 {install} 之内，卸载或升级时会丢失数据")
    return str(d)


def step_resources(ctx: Context) -> str:
    """资源文件: the resource folder is found and holds every file it should."""
    from .paths import app_root

    try:
        root = app_root()
    except FileNotFoundError as e:
        raise StepFailed(f"找不到资源目录 resources（{e}）") from None
    missing: list[str] = []
    wrong_size: list[str] = []
    for parts in REQUIRED_RESOURCES:
        if not root.joinpath("resources", *parts).is_file():
            missing.append("resources/" + "/".join(parts))
    if not any((root / "ui").glob("*.ui")):
        missing.append("ui/*.ui")
    ctx.manifest = load_manifest(root)
    checked = "必需文件"
    if ctx.manifest is not None:
        for rel, size in ctx.manifest["files"].items():
            p = root / rel
            if not p.is_file():
                missing.append(rel)
            elif p.stat().st_size != size:
                wrong_size.append(rel)
        checked = f"清单中的 {len(ctx.manifest['files'])} 个文件"
    problems = []
    if missing:
        problems.append(f"缺少 {len(missing)} 个文件：{'、'.join(sorted(set(missing))[:10])}")
    if wrong_size:
        problems.append(f"{len(wrong_size)} 个文件大小不对（可能已损坏）：{'、'.join(wrong_size[:10])}")
    if problems:
        raise StepFailed("；".join(problems) + f"（资源目录 {root}）。请重新安装程序")
    from .registry import codes

    for table_id in codes.TABLES:
        try:
            codes.table(table_id)
        except (OSError, ValueError, KeyError) as e:
            raise StepFailed(f"代码表 resources/codes/{table_id}.json 无法读取：{e}") from None
    return f"{checked}齐全，{len(codes.TABLES)} 张代码表可读（{root}）"


def _check_discovered(ctx: Context, package: str, found: list[str], what: str) -> None:
    if ctx.manifest is None:
        return
    expected = ctx.manifest.get("modules", {}).get(package, [])
    lost = sorted(set(expected) - set(found))
    if lost:
        raise StepFailed(f"程序中缺少{what}：{'、'.join(lost)}（{package}）。请重新安装程序")


def step_database(ctx: Context) -> str:
    """数据库与迁移: a new database is created, migrated to the latest version and sound."""
    from .db import Database
    from .db.migrations import all_migrations
    from .registry import init_office

    steps = all_migrations()
    _check_discovered(ctx, DISCOVERED_PACKAGES[0], [m.name for m in steps], "数据库迁移模块")
    if not steps:
        raise StepFailed("没有找到任何数据库迁移模块（dangjian_desktop.db.migrations）")
    latest = steps[-1].version
    path = ctx.workdir / "selftest.sqlite"
    db = Database.create(path)
    try:
        init_office(db, name="自检镇", level="town")
        if db.schema_version != latest:
            raise StepFailed(f"数据库版本是 {db.schema_version}，应为最新的 {latest}")
        problems = db.verify()
        if problems:
            raise StepFailed("完整性检查发现问题：" + "；".join(problems[:5]))
    finally:
        db.close()
    with Database.open(path, mode="read") as again:
        if again.local_office_id is None:
            raise StepFailed("重新打开数据库后找不到刚建立的单位")
    ctx.db_path = path
    return f"新建数据库版本 {latest}（{len(steps)} 个迁移），完整性与变更日志检查通过"


def step_cli(ctx: Context) -> str:
    """命令行模块: every `dangjian` sub-command module is present and registers."""
    from .cli import build_parser, command_modules

    found = command_modules()
    _check_discovered(ctx, DISCOVERED_PACKAGES[1], found, "命令行模块")
    if not found:
        raise StepFailed("没有找到任何命令行模块（dangjian_desktop.commands）")
    parser = build_parser()
    commands = sorted(name for action in parser._actions  # noqa: SLF001 - argparse keeps sub-commands here
                      if isinstance(action, argparse._SubParsersAction) for name in action.choices)
    return f"{len(found)} 个模块，{len(commands)} 个命令：{'、'.join(commands)}"


def step_pinyin(ctx: Context) -> str:
    """拼音排序: the pinyin dictionary is present (names sort by pinyin)."""
    from .pinyin import sort_key

    names = ["张三", "曾小红", "李四", "阿布都"]
    ordered = sorted(names, key=sort_key)
    if ordered != ["阿布都", "李四", "曾小红", "张三"]:
        raise StepFailed(f"姓名排序结果不对：{'、'.join(ordered)}")
    return "、".join(ordered)


def step_excel(ctx: Context) -> str:
    """Excel 读写: openpyxl writes a workbook that python-calamine reads back unchanged."""
    import datetime as dt

    import openpyxl
    from python_calamine import CalamineWorkbook

    rows = [["姓名", "入党时间", "得分"], ["张三", dt.date(1998, 7, 1), 98.5], ["李四", dt.date(2020, 12, 31), 87]]
    path = ctx.workdir / "selftest.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    for row in rows:
        ws.append(row)
    wb.save(path)
    back = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("花名册").to_python()
    got = [[v.date() if isinstance(v, dt.datetime) else v for v in row] for row in back]
    if got != rows:
        raise StepFailed(f"读回的内容与写入的不同：{got!r}")
    return f"写入并读回 {len(rows)} 行（openpyxl {openpyxl.__version__}）"


def step_pdf(ctx: Context) -> str:
    """PDF 与内置字体: a small publicity sheet in the bundled font, embedded, every character with a glyph."""
    from .reports.fonts import BUNDLED_FONT_FILE, bundled_font_path, load_fonts
    from .reports.pdf import Column, ObjectionContact, PublicitySheet, build_publicity_pdf, stars
    from .reports.pdf_text import unicode_maps

    font_path = bundled_font_path()
    if not font_path.is_file():
        raise StepFailed(f"找不到内置字体文件 {BUNDLED_FONT_FILE}（{font_path}）。请重新安装程序")
    try:
        fonts = load_fonts(None)
    except Exception as e:  # noqa: BLE001 - a damaged file: name it
        raise StepFailed(f"内置字体 {BUNDLED_FONT_FILE} 无法读取：{e}") from None
    lacking = sorted(fonts.missing(PDF_SAMPLE))
    if lacking:
        raise StepFailed(f"内置字体 {BUNDLED_FONT_FILE} 缺少这些字的字形：{'、'.join(lacking)}")

    sheet = PublicitySheet(
        title="党建台账自检样张", issuer="中共自检镇委员会", opening=PDF_SAMPLE,
        columns=[Column("名次", 0.6), Column("党组织", 2), Column("得分", 0.8), Column("星级", 1.2)],
        rows=[["1", "第一党支部", "98.5", stars(4, 5)]],
        period_start="2026-03-01", period_end="2026-03-07",
        contact=ObjectionContact(office="镇党委组织办", phone="0000-0000000"))
    path = build_publicity_pdf(sheet, ctx.workdir / "selftest.pdf", fonts=fonts)
    data = Path(path).read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-32:]:
        raise StepFailed("生成的 PDF 文件不完整")
    from reportlab.lib import rl_accel
    from reportlab.pdfbase import pdfmetrics

    if getattr(rl_accel.fp_str, "__module__", "") != "_rl_accel":
        raise StepFailed("PDF 加速模块 _rl_accel 未随程序安装：打印大表会很慢。请重新安装程序")
    face_name = pdfmetrics.getFont(fonts.fallback).face.name  # PostScript name, as in /BaseFont
    if b"/FontFile2" not in data or b"+" + face_name not in data:
        raise StepFailed(f"PDF 中没有嵌入内置字体 {BUNDLED_FONT_FILE}，在别的电脑上会显示为空白或乱码")
    unmapped = sorted({ch for ch in PDF_SAMPLE if not ch.isspace()} - {chr(c) for c in unicode_maps(data)})
    if unmapped:
        raise StepFailed(f"PDF 中这些字没有用内置字体排出：{'、'.join(unmapped)}")
    return f"公示样张 {len(data) // 1024} KB，字体 {BUNDLED_FONT_FILE} 已嵌入，{len(set(PDF_SAMPLE) - {' '})} 个不同字符均有字形"


def _qt_app(ctx: Context):
    if ctx.app is None:
        from .gui.app import create_app

        ctx.app = create_app(["dangjian-desktop"])
    return ctx.app


def step_qt(ctx: Context) -> str:
    """图形界面与中文: Qt starts, standard dialogs speak Chinese, the bundled font draws."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication, QRawFont

    from .paths import resource

    _qt_app(ctx)
    platform = QGuiApplication.platformName()
    english = [("QPlatformTheme", "Cancel"), ("QFileDialog", "Look in:"), ("QMessageBox", "Show Details...")]
    untranslated = [s for c, s in english if not any("\u4e00" <= ch <= "\u9fff" for ch in QCoreApplication.translate(c, s))]
    if untranslated:
        raise StepFailed("Qt 中文翻译（qtbase_zh_CN.qm）没有加载，文件对话框和提示框会显示英文："
                         + "、".join(untranslated))
    font_path = resource(*BUNDLED_FONT)
    raw = QRawFont(str(font_path), 12)
    if not raw.isValid():
        raise StepFailed(f"界面无法读取内置字体 {font_path}")
    sample = "党建台账★0123456789"
    lacking = [ch for ch, glyph in zip(sample, raw.glyphIndexesForString(sample)) if glyph == 0]
    if lacking:
        raise StepFailed(f"内置字体在界面中缺少字形：{'、'.join(lacking)}")
    return f"Qt 平台 {platform}，标准对话框为中文，内置字体 {raw.familyName()} 可用"


def step_chart(ctx: Context) -> str:
    """图表: a chart drawn as the printed report draws it (PDF, bundled font), rasterised by QtPdf as
    the 统计 page shows it and saved as a PNG (gui.statistics.chart_view.self_check)."""
    from .gui.statistics.chart_view import self_check

    _qt_app(ctx)
    return self_check(ctx.workdir, StepFailed)


def step_forms(ctx: Context) -> str:
    """界面表单: every Qt Designer form in ui/ loads."""
    from .gui.forms import load_form
    from .paths import app_root

    app = _qt_app(ctx)
    names = sorted(p.name for p in (app_root() / "ui").glob("*.ui"))
    if not names:
        raise StepFailed(f"界面表单目录 {app_root() / 'ui'} 中没有 .ui 文件")
    broken = []
    for name in names:
        try:
            load_form(name).deleteLater()
        except (OSError, RuntimeError) as e:
            broken.append(f"{name}（{e}）")
    app.processEvents()
    if broken:
        raise StepFailed("这些界面表单无法加载：" + "、".join(broken))
    return f"{len(names)} 个表单均可加载"


def step_main_window(ctx: Context) -> str:
    """主窗口: the main window opens the self-test database, draws itself and closes."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .gui.main_window import MainWindow

    app = _qt_app(ctx)
    dialogs: list[str] = []

    def dismiss_dialogs() -> None:
        # A modal dialog (e.g. an error box) would wait forever for a click: note it and close it.
        w = QApplication.activeModalWidget()
        if w is not None:
            text = w.text() if isinstance(w, QMessageBox) else ""
            dialogs.append(f"{w.windowTitle()} {text}".strip())
            w.close()

    watchdog = QTimer()
    watchdog.setInterval(50)
    watchdog.timeout.connect(dismiss_dialogs)
    watchdog.start()
    # The self-test's own settings file: the user's "last database" must not change.
    settings = QSettings(str(ctx.workdir / "settings.ini"), QSettings.Format.IniFormat)
    try:
        win = MainWindow(ctx.db_path, settings=settings)
        try:
            app.processEvents()
            pixmap = win.grab()
            app.processEvents()
            tabs = [win.tabs.tabText(i).split("(")[0] for i in range(win.tabs.count())]
            if ctx.db_path is not None and win.db is None:
                raise StepFailed("主窗口没能打开自检数据库" + (f"：{dialogs[0]}" if dialogs else ""))
            if pixmap.isNull():
                raise StepFailed("主窗口无法绘制")
        finally:
            win.close()
            win.deleteLater()
            app.processEvents()
    finally:
        watchdog.stop()
    if dialogs:
        raise StepFailed("主窗口弹出了提示：" + "；".join(dialogs))
    return f"{len(tabs)} 个页签（{'、'.join(tabs)}），数据库已打开并关闭"


def _close_qt(ctx: Context) -> None:
    if ctx.app is not None:
        ctx.app.processEvents()  # type: ignore[attr-defined]


def _show_summary_box(ctx: Context, yes: str, no: str, summary: str, saved: Path | None) -> None:
    try:
        from PySide6.QtWidgets import QMessageBox

        _qt_app(ctx)
    except Exception:  # noqa: BLE001 - nothing more can be shown; the report file has it all
        return
    lines = [f"{yes if r.ok else no} {r.name}：{r.detail}" for r in ctx.results]
    failed = any(not r.ok for r in ctx.results)
    box = QMessageBox(QMessageBox.Icon.Critical if failed else QMessageBox.Icon.Information,
                      "党建台账自检", summary)
    box.setInformativeText(f"报告已保存到：\n{saved}" if saved else "报告文件无法写入。")
    box.setDetailedText("\n".join(lines))
    # Room for the report path on one line (the labels are named by Qt).
    box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 420px; }")
    box.exec()


#: The steps in order: (name shown to the user, function returning a detail or raising StepFailed).
STEPS: list[tuple[str, Callable[[Context], str]]] = [
    ("用户数据目录", step_data_dir),
    ("资源文件", step_resources),
    ("数据库与迁移", step_database),
    ("命令行模块", step_cli),
    ("拼音排序", step_pinyin),
    ("Excel 读写", step_excel),
    ("PDF 与内置字体", step_pdf),
    ("图形界面与中文", step_qt),
    ("图表", step_chart),
    ("界面表单", step_forms),
    ("主窗口", step_main_window),
]
