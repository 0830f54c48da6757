"""Domain errors: services raise them with a Chinese message; views show it next to the field, the API returns 4xx."""


class DomainError(Exception):
    """A rule of the domain refused the change. Nothing has been written when this is raised."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class PermissionRefused(DomainError):
    """The object is visible but the action is not allowed for this user (HTTP 403)."""

    status_code = 403

    def __init__(self, message: str = "您没有权限执行此操作。"):
        super().__init__(message, code="forbidden")
