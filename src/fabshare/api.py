"""The REST API under /api/v1/: one NinjaAPI, one router per app, errors as problem+json.

Authentication: a personal access token (``Authorization: Bearer fsh_…``) or the browser
session (with its CSRF token for writes). Public reads also answer anonymous callers.
"""

from http import HTTPStatus

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.urls import re_path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from fabshare import __version__
from fabshare.core.errors import DomainError, PermissionDenied
from fabshare.core.problems import PROBLEM_CONTENT_TYPE, problem_response
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
        # The session middleware could not know this user: answer in their language too.
        translation.activate(row.user.language)
        return row.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; writes need the CSRF token as for any form."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest):
        # Without a signed-in session there is nothing to protect: let the next method (or a
        # 401) answer, rather than a confusing CSRF failure for a client that sent no token.
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise PermissionDenied(_("CSRF check failed: send the value of the csrftoken cookie "
                                     "in the X-CSRFToken header, or use an API token."))
        return request.COOKIES.get(self.param_name)

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


class _OpenAPISchema(OpenAPISchema):
    """Makes the document say what the API does: errors are ``application/problem+json``
    and public reads need no credentials (an empty security requirement)."""

    def operation_details(self, operation):
        details = super().operation_details(operation)
        for response in details.get("responses", {}).values():
            content = response.get("content", {})
            body = content.get("application/json")
            if body and body.get("schema", {}).get("$ref", "").endswith("/Problem"):
                response["content"] = {PROBLEM_CONTENT_TYPE: body}
        if anonymous in operation.auth_callbacks:
            details.setdefault("security", []).append({})
        return details


class FabshareAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _OpenAPISchema(self, path_prefix)

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def _get_urls(self):
        """Every answer under /api/v1/ is JSON: a wrong method is a 405 and an unknown
        address a 404, both as problem+json, never Django's HTML pages."""
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = _problem_405(pattern.callback)
        urls.append(re_path(r"^.*$", unknown_route, name="unknown-route"))
        return urls


def _problem_405(view):
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            problem = problem_response(
                request, 405, _("Method not allowed"),
                _("%(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": response.get("Allow", "")},
            )
            problem["Allow"] = response.get("Allow", "")
            return problem
        return response

    wrapped.csrf_exempt = getattr(view, "csrf_exempt", False)
    return wrapped


def unknown_route(request, *args, **kwargs):
    return problem_response(request, 404, _("Not found"),
                            _("There is no API endpoint at this address."))


api = FabshareAPI(
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


LOCATION_KINDS = {"body", "payload", "query", "path", "filters", "form", "file", "header",
                  "cookie"}


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())]
        # ("body", "payload", "name") → "name"; ("query", "filters", "lat") → "lat"; a lone
        # ("file",) stays "file".
        while len(loc) > 1 and loc[0] in LOCATION_KINDS:
            loc.pop(0)
        message = error.get("msg", "invalid")
        if error.get("type") == "extra_forbidden":
            message = _("Unknown field.")
        errors.append({"field": ".".join(loc) or None, "message": message})
    detail = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"]
                       for e in errors)
    return problem_response(request, 422, _("Invalid input"), detail, errors=errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc: AuthenticationError):
    message = str(exc.args[1]) if len(exc.args) > 1 else ""
    if message in ("", "Unauthorized"):  # ninja's default when no method accepted the call
        message = _("Sign in or send a valid API token: Authorization: Bearer fsh_…")
    response = problem_response(request, 401, _("Not authenticated"), message)
    response["WWW-Authenticate"] = 'Bearer realm="fabshare"'
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return problem_response(request, 404, _("Not found"), str(exc) or _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja wraps the parser's JSONDecodeError (or UnicodeDecodeError) in a 400.
        return problem_response(request, 400, _("Malformed request body"),
                                _("The request body is not valid JSON."))
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = _("Error")
    return problem_response(request, exc.status_code, title, str(exc))


def _register_routers() -> None:
    from fabshare.availability.api import router as availability_router
    from fabshare.bookings.api import router as bookings_router
    from fabshare.catalog.api import router as catalog_router
    from fabshare.catalog.import_api import router as import_router
    from fabshare.demand.api import router as demand_router
    from fabshare.knowledge.api import router as knowledge_router
    from fabshare.matching.api import router as matching_router
    from fabshare.network.api import router as network_router
    from fabshare.planning.api import router as planning_router
    from fabshare.telemetry.api import router as telemetry_router

    api.add_router("/", network_router)
    api.add_router("/", catalog_router)
    api.add_router("/", availability_router)
    api.add_router("/", import_router)
    api.add_router("/", demand_router)
    api.add_router("/", matching_router)
    api.add_router("/", knowledge_router)
    api.add_router("/", telemetry_router)
    api.add_router("/", bookings_router)
    api.add_router("/", planning_router)


_register_routers()
