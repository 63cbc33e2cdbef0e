"""REST endpoints of the onboarding import: the same checks and permissions as the pages.

Both take a multipart form with the ``file`` (CSV or XLSX, at most 5 MB) and the scope: either
``organization_id`` (its admins import sites and resources) or ``network_id`` (its operators
import organizations). ``POST /imports/preview`` tells what importing would do, row by row,
and never writes; ``POST /imports`` imports all or nothing: when a row has an error nothing is
written and the answer is a 422 problem whose ``errors`` name each cell as
``<sheet>.<row>.<column>``. A file that cannot be read at all is a 400 naming ``file``.
The API is stateless: the client sends the same file again to import it.
"""

from typing import Literal

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.errors import ValidationError

from fabshare.catalog import services
from fabshare.catalog.imports import ImportFile, ImportFileError
from fabshare.core.errors import DomainError
from fabshare.core.problems import problem_response
from fabshare.network import selectors as network_selectors
from fabshare.network.api import Id, In, errors

router = Router(tags=["import"])


class ImportScopeIn(In):
    organization_id: Id | None = None
    network_id: Id | None = None


class ImportErrorOut(Schema):
    sheet: str
    row: int
    column: str
    message: str


class ImportRowOut(Schema):
    sheet: str
    row: int
    table: Literal["organizations", "sites", "resources"]
    action: Literal["create", "update", "unchanged", "error", "skipped"]
    key: str
    name: str
    note: str
    errors: list[ImportErrorOut]


class ImportCountsOut(Schema):
    create: int
    update: int
    unchanged: int
    error: int
    skipped: int


class ImportOut(Schema):
    committed: bool
    valid: bool
    file_name: str
    sha256: str
    counts: ImportCountsOut
    rows: list[ImportRowOut]
    errors: list[ImportErrorOut]


def _scope(user, payload: ImportScopeIn) -> services.ImportScope:
    if (payload.organization_id is None) == (payload.network_id is None):
        raise ValidationError([{"loc": ("form", "organization_id"), "type": "missing",
                                "msg": _("Give either organization_id or network_id.")}])
    if payload.organization_id is not None:
        return services.ImportScope(organization=network_selectors.get_organization_for_admin(
            user, pk=payload.organization_id))
    return services.ImportScope(
        network=network_selectors.get_network_for_operator(user, pk=payload.network_id))


def _file(upload) -> ImportFile:
    try:
        return ImportFile.from_upload(upload)
    except ImportFileError as exc:
        raise DomainError(exc.message, field="file") from None


def _out(report: services.ImportReport) -> dict:
    return {"committed": report.committed, "valid": report.ok, "file_name": report.file_name,
            "sha256": report.sha256, "counts": report.counts, "rows": report.rows,
            "errors": report.errors}


@router.post("/imports/preview", response={200: ImportOut, **errors(400, 401, 403, 404, 422)})
def preview_import(request, scope: Form[ImportScopeIn], file: File[UploadedFile]):
    """Check a file and tell what importing it would do, row by row (writes nothing)."""
    import_scope = _scope(request.auth, scope)
    report = services.import_preview(actor=request.auth, scope=import_scope, file=_file(file))
    return _out(report)


@router.post("/imports", response={200: ImportOut, **errors(400, 401, 403, 404, 422)})
def commit_import(request, scope: Form[ImportScopeIn], file: File[UploadedFile]):
    """Import a file all or nothing; a file with errors is a 422 and writes nothing."""
    import_scope = _scope(request.auth, scope)
    report = services.import_commit(actor=request.auth, scope=import_scope, file=_file(file))
    if not report.committed:
        return problem_response(
            request, 422, _("The file has errors"),
            _("%(n)s rows have errors; nothing was imported.") % {"n": report.error_rows},
            errors=[{"field": ".".join(str(p) for p in (e.sheet, e.row, e.column) if p != ""),
                     "message": e.message} for e in report.errors])
    return _out(report)
