"""The GUI entry point survives a windowed start without console streams."""

from __future__ import annotations

import subprocess
import sys


def test_bad_arguments_without_console_streams_do_not_crash(tmp_path):
    code = ("import sys; sys.stdout = None; sys.stderr = None; "
            "from dangjian_desktop.__main__ import main\n"
            "try:\n    main(['--no-such-option'])\nexcept SystemExit as e:\n    sys.__stdout__.write(str(e.code))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={"DANGJIAN_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "2"
    assert "--no-such-option" in (tmp_path / "logs" / "console.log").read_text(encoding="utf-8")
