"""The two kinds of failure: what the user can act on, and everything else (a bug)."""


class UserError(Exception):
    """A message for the user, in Chinese, shown as it is. Nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class PermissionDenied(UserError):
    pass


class NotFound(UserError):
    pass


class StorageError(UserError):
    """The database or the disk refused: full, locked, read-only, corrupt, newer than the app."""


class FieldError(UserError):
    """A UserError about one input field, so a form can show it beside that field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
