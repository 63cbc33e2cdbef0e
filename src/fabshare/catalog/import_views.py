"""Pages of the onboarding import: upload → preview of every row → import → summary.

An organization's admins import its sites and resources at /organizations/<slug>/import/; a
network's operators import organizations (with sites and resources) at
/networks/<slug>/import/. Thin like every page: the services check and write.

Between the preview and the import the uploaded file is kept on the server, so the import
writes exactly the file that was previewed: its bytes go to a private staging directory
(``FABSHARE_IMPORT_DIR``, by default ``import-staging`` next to MEDIA_ROOT, never served)
under a random name; the user's session remembers that name with the file's SHA-256 and the
scope it was uploaded for. The import refuses a name that is not in the session, belongs to
another scope, is older than an hour or whose bytes no longer match the hash. Staged files are
removed after the import and, when abandoned, at the next upload after they expire. (The
session cannot hold the bytes: it is a database row read on every request.) Several servers
need a shared directory, as they do for MEDIA_ROOT.
"""

import hashlib
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabshare.catalog import imports, services
from fabshare.catalog.imports import ImportFile, ImportFileError
from fabshare.core.errors import DomainError
from fabshare.core.forms import StyledForm
from fabshare.network import selectors as network_selectors

STAGING_TTL_SECONDS = 3600
SESSION_KEY = "fabshare_import_staged"
MAX_STAGED_PER_SESSION = 5
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class ImportUploadForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A CSV file (UTF-8, fields separated by ; or ,) or an Excel "
                               "file (.xlsx), at most 5 MB."),
    )


