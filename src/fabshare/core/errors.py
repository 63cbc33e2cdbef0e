"""The one small hierarchy of domain errors that services raise.

Views map them to form errors and messages, the API maps them to
``application/problem+json`` responses (RFC 9457); nothing else needs to know.
"""


class DomainError(Exception):
    """A rule of the domain forbids the operation (HTTP 400)."""

    status = 400
    title = "Invalid request"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):  # noqa: N818 - mirrors django.core.exceptions
    """The actor may see the object but not do this to it (HTTP 403)."""

    status = 403
    title = "Forbidden"


class NotFound(DomainError):  # noqa: N818
    """The object does not exist, or the actor may not know it exists (HTTP 404)."""

    status = 404
    title = "Not found"


class Conflict(DomainError):  # noqa: N818
    """The operation clashes with the current state (HTTP 409)."""

    status = 409
    title = "Conflict"


def reject_unknown_fields(given, allowed) -> None:
    """Refuse keyword arguments a service does not know, naming them (a typo must not pass
    silently as "nothing changed")."""
    unknown = set(given) - set(allowed)
    if unknown:
        from django.utils.translation import gettext as _

        raise DomainError(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
