"""Writing cells of the workbooks the app saves: text stays text.

openpyxl turns any str that starts with "=" into a formula (and "#N/A", "#REF!"… into error
values). A member's 工作单位 of `=cmd|' /C calc'!A0` or a branch called `=HYPERLINK(...)` would
then reach the clerk's Excel as a live formula. Every cell a writer fills with a value that may
hold user text goes through `keep_text` (directly, or through `put`, `text_cell` and `append`):
a str is stored as a string cell with exactly the user's characters — nothing prepended, so
an exported roster imports again unchanged. A text that Excel would read as a formula once the
cell is edited (=, +, -, @) also gets the cell's quote-prefix flag, the flag Excel itself sets
for a typed '=…: shown and stored as text, the value unchanged.

The control characters an XML file cannot hold (a \x01 pasted into a note) are left out
(`storable`): openpyxl would refuse them and no file would be written at all.

No writer of this app puts a formula into a cell on purpose; one that ever does writes it
without these helpers and lists it in tests/test_xlsx_formulas.py.
"""

from __future__ import annotations

import re
import time
from contextlib import suppress
from contextvars import ContextVar
from functools import wraps
from typing import Any, Callable, Iterable, TypeVar

# openpyxl is imported on first use: the modules using these helpers are imported by every
# command, most of which never write a workbook.

# What Excel reads as the start of a formula when a cell's text is typed or edited.
FORMULA_STARTS = ("=", "+", "-", "@")
# openpyxl's ILLEGAL_CHARACTERS_RE: characters an XML 1.0 document cannot contain.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def keep_text(cell):
    """Store the cell's str value as text (never a formula or an error value); returns the cell."""
    value = cell.value
    if isinstance(value, str):
        if cell.data_type != "s":
            cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def storable(value: Any) -> Any:
    """The value without the control characters XML cannot hold (\x00-\x08, \x0b, \x0c, \x0e-\x1f):
    openpyxl refuses them, and the whole file would not be written."""
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub("", value)
    return value


def put(ws, row: int, column: int, value: Any = None):
    """`ws.cell(row, column, value)` of a normal worksheet, a str value kept as text."""
    cell = ws.cell(row=row, column=column)
    if value is not None:
        cell.value = storable(value)
    return keep_text(cell)


def text_cell(ws, value: Any):
    """A cell for `ws.append` (write-only and normal worksheets), a str value kept as text."""
    from openpyxl.cell import WriteOnlyCell

    return keep_text(WriteOnlyCell(ws, storable(value)))


# Every YIELD_CELLS cells made for a sheet, the thread lets any other thread waiting for Python's
# interpreter lock have it (`time.sleep(0)`). A write-only sheet streams its XML to a temporary
# file in small writes, each of which gives the lock up and takes it straight back; a thread
# waiting for it (the window's, while an export runs in the background) then seldom gets it: a
# prefecture's member list held the window up for 0.2-2.7 s at a time, again and again.
YIELD_CELLS = 1000
_made = [0]  # cells made since the last hand-over (by any thread: a count, not a lock)


def _hand_over(cells: int) -> None:
    _made[0] += cells
    if _made[0] >= YIELD_CELLS:
        _made[0] %= YIELD_CELLS
        time.sleep(0)


def append(ws, values: Iterable[Any]) -> None:
    """`ws.append(values)` with every str kept as text (values may be cells already made)."""
    from openpyxl.cell import Cell

    row = [None if v is None else keep_text(v) if isinstance(v, Cell) else text_cell(ws, v) for v in values]
    _hand_over(len(row))
    ws.append(row)


class StyledCells:
    """Cells of one worksheet with their font, alignment, border, fill and number format, each
    combination registered with the workbook once.

    Setting `cell.font = …` and the like hashes the style object and looks it up in the workbook
    on every cell: a 28,812-member roster spent 11 of its 20 seconds there. Here the first cell
    of a combination is styled that way, and its style (openpyxl's StyleArray, the indexes into
    the workbook's lists) is given to every later cell of the combination when it is made. The
    style objects are looked up by identity, so a writer makes each of them once. Like `append`,
    it hands the interpreter lock over now and then (YIELD_CELLS)."""

    def __init__(self, ws):
        from openpyxl.cell import Cell

        self.ws = ws
        self._cell = Cell  # looked up once, not for each of a county's 700,000 cells
        # (ids of the style objects, number format) -> (style array, the objects themselves, kept
        # alive so that their ids are not reused)
        self._arrays: dict[tuple, tuple] = {}

    def cell(self, value: Any = None, font=None, alignment=None, border=None, fill=None,
             number_format: str | None = None):
        """A cell for `ws.append`, its str value kept as text (`keep_text`)."""
        _hand_over(1)
        key = (id(font), id(alignment), id(border), id(fill), number_format)
        got = self._arrays.get(key)
        if got is None:
            got = self._arrays[key] = (self._style(font, alignment, border, fill, number_format),
                                       (font, alignment, border, fill))
        return keep_text(self._cell(self.ws, row=1, column=1, value=storable(value), style_array=got[0]))

    def _style(self, font, alignment, border, fill, number_format):
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(self.ws)
        for name, style in (("font", font), ("alignment", alignment), ("border", border), ("fill", fill),
                            ("number_format", number_format)):
            if style is not None:
                setattr(c, name, style)
        return c._style  # copied into each cell made with it (Cell copies its style_array)


# ---- the temporary files of write-only workbooks ---------------------------------------------------
# A write-only workbook streams each sheet's rows into a temporary file in the system's temporary
# folder (names, ID numbers, phones) until it is saved; openpyxl deletes one that was never saved
# only when the program ends, and never if it is killed. An export that fails or is cancelled
# half-way removes them at once: its function is decorated with `removes_rows_on_failure` and makes
# its workbook with `streamed_workbook()`.
F = TypeVar("F", bound=Callable[..., Any])
_WORKBOOKS: ContextVar[list | None] = ContextVar("write_only_workbooks", default=None)


def streamed_workbook():
    """A write-only openpyxl Workbook, removed on failure by the `removes_rows_on_failure`
    function it is made in."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    made = _WORKBOOKS.get()
    if made is not None:
        made.append(wb)
    return wb


def removes_rows_on_failure(fn: F) -> F:
    """When `fn` raises (a full disk, 取消), the temporary files of the write-only workbooks it
    made with `streamed_workbook()` are closed and removed before the error goes on."""
    @wraps(fn)
    def run(*args, **kwargs):
        made: list = []
        token = _WORKBOOKS.set(made)
        try:
            return fn(*args, **kwargs)
        except BaseException:
            for wb in made:
                discard(wb)
            raise
        finally:
            _WORKBOOKS.reset(token)
    return run  # type: ignore[return-value]


def discard(wb) -> None:
    """Close and remove the temporary files of a write-only workbook that will not be saved."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None or not isinstance(getattr(writer, "out", None), str):
            continue  # nothing appended yet, or rows kept in memory
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            with suppress(Exception):
                rows.close()  # the row stream first: it writes into the writer's open file
        with suppress(Exception):
            writer.close()  # the file closed (Windows removes no open file)
        with suppress(Exception):
            writer.cleanup()  # removed, and forgotten by openpyxl's own clean-up at exit

