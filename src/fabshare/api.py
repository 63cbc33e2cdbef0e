"""The REST API under /api/v1/: one NinjaAPI, one router per app, errors as problem+json.

Authentication: a personal access token (``Authorization: Bearer fsh_…``) or the browser
session (with its CSRF token for writes). Public reads also answer anonymous callers.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from fabshare import __version__
from fabshare.core.errors import DomainError
from fabshare.core.problems import problem_response
from fabshare.network.models import PersonalAccessToken
from fabshare.network.services import token_digest


class TokenAuth(HttpBearer):
    """Personal access tokens; a wrong or revoked token is a 401, never an anonymous call."""

    def authenticate(self, request: HttpRequest, token: str):
        row = (
            PersonalAccessToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            raise AuthenticationError(401, _("The API token is unknown or revoked."))
        now = timezone.now()
        # Record use at most once a minute so reads do not turn into writes.
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            PersonalAccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; writes need the CSRF token as for any form."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key):
        return request.user if request.user.is_authenticated else None


def anonymous(request: HttpRequest):
    """Lets public reads through without credentials (the handler sees an anonymous user)."""
    if request.headers.get("Authorization"):
        return None  # a credential was sent and failed: do not downgrade to anonymous
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
AUTHENTICATED = [token_auth, session_auth]
PUBLIC = [token_auth, session_auth, anonymous]

api = NinjaAPI(
    title="fabshare API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Organizations, sites, memberships, regional networks and network memberships. "
        "Authenticate with a personal access token: `Authorization: Bearer fsh_…`. "
        "Errors are `application/problem+json` (RFC 9457)."
    ),
    auth=AUTHENTICATED,
    openapi_extra={"info": {"x-fabshare-version": __version__}},
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return problem_response(request, exc.status, exc.title, exc.message, errors=errors)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())
               if p not in ("body", "payload", "query", "path")]
        message = error.get("msg", "invalid")
        if error.get("type") == "extra_forbidden":
            message = _("Unknown field.")
        errors.append({"field": ".".join(loc) or None, "message": message})
    detail = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"]
                       for e in errors)
    return problem_response(request, 422, _("Invalid input"), detail, errors=errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc: AuthenticationError):
    message = str(exc.args[1]) if len(exc.args) > 1 else _("Sign in or send a valid API token.")
    response = problem_response(request, 401, _("Not authenticated"), message)
    response["WWW-Authenticate"] = 'Bearer realm="fabshare"'
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return problem_response(request, 404, _("Not found"), str(exc) or _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return problem_response(request, exc.status_code, _("Error"), str(exc))


def _register_routers() -> None:
    from fabshare.network.api import router as network_router

    api.add_router("/", network_router)


_register_routers()
