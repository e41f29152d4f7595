"""The shared kit every page of the GUI stands on.

    operations  Operation (a change a clerk makes), Query (a read), OperationBus (one per open
                database: `changed(Changes)` after every committed unit of work, whatever made it)
    tasks       Task: work on the thread pool, result back on the GUI thread, progress after a delay
    messages    MessageHost (non-blocking, window-modal info / question / error boxes), slot,
                report_error (the one place a failure is told to the clerk)
    palette     the colours, defined once
    formatting  format_score, format_date
    form_dialog FormDialog: a Designer form around one core call, errors shown under the fields
    row_model   RowModel / Col: a read-only table over a list of rows, names sorted by pinyin
    tab_key     Tab leaves a table read and picked from (Qt's tables kept it), stays in one typed into

Pages import from the modules (``from ..kit.operations import Operation``); nothing here imports a
page.
"""
