"""Build hook: ship resources/ and ui/ inside the wheel as dangjian_desktop/_data/.

In a checkout they sit at the repository top, beside the package; an installed wheel has
no repository top, so the build copies them into the package, where
dangjian_desktop.paths.app_root() looks next. The build also writes the resource manifest
that `dangjian-desktop --selftest` checks an installation against. Everything else is
declared in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIRS = ("resources", "ui")


def _selftest_module():
    # Loaded by path: the build environment need not have the app's dependencies.
    spec = importlib.util.spec_from_file_location("_dangjian_selftest", ROOT / "dangjian_desktop" / "selftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class BuildPyWithData(build_py):
    """build_py that also copies resources/ and ui/ into dangjian_desktop/_data/."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install runs from the checkout, which has them at the top
        target = Path(self.build_lib) / "dangjian_desktop" / "_data"
        if target.exists():
            shutil.rmtree(target)
        for name in DATA_DIRS:
            shutil.copytree(ROOT / name, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        # The manifest describes the copies, so a file edited meanwhile cannot disagree with it.
        _selftest_module().write_manifest(ROOT, target, self.distribution.get_version(), data_root=target)


setup(cmdclass={"build_py": BuildPyWithData})
