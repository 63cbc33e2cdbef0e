"""RFC 9457 problem details: the one shape every API error takes."""

import json

from django.http import HttpResponse
from ninja import Schema

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldError(Schema):
    field: str | None
    message: str


class Problem(Schema):
    """An error, as ``application/problem+json`` (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


def problem_response(request, status: int, title: str, detail: str, *, errors=None):
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(detail),
            "instance": request.path}
    if errors:
        body["errors"] = errors
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
