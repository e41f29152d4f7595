"""How far long work got, as every long core function tells it (and the GUI's progress dialogs
and the CLI's terminal line show it): `progress(done, total, text)`, total 0 when not known."""

from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int, str], None]