class ImportCommitForm(StyledForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


# --- keeping the file between preview and import ---------------------------------------------


def staging_dir() -> Path:
    configured = getattr(settings, "FABSHARE_IMPORT_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "import-staging"


def _prune(directory: Path) -> None:
    limit = time.time() - STAGING_TTL_SECONDS
    for path in directory.iterdir():
        if TOKEN_PATTERN.match(path.name) and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def stage(request, scope_key: str, file: ImportFile) -> str:
    """Keep the file for the import; return the token that names it in this session."""
    directory = staging_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _prune(directory)
    token = secrets.token_urlsafe(24)
    (directory / token).write_bytes(file.data)
    now = time.time()
    staged = {key: entry for key, entry in request.session.get(SESSION_KEY, {}).items()
              if entry["at"] > now - STAGING_TTL_SECONDS}
    for old in sorted(staged, key=lambda key: staged[key]["at"])[:-MAX_STAGED_PER_SESSION + 1]:
        discard(request, old, staged)
    staged[token] = {"scope": scope_key, "name": file.name, "at": now,
                     "sha256": hashlib.sha256(file.data).hexdigest()}
    request.session[SESSION_KEY] = staged
    return token


def unstage(request, scope_key: str, token: str) -> ImportFile | None:
    """The staged file, or None when it is unknown here, expired or altered."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if (not TOKEN_PATTERN.match(token) or entry is None or entry["scope"] != scope_key
            or entry["at"] < time.time() - STAGING_TTL_SECONDS):
        return None
    try:
        data = (staging_dir() / token).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return None
    return ImportFile(name=entry["name"], data=data)


def discard(request, token: str, staged: dict | None = None) -> None:
    if TOKEN_PATTERN.match(token):
        (staging_dir() / token).unlink(missing_ok=True)
    if staged is None:
        staged = request.session.get(SESSION_KEY, {})
        if staged.pop(token, None) is not None:
            request.session[SESSION_KEY] = staged
    else:
        staged.pop(token, None)


# --- scopes ----------------------------------------------------------------------------------


class _Scope:
    """What a page imports into, with the names of its pages."""

    def __init__(self, *, organization=None, network=None):
        self.organization, self.network = organization, network
        self.service_scope = services.ImportScope(organization=organization, network=network)
        self.kind = self.service_scope.kind
        self.target = organization or network
        self.key = f"{self.kind}:{self.target.pk}"
        self.url_prefix = "organization_import" if organization else "network_import"
        self.detail_url = reverse("organization_detail" if organization else "network_detail",
                                  args=[self.target.slug])

    def url(self, suffix: str = "", **kwargs) -> str:
        name = self.url_prefix + (f"_{suffix}" if suffix else "")
        return reverse(name, kwargs={"slug": self.target.slug, **kwargs})

    @property
    def title(self) -> str:
        if self.organization:
            return _("Import sites and resources of %(name)s") % {"name": self.target.name}
        return _("Import organizations into %(name)s") % {"name": self.target.name}


def _organization_scope(request, slug) -> _Scope:
    return _Scope(organization=network_selectors.get_organization_for_admin(request.user,
                                                                             slug=slug))


def _network_scope(request, slug) -> _Scope:
    return _Scope(network=network_selectors.get_network_for_operator(request.user, slug=slug))


# --- pages -----------------------------------------------------------------------------------


def _context(scope: _Scope, **extra) -> dict:
    tables = [(table, imports.columns_for(table, scope.kind))
              for table in imports.template_tables(scope.kind)]
    urls = {
        "upload": scope.url(),
        "commit": scope.url("commit"),
        "template": scope.url("template"),
        "csv": [(table, scope.url("template_csv", table=table)) for table, _columns in tables],
    }
    return {"scope": scope, "tables": tables, "urls": urls, "max_rows": imports.MAX_ROWS,
            **extra}


def _upload(request, scope: _Scope):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            file = ImportFile.from_upload(form.cleaned_data["file"])
            report = services.import_preview(actor=request.user, scope=scope.service_scope,
                                             file=file)
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        except DomainError as exc:
            if exc.status != 400:
                raise
            form.add_error("file", exc.message)
        else:
            token = stage(request, scope.key, file) if report.ok else ""
            commit_form = ImportCommitForm(initial={"token": token}) if token else None
            return render(request, "catalog/import_preview.html", _context(
                scope, report=report, commit_form=commit_form,
                upload_form=ImportUploadForm() if not report.ok else None))
    return render(request, "catalog/import_upload.html", _context(scope, form=form))


def _commit(request, scope: _Scope):
    form = ImportCommitForm(request.POST)
    file = unstage(request, scope.key, form.data.get("token", "")) if form.is_valid() else None
    if file is None:
        messages.error(request, _("The previewed file is no longer available (files are kept "
                                  "for an hour). Upload it again."))
        return redirect(scope.url())
    report = services.import_commit(actor=request.user, scope=scope.service_scope, file=file)
    if not report.committed:
        # Something changed since the preview (another import, an edit): show why.
        return render(request, "catalog/import_preview.html", _context(
            scope, report=report, commit_form=None, upload_form=ImportUploadForm()))
    discard(request, form.cleaned_data["token"])
    return render(request, "catalog/import_result.html", _context(scope, report=report))


def _template(scope: _Scope, table: str | None):
    filename, content_type, content = services.import_template(scope_kind=scope.kind,
                                                               table=table)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def organization_import(request, slug):
    return _upload(request, _organization_scope(request, slug))


@login_required
@require_POST
def organization_import_commit(request, slug):
    return _commit(request, _organization_scope(request, slug))


@login_required
def organization_import_template(request, slug):
    return _template(_organization_scope(request, slug), None)


@login_required
def organization_import_template_csv(request, slug, table):
    return _template(_organization_scope(request, slug), table)


@login_required
def network_import(request, slug):
    return _upload(request, _network_scope(request, slug))


@login_required
@require_POST
def network_import_commit(request, slug):
    return _commit(request, _network_scope(request, slug))


@login_required
def network_import_template(request, slug):
    return _template(_network_scope(request, slug), None)


@login_required
def network_import_template_csv(request, slug, table):
    return _template(_network_scope(request, slug), table)
