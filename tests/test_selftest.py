"""`dangjian-desktop --selftest` from a checkout: every step passes, and a lost file is named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dangjian_desktop import paths, selftest
from dangjian_desktop.selftest import Context, StepFailed

ROOT = Path(__file__).resolve().parent.parent
STEP_NAMES = [name for name, _ in selftest.STEPS]
FONT = "resources/" + "/".join(selftest.BUNDLED_FONT)


def run_selftest(tmp: Path, *, cwd: Path = ROOT, pythonpath: Path = ROOT, **env_changes) -> subprocess.CompletedProcess:
    """`python -m dangjian_desktop --selftest` in a clean environment with its own data and config folders."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PYTHONPATH")}
    env.update(DANGJIAN_DATA_DIR=str(tmp / "data"), XDG_CONFIG_HOME=str(tmp / "config"),
               XDG_DATA_HOME=str(tmp / "xdg-data"), PYTHONPATH=str(pythonpath), DISPLAY="", WAYLAND_DISPLAY="")
    env.update(env_changes)
    return subprocess.run([sys.executable, "-m", "dangjian_desktop", "--selftest"], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def checkout_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("selftest")
    return tmp, run_selftest(tmp, DANGJIAN_KEYS_DIR=str(tmp / "users-keys"))


def copy_app(dest: Path, *, with_manifest: bool = True) -> Path:
    """A copy of the program (package, resources, ui) as an installation would hold it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "dangjian_desktop", dest / "dangjian_desktop", ignore=ignore)
    for name in selftest.DATA_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    if with_manifest:
        selftest.write_manifest(dest, dest)
    return dest


# ---- the whole self-test, as a user runs it ----------------------------------------------

def test_every_step_passes_in_order(checkout_run):
    _, proc = checkout_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    marks = [line for line in proc.stdout.splitlines() if line[:1] in ("✓", "✗")]
    assert marks == [line for line in marks if line.startswith("✓ ")]
    assert [line[2:].split("：")[0] for line in marks] == STEP_NAMES


def test_report_file_in_user_data_dir(checkout_run):
    tmp, proc = checkout_run
    report = tmp / "data" / selftest.REPORT_NAME
    assert f"报告已保存到：{report}" in proc.stdout
    text = report.read_text(encoding="utf-8")
    assert all(f"通过  {name}：" in text for name in STEP_NAMES)


def test_the_throwaway_databases_key_is_not_left_among_the_users(checkout_run):
    tmp, proc = checkout_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not list((tmp / "users-keys").glob("*.key"))
    assert not list((tmp / "data").glob("keys/*.key"))


def test_no_display_needed(checkout_run):
    _, proc = checkout_run
    assert "Qt 平台 offscreen" in proc.stdout


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="no virtual X server here (xvfb-run: Linux, package xvfb)")
def test_users_own_platform_choice_is_kept(tmp_path):
    """A desktop user who chose a platform keeps it (here: X11 on a virtual display)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PYTHONPATH")}
    env.update(DANGJIAN_DATA_DIR=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="xcb")
    proc = subprocess.run(["xvfb-run", "-a", sys.executable, "-m", "dangjian_desktop", "--selftest"], cwd=ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Qt 平台 xcb" in proc.stdout


def test_users_settings_untouched(checkout_run):
    tmp, _ = checkout_run
    written = [p for p in (tmp / "config").rglob("*") if p.is_file()]
    assert [p for p in written if "last_db" in p.read_text(errors="replace")] == []


def test_exit_code_and_summary_name_a_missing_font(tmp_path):
    app = copy_app(tmp_path / "app")
    (app / FONT).unlink()
    proc = run_selftest(tmp_path, cwd=app, pythonpath=app)
    assert proc.returncode == 1
    failed = {line[2:].split("：")[0]: line for line in proc.stdout.splitlines() if line.startswith("✗ ")}
    assert set(failed) == {"资源文件", "PDF 与内置字体", "图形界面与中文", "图表"}
    assert all("WenQuanYiMicroHei-GB2312.ttf" in line for line in failed.values())
    assert "自检未通过：资源文件、PDF 与内置字体、图形界面与中文、图表 失败。" in proc.stdout


# ---- single steps, in process --------------------------------------------------------------

@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A copied installation with its manifest; paths.app_root() points at it."""
    app = copy_app(tmp_path / "app")
    monkeypatch.setattr(paths, "app_root", lambda: app)
    return app


@pytest.mark.parametrize("lost", [FONT, "ui/new_database.ui", "resources/codes/sex.json", "resources/icons/app.ico"])
def test_resources_step_names_a_lost_file(installed, tmp_path, lost):
    (installed / lost).unlink()
    with pytest.raises(StepFailed, match=lost.replace(".", r"\.")):
        selftest.step_resources(Context(workdir=tmp_path))


def test_resources_step_names_a_damaged_file(installed, tmp_path):
    (installed / FONT).write_bytes(b"truncated")
    with pytest.raises(StepFailed, match="大小不对.*WenQuanYiMicroHei-GB2312"):
        selftest.step_resources(Context(workdir=tmp_path))


def test_resources_step_passes_on_a_complete_copy(installed, tmp_path):
    detail = selftest.step_resources(Context(workdir=tmp_path))
    assert f"清单中的 {len(selftest.load_manifest(installed)['files'])} 个文件齐全" in detail


def test_pdf_step_names_the_missing_font(installed, tmp_path):
    (installed / FONT).unlink()
    with pytest.raises(StepFailed, match="WenQuanYiMicroHei-GB2312.ttf"):
        selftest.step_pdf(Context(workdir=tmp_path))


def test_pdf_step_embeds_the_bundled_font(tmp_path):
    selftest.step_pdf(Context(workdir=tmp_path))
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(tmp_path / "selftest.pdf")
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = [f.get_object() for f in fonts.values()]
    names = [str(f["/BaseFont"]) for f in embedded]
    assert any(n.endswith("+WenQuanYiMicroHei-GB2312") for n in names)
    assert selftest.PDF_SAMPLE.replace(" ", "") in reader.pages[0].extract_text().replace(" ", "").replace("\n", "")


def test_database_step_names_a_lost_migration(tmp_path):
    ctx = Context(workdir=tmp_path)
    ctx.manifest = {"modules": {"dangjian_desktop.db.migrations": ["v0001_core", "v9999_future"]}}
    with pytest.raises(StepFailed, match="v9999_future"):
        selftest.step_database(ctx)


def test_cli_step_names_a_lost_command_module(tmp_path):
    ctx = Context(workdir=tmp_path)
    ctx.manifest = {"modules": {"dangjian_desktop.commands": ["registry", "lost_area"]}}
    with pytest.raises(StepFailed, match="lost_area"):
        selftest.step_cli(ctx)


def test_data_dir_step_refuses_an_unwritable_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(blocker / "data"))
    with pytest.raises(StepFailed, match="无法写入用户数据目录"):
        selftest.step_data_dir(Context(workdir=tmp_path))


# ---- the build manifest ----------------------------------------------------------------------

def test_manifest_lists_resource_files_and_discovered_modules(tmp_path):
    files = {"resources/codes/a.json": b"{}", "resources/fonts/f.ttf": b"12345", "ui/x.ui": b"<ui/>",
             "resources/__pycache__/junk.pyc": b"", "resources/.hidden": b"",
             "dangjian_desktop/db/migrations/v0001_core.py": b"", "dangjian_desktop/db/migrations/_helper.py": b"",
             "dangjian_desktop/commands/registry.py": b""}
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    manifest = selftest.build_manifest(tmp_path, "1.2.3")
    assert manifest == {
        "version": "1.2.3",
        "files": {"resources/codes/a.json": 2, "resources/fonts/f.ttf": 5, "ui/x.ui": 5},
        "modules": {"dangjian_desktop.db.migrations": ["v0001_core"], "dangjian_desktop.commands": ["registry"]},
    }


# ---- without a console (the Windows GUI executable started from its shortcut) ---------------

@pytest.fixture
def no_console(monkeypatch):
    """No stdout, as in a windowed executable; two quick steps instead of the real ones."""
    boxes = []
    monkeypatch.setattr(selftest, "_has_console", lambda: False)
    monkeypatch.setattr(selftest, "STEPS", [("甲", lambda ctx: "好"), ("乙", lambda ctx: "也好")])
    monkeypatch.setattr(selftest, "_show_summary_box",
                        lambda ctx, yes, no, summary, saved: boxes.append((summary, saved)))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    return boxes


def test_without_console_the_summary_goes_to_a_message_box(no_console):
    assert selftest.run_selftest() == 0
    report = paths.user_data_dir() / selftest.REPORT_NAME
    assert no_console == [("自检通过：全部 2 项正常。", report)]
    assert "QT_QPA_PLATFORM" not in os.environ  # the box needs the real screen


def test_without_console_but_offscreen_no_box_waits_for_a_click(no_console, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert selftest.run_selftest() == 0
    assert no_console == []
    assert "通过  乙：也好" in (paths.user_data_dir() / selftest.REPORT_NAME).read_text(encoding="utf-8")
