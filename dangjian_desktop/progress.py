"""How far long work got, as every long core function tells it (and the GUI's progress dialogs
and the CLI's terminal line show it): `progress(done, total, text)`, total 0 when not known."""

from __future__ import annotations

from typing import Callable

from .errors import Cancelled

Progress = Callable[[int, int, str], None]


def stoppable(progress: Progress | None, cancelled: Callable[[], bool],
              stopped: Callable[[], Exception] | None = None) -> Progress:
    """`progress` that first raises `stopped()` (default errors.Cancelled) once `cancelled()` is
    true: long work that tells how far it got stops at its next report after 取消."""
    def report(done: int, total: int, text: str = "") -> None:
        if cancelled():
            raise (stopped or Cancelled)()
        if progress is not None:
            progress(done, total, text)
    return report
