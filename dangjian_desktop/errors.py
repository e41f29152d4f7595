"""Errors a user can cause and fix; their message is shown as-is (Simplified Chinese)."""


class UserError(Exception):
    """A problem with the user's input or data, never a program bug.

    The CLI prints the message on stderr and exits non-zero; the GUI shows it in a dialog.
    """

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class ValidationError(UserError):
    """One or more fields are invalid; `errors` maps field name to a Chinese message."""

    exit_code = 2

    def __init__(self, errors: dict[str, str], message: str | None = None):
        self.errors = dict(errors)
        text = message or "；".join(self.errors.values())
        super().__init__(text)


class Cancelled(UserError):
    """The clerk pressed 取消: the work stopped where it was and left nothing half-done (no file
    written, nothing committed). Not an error to show: the clerk knows."""

    def __init__(self, message: str = "已取消。"):
        super().__init__(message)


class LockedError(UserError):
    """Something is locked (a database held by another process, a confirmed result)."""

    exit_code = 3
