"""Every write to resources, their capabilities, photos and documents.

Keyword-only arguments with the acting user first; one transaction; the organization's admins
(and owners) may change its resources; every write is audited.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabshare.catalog.limits import check_limits
from fabshare.catalog.models import (
    Capability,
    CapabilityMaterial,
    Material,
    Process,
    Resource,
    ResourceDocument,
    ResourceKind,
    ResourcePhoto,
    Visibility,
)
from fabshare.core.errors import DomainError, reject_unknown_fields
from fabshare.core.uploads import check_image, check_pdf, delete_files_on_commit
from fabshare.network.audit import audit_record
from fabshare.network.models import Certification, Organization, Role, Site, User
from fabshare.network.services import require_role

RESOURCE_FIELDS = (
    "kind", "name", "site", "description", "visibility", "partners", "price_per_hour_cents",
    "minimum_booking_hours", "operator_included", "lead_time_days", "is_active", "make",
    "model_name", "year", "area_m2", "accreditations", "skills", "languages", "day_rate_cents",
    "external_id",
)
M2M_FIELDS = ("partners", "accreditations", "skills")
LIMIT_FIELDS = ("envelope_x_mm", "envelope_y_mm", "envelope_z_mm", "max_weight_kg",
                "max_thickness_mm", "tolerance_um", "force_kn", "axes")
SPOKEN_LANGUAGES = {"nl", "en", "fr", "de", "es", "it", "pl", "tr", "ar", "pt"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _unique_slug(name: str, organization: Organization) -> str:
    base = slugify(f"{name} {organization.slug}")[:170] or "resource"
    slug, n = base, 2
    while Resource.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_resource(data: dict, organization: Organization, kind: str,
                    current_site: Site | None = None) -> dict:
    """Check the fields of a resource; raise DomainError naming the first bad field."""
    if kind not in ResourceKind.values:
        raise DomainError(_("Choose machine, facility or expertise."), field="kind")
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise DomainError(_("The name is required."), field="name")
    if data.get("visibility") is not None and data["visibility"] not in Visibility.values:
        raise DomainError(_("Unknown visibility."), field="visibility")
    site = data.get("site", current_site)
    if site is not None and site.organization_id != organization.pk:
        raise DomainError(_("Choose one of your organization's sites."), field="site")
    if site is None and kind != ResourceKind.EXPERTISE:
        raise DomainError(_("Machines and facilities need a site."), field="site")
    for field in ("price_per_hour_cents", "day_rate_cents"):
        value = data.get(field)
        if value is not None and not 0 <= value <= 100_000_000:
            raise DomainError(_("Enter an amount between 0 and 1 000 000 euro."), field=field)
    if data.get("lead_time_days") is not None and not 0 <= data["lead_time_days"] <= 365:
        raise DomainError(_("Between 0 and 365 days."), field="lead_time_days")
    if data.get("minimum_booking_hours") is not None:
        try:
            hours = Decimal(str(data["minimum_booking_hours"]))
        except InvalidOperation:
            raise DomainError(_("Enter a number."), field="minimum_booking_hours") from None
        if not Decimal(0) <= hours <= Decimal(1000):
            raise DomainError(_("Between 0 and 1000 hours."), field="minimum_booking_hours")
        data["minimum_booking_hours"] = hours
    if data.get("year") is not None and not 1900 <= data["year"] <= 2100:
        raise DomainError(_("Enter a year between 1900 and 2100."), field="year")
    if data.get("area_m2") is not None and not 1 <= data["area_m2"] <= 1_000_000:
        raise DomainError(_("Between 1 and 1 000 000 m²."), field="area_m2")
    if "languages" in data:
        languages = sorted({str(x).strip().lower()[:2] for x in data["languages"] or []} - {""})
        unknown = [x for x in languages if x not in SPOKEN_LANGUAGES]
        if unknown:
            raise DomainError(_("Unknown language code: %(codes)s") % {"codes": ", ".join(unknown)},
                              field="languages")
        data["languages"] = languages
    if "external_id" in data:
        data["external_id"] = (data["external_id"] or "").strip()[:80]
        taken = Resource.objects.filter(organization=organization,
                                        external_id=data["external_id"])
        if data["external_id"] and taken.exclude(pk=data.get("_pk")).exists():
            raise DomainError(_("Another resource of yours has this external id."),
                              field="external_id")
    data.pop("_pk", None)
    return data


@transaction.atomic
def resource_create(*, actor: User, organization: Organization, kind: str, name: str,
                    **fields) -> Resource:
    """List a machine, facility or expertise for an organization (its admins)."""
    require_role(actor, organization, Role.ADMIN)
    reject_unknown_fields(fields, RESOURCE_FIELDS)
    data = _clean_resource({"name": name, "site": fields.pop("site", None), **fields},
                           organization, kind)
    m2m = {key: data.pop(key) for key in M2M_FIELDS if key in data}
    resource = Resource.objects.create(organization=organization, kind=kind,
                                       slug=_unique_slug(data["name"], organization), **data)
    for key, values in m2m.items():
        getattr(resource, key).set(values or [])
    audit_record(actor=actor, action="resource.create", target=resource,
                 organization=organization,
                 summary=f"Listed {resource.get_kind_display().lower()} {resource.name}")
    return resource


@transaction.atomic
def resource_update(*, actor: User, resource: Resource, **changes) -> Resource:
    """Change a resource; only the fields given are touched."""
    require_role(actor, resource.organization, Role.ADMIN)
    reject_unknown_fields(changes, RESOURCE_FIELDS)
    kind = changes.get("kind", resource.kind)
    data = _clean_resource({**changes, "_pk": resource.pk}, resource.organization, kind,
                           current_site=resource.site)
    m2m = {key: data.pop(key) for key in M2M_FIELDS if key in data}
    changed = [key for key, value in data.items() if getattr(resource, key) != value]
    for key in changed:
        setattr(resource, key, data[key])
    for key, values in m2m.items():
        if set(getattr(resource, key).all()) != set(values or []):
            getattr(resource, key).set(values or [])
            changed.append(key)
    if changed:
        resource.save(update_fields=[k for k in changed if k not in M2M_FIELDS]
                      + ["updated_at"])
        audit_record(actor=actor, action="resource.update", target=resource,
                     organization=resource.organization,
                     summary=f"Changed {', '.join(changed)} of {resource.name}")
    return resource


@transaction.atomic
def resource_delete(*, actor: User, resource: Resource) -> None:
    """Remove a listing with its capabilities, availability, photos and documents."""
    require_role(actor, resource.organization, Role.ADMIN)
    audit_record(actor=actor, action="resource.delete", target=resource,
                 organization=resource.organization, summary=f"Removed {resource.name}")
    delete_files_on_commit([p.image for p in resource.photos.all()]
                            + [d.file for d in resource.documents.all()])
    resource.delete()


def _clean_capability(resource: Resource, process: Process | None, limits: dict,
                      materials: list) -> tuple[dict, list[tuple[Material, Decimal | None]]]:
    if process is None:
        raise DomainError(_("Choose a process."), field="process")
    cleaned, errors = check_limits({k: limits.get(k) for k in LIMIT_FIELDS})
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    rows = []
    for item in materials or []:
        material, thickness = item if isinstance(item, tuple | list) else (item, None)
        if thickness not in (None, ""):
            checked, errors = check_limits({"max_thickness_mm": thickness})
            if errors:
                raise DomainError(errors["max_thickness_mm"], field="materials")
            thickness = checked["max_thickness_mm"]
        else:
            thickness = None
        rows.append((material, thickness))
    if len({m.pk for m, _ in rows}) != len(rows):
        raise DomainError(_("A material is listed twice."), field="materials")
    return cleaned, rows


def _replace_materials(capability: Capability, rows: list[tuple[Material, Decimal | None]]):
    capability.material_limits.all().delete()
    CapabilityMaterial.objects.bulk_create(
        CapabilityMaterial(capability=capability, material=m, max_thickness_mm=t)
        for m, t in rows)


@transaction.atomic
def capability_create(*, actor: User, resource: Resource, process: Process | None,
                      materials: list | None = None, notes: str = "",
                      **limits) -> Capability:
    """Add what a resource can do for a process, with typed limits and materials
    (optionally each with its own maximum thickness)."""
    require_role(actor, resource.organization, Role.ADMIN)
    reject_unknown_fields(limits, LIMIT_FIELDS)
    cleaned, rows = _clean_capability(resource, process, limits, materials or [])
    if resource.capabilities.filter(process=process).exists():
        raise DomainError(_("This resource already has a capability for %(process)s.")
                          % {"process": process.label()}, field="process")
    capability = Capability.objects.create(resource=resource, process=process,
                                           notes=notes.strip()[:300], **cleaned)
    _replace_materials(capability, rows)
    audit_record(actor=actor, action="capability.create", target=capability,
                 organization=resource.organization,
                 summary=f"{resource.name}: added {process.code}")
    return capability


@transaction.atomic
def capability_update(*, actor: User, capability: Capability, process: Process | None = None,
                      materials: list | None = None, notes: str | None = None,
                      **limits) -> Capability:
    """Replace the limits given (others stay), the materials if given, and the notes."""
    resource = capability.resource
    require_role(actor, resource.organization, Role.ADMIN)
    reject_unknown_fields(limits, LIMIT_FIELDS)
    process = process or capability.process
    merged = {k: limits.get(k, getattr(capability, k)) for k in LIMIT_FIELDS}
    current = [(cm.material, cm.max_thickness_mm) for cm in capability.material_limits.all()]
    cleaned, rows = _clean_capability(resource, process, merged,
                                      current if materials is None else materials)
    if resource.capabilities.filter(process=process).exclude(pk=capability.pk).exists():
        raise DomainError(_("This resource already has a capability for %(process)s.")
                          % {"process": process.label()}, field="process")
    capability.process = process
    for key, value in cleaned.items():
        setattr(capability, key, value)
    if notes is not None:
        capability.notes = notes.strip()[:300]
    capability.save()
    if materials is not None:
        _replace_materials(capability, rows)
    audit_record(actor=actor, action="capability.update", target=capability,
                 organization=resource.organization,
                 summary=f"{resource.name}: changed {process.code}")
    return capability


@transaction.atomic
def capability_delete(*, actor: User, capability: Capability) -> None:
    resource = capability.resource
    require_role(actor, resource.organization, Role.ADMIN)
    audit_record(actor=actor, action="capability.delete", target=capability,
                 organization=resource.organization,
                 summary=f"{resource.name}: removed {capability.process.code}")
    capability.delete()


@transaction.atomic
def resource_photo_add(
    *, actor: User, resource: Resource, image, caption: str = ""
) -> ResourcePhoto:
    """Attach a photo (PNG, JPEG, WebP or GIF, size-checked by its content)."""
    require_role(actor, resource.organization, Role.ADMIN)
    try:
        extension = check_image(image, max_bytes=MAX_PHOTO_BYTES)
    except ValueError as exc:
        raise DomainError(str(exc), field="image") from None
    photo = ResourcePhoto(resource=resource, caption=caption.strip()[:200],
                          position=resource.photos.count())
    photo.image.save(f"{resource.slug}-{photo.position + 1}.{extension}", image, save=False)
    photo.save()
    audit_record(actor=actor, action="resource.photo", target=resource,
                 organization=resource.organization, summary=f"{resource.name}: added a photo")
    return photo


@transaction.atomic
def resource_document_add(
    *, actor: User, resource: Resource, file, title: str
) -> ResourceDocument:
    """Attach a datasheet (PDF, at most 10 MB)."""
    require_role(actor, resource.organization, Role.ADMIN)
    title = (title or "").strip()[:200]
    if not title:
        raise DomainError(_("Give the document a title."), field="title")
    try:
        check_pdf(file, max_bytes=MAX_DOCUMENT_BYTES)
    except ValueError as exc:
        raise DomainError(str(exc), field="file") from None
    document = ResourceDocument(resource=resource, title=title)
    document.file.save(f"{slugify(title)[:60] or 'document'}.pdf", file, save=False)
    document.save()
    audit_record(actor=actor, action="resource.document", target=resource,
                 organization=resource.organization,
                 summary=f"{resource.name}: added document {title}")
    return document


@transaction.atomic
def resource_attachment_remove(
    *, actor: User, attachment: ResourcePhoto | ResourceDocument
) -> None:
    resource = attachment.resource
    require_role(actor, resource.organization, Role.ADMIN)
    delete_files_on_commit([getattr(attachment, "image", None) or attachment.file])
    attachment.delete()
    audit_record(actor=actor, action="resource.attachment.remove", target=resource,
                 organization=resource.organization,
                 summary=f"{resource.name}: removed {attachment}")


def certifications_by_code(codes: list[str]) -> list[Certification]:
    found = list(Certification.objects.filter(code__in=codes))
    missing = set(codes) - {c.code for c in found}
    if missing:
        raise DomainError(_("Unknown certification: %(names)s.")
                          % {"names": ", ".join(sorted(missing))}, field="accreditations")
    return found


# --- onboarding import -----------------------------------------------------------------------
#
# A CSV or XLSX file of organizations (with their sites) and resources (with capabilities),
# imported all or nothing. ``catalog.imports`` reads and checks the file (pure); here the rows
# are matched to what exists and written, in one transaction that is rolled back when any row
# has an error, and always for a preview: the preview runs exactly the code of the commit, so
# what it announces (create / update / unchanged) is what the commit does.
#
# Stable keys, so re-importing a file updates instead of duplicating:
# - resources: (organization, external_id), the column that exists on Resource;
# - sites: (organization, site name, case ignored);
# - capabilities: (resource, process);
# - organizations (network scope; nothing is added to the network models): by country and
#   enterprise number when the row has one, else by exact legal name (case ignored) among the
#   organizations of the network. The file's own ``external_id`` of an organization only links
#   its rows and the resource rows of the same file.
#
# Who may write what: an organization's admins import its sites and resources. A network's
# operators import organizations into their network: new organizations are created without
# members and admitted at once; existing ones are updated only while they belong to the network
# and have no members of their own (once people join, they keep their profile up to date).
# Operators are not made members: ``organization_create`` would make the operator an owner and
# ``network_apply`` needs an organization admin, so the import writes the organization and its
# approved network membership itself, with an audit entry for each.
# The import never deletes: rows absent from the file leave their objects alone.

import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import hashlib  # noqa: E402
from collections import defaultdict  # noqa: E402

from django.db import IntegrityError  # noqa: E402
from django.db.models import Prefetch  # noqa: E402
from django.utils import timezone  # noqa: E402

from fabshare.catalog import imports  # noqa: E402
from fabshare.catalog.imports import ImportFile, RowError  # noqa: E402
from fabshare.core.errors import NotFound, PermissionDenied  # noqa: E402
from fabshare.network.identifiers import normalize_enterprise_number  # noqa: E402
from fabshare.network.models import (  # noqa: E402
    Membership,
    Network,
    NetworkMembership,
    NetworkMembershipStatus,
    Site,
)
from fabshare.network.services import _unique_slug as _organization_slug  # noqa: E402
from fabshare.network.services import is_operator  # noqa: E402

IMPORT_ACTIONS = ("create", "update", "unchanged", "error", "skipped")
_ACTION_RANK = {"unchanged": 0, "update": 1, "create": 2}
_RESOURCE_FIELD_COLUMNS = {**imports.RESOURCE_FIELD_COLUMNS, "site": "site_name"}
_DECIMAL_PLACES = {"max_weight_kg": 2, "max_thickness_mm": 2, "force_kn": 1}


@dataclasses.dataclass(frozen=True)
class ImportScope:
    """Where a file is imported: an organization (its admins) or a network (its operators)."""

    organization: Organization | None = None
    network: Network | None = None

    def __post_init__(self):
        if (self.organization is None) == (self.network is None):
            raise ValueError("An import scope is an organization or a network.")

    @property
    def kind(self) -> str:
        return imports.ORGANIZATION_SCOPE if self.organization else imports.NETWORK_SCOPE

    @property
    def target(self):
        return self.organization or self.network


@dataclasses.dataclass
class ImportRow:
    """The result of one row of the file."""

    sheet: str
    row: int
    table: str
    action: str  # one of IMPORT_ACTIONS
    key: str = ""
    name: str = ""
    errors: list[RowError] = dataclasses.field(default_factory=list)
    note: str = ""  # why a row was skipped


@dataclasses.dataclass
class ImportReport:
    """What an import did (commit) or would do (preview), row by row, with every error."""

    file_name: str
    sha256: str
    rows: list[ImportRow]
    errors: list[RowError]
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(IMPORT_ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def error_rows(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors})


class _RowProblem(Exception):  # noqa: N818 - carries a row error out of a savepoint
    def __init__(self, column: str, message: str, *, row: int | None = None):
        super().__init__(message)
        self.column, self.message, self.row = column, message, row


def import_vocabulary() -> imports.Vocabulary:
    """The codes rows may use, from the database (operators may have extended it)."""
    certifications = {}
    for cert in Certification.objects.all():
        for term in [cert.name, cert.code, *cert.synonyms]:
            certifications.setdefault(imports.fold_certification(term), cert.code)
    return imports.Vocabulary(
        processes=frozenset(Process.objects.values_list("code", flat=True)),
        materials=frozenset(Material.objects.values_list("code", flat=True)),
        certifications=certifications,
    )


def import_template(*, scope_kind: str, table: str | None = None) -> tuple[str, str, bytes]:
    """A template to fill in: ``(file name, content type, bytes)``; CSV for one table, else
    XLSX with every table of the scope, the columns explained and the codes listed."""
    if table is not None:
        if table not in imports.template_tables(scope_kind):
            raise NotFound(_("There is no such template."))
        return (f"fabshare-{table}.csv", "text/csv; charset=utf-8",
                imports.template_csv(table, scope_kind))
    reference = {
        "processes": [(p.code, p.label()) for p in Process.objects.all()],
        "materials": [(m.code, m.label()) for m in
                      Material.objects.order_by("family__position", "position")],
        "certifications": [(c.code, c.name) for c in Certification.objects.all()],
    }
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return (f"fabshare-import-{scope_kind}.xlsx", content_type,
            imports.template_xlsx(scope_kind, reference=reference))


def import_preview(*, actor: User, scope: ImportScope, file: ImportFile) -> ImportReport:
    """Check a file and tell, row by row, what importing it would do; writes nothing.

    The rows are applied exactly as ``import_commit`` applies them, inside a transaction that
    is then rolled back. Raises DomainError (field "file") when the file cannot be read."""
    return _import_run(actor=actor, scope=scope, file=file, commit=False)


def import_commit(*, actor: User, scope: ImportScope, file: ImportFile) -> ImportReport:
    """Import a file all or nothing: when any row has an error nothing is written and the
    report lists every error (``committed`` is False)."""
    return _import_run(actor=actor, scope=scope, file=file, commit=True)


def _import_check_permission(actor: User, scope: ImportScope) -> None:
    if scope.organization is not None:
        require_role(actor, scope.organization, Role.ADMIN)
    elif not is_operator(actor, scope.network):
        raise PermissionDenied(_("Only the operators of %(network)s can import organizations.")
                               % {"network": scope.network.name})


def _import_run(*, actor: User, scope: ImportScope, file: ImportFile,
                commit: bool) -> ImportReport:
    _import_check_permission(actor, scope)
    try:
        tables = imports.read_tables(file)
        parsed = imports.parse_import(tables, scope=scope.kind, vocabulary=import_vocabulary())
    except imports.ImportFileError as exc:
        raise DomainError(exc.message, field="file") from None
    sha256 = hashlib.sha256(file.data).hexdigest()
    with transaction.atomic():
        if commit:
            # One import at a time per organization or network: they would race to create
            # the same organizations and resources.
            type(scope.target).objects.select_for_update().filter(pk=scope.target.pk).first()
        run = _ImportRun(actor, scope, parsed)
        run.apply()
        report = run.report(file_name=file.name, sha256=sha256)
        if commit and report.ok:
            report.committed = True
            counts = report.counts
            audit_record(
                actor=actor, action="import.commit", target=scope.target,
                organization=scope.organization, network=scope.network,
                summary=(f"Imported {file.name} ({sha256[:12]}): {counts['create']} rows "
                         f"created, {counts['update']} updated, {counts['unchanged']} "
                         f"unchanged"))
        else:
            transaction.set_rollback(True)
    return report


class _ImportRun:
    """Applies the specifications of a parsed file, recording per row what happened."""

    def __init__(self, actor: User, scope: ImportScope, parsed: imports.ParsedImport):
        self.actor, self.scope, self.parsed = actor, scope, parsed
        self.errors: list[RowError] = list(parsed.errors)
        self.actions: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.labels: dict[tuple[str, int], tuple[str, str]] = {}
        self.skipped: dict[tuple[str, int], str] = {}
        self.organizations: dict[str, Organization | None] = {}  # file external id → org
        self.organization_rows: dict[int, tuple[str, int]] = {}  # org pk → its first row
        self.processes = {p.code: p for p in Process.objects.all()}
        self.materials = {m.code: m for m in Material.objects.all()}
        self.certifications = {c.code: c for c in Certification.objects.all()}
        # Per organization, loaded once: its sites by folded name, and its resources named in
        # the file with their capabilities. Cleared when a savepoint is rolled back.
        self._sites: dict[int, dict[str, Site]] = {}
        self._resources: dict[int, dict[str, Resource]] = {}
        self._capabilities: dict[int, dict[int, Capability]] = {}  # resource → process → …
        self._resource_keys = {spec.external_id for spec in parsed.resources}
        self._resource_rows: dict[int, tuple[str, int]] = {}  # resource pk → its first row
        for (sheet, row), header_row in parsed.unchecked.items():
            self._skip(sheet, [row], (sheet, header_row))

    # --- bookkeeping

    def _error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, message))

    def _skip(self, sheet: str, rows, because_of: tuple[str, int]) -> None:
        for row in rows:
            self.skipped.setdefault(
                (sheet, row),
                _("Not checked: row %(row)s of %(sheet)s has errors.")
                % {"row": because_of[1], "sheet": because_of[0]})

    def _did(self, sheet: str, row: int, action: str) -> None:
        self.actions[(sheet, row)].append(action)

    def report(self, *, file_name: str, sha256: str) -> ImportReport:
        by_row = defaultdict(list)
        for error in self.errors:
            by_row[(error.sheet, error.row)].append(error)
        rows = []
        for sheet, number, table in self.parsed.rows:
            key, name = self.labels.get((sheet, number), ("", ""))
            errors = by_row.get((sheet, number), [])
            note = ""
            if errors:
                action = "error"
            elif (sheet, number) in self.skipped:
                action, note = "skipped", self.skipped[(sheet, number)]
            else:
                done = self.actions.get((sheet, number)) or ["unchanged"]
                action = max(done, key=_ACTION_RANK.__getitem__)
            rows.append(ImportRow(sheet, number, table, action, key, name, errors, note))
        errors = sorted(self.errors, key=lambda e: (e.sheet, e.row))
        return ImportReport(file_name=file_name, sha256=sha256, rows=rows, errors=errors)

    def apply(self) -> None:
        for spec in self.parsed.organizations:
            self._apply_organization(spec)
        for site in self.parsed.sites:
            self._guarded_row(site.sheet, site.row, lambda site=site: self._did(
                site.sheet, site.row, self._upsert_site(self.scope.organization, site)))
        for spec in self.parsed.resources:
            self._apply_resource(spec)

    def _forget(self) -> None:
        """After a rolled-back savepoint the caches may hold rows that no longer exist."""
        self._sites.clear()
        self._resources.clear()
        self._capabilities.clear()

    def _sites_of(self, organization: Organization) -> dict[str, Site]:
        if organization.pk not in self._sites:
            sites = Site.objects.filter(organization=organization)
            self._sites[organization.pk] = {site.name.casefold(): site for site in sites}
        return self._sites[organization.pk]

    def _resources_of(self, organization: Organization) -> dict[str, Resource]:
        if organization.pk not in self._resources:
            self._resources[organization.pk] = {
                resource.external_id: resource for resource in Resource.objects.filter(
                    organization=organization, external_id__in=self._resource_keys
                ).select_related("site").prefetch_related(Prefetch(
                    "capabilities", queryset=Capability.objects.prefetch_related(Prefetch(
                        "material_limits",
                        queryset=CapabilityMaterial.objects.select_related("material")))))}
        return self._resources[organization.pk]

    def _savepoint(self, work) -> None:
        """Run ``work`` in a savepoint, so a failing object leaves nothing behind."""
        try:
            with transaction.atomic():
                work()
        except (_RowProblem, DomainError, IntegrityError):
            self._forget()
            raise

    def _guarded_row(self, sheet: str, row: int, work) -> bool:
        """Run ``work`` in a savepoint; a domain or database error becomes a row error."""
        try:
            self._savepoint(work)
        except _RowProblem as problem:
            self._error(sheet, row, problem.column, problem.message)
            return False
        except DomainError as exc:
            column = _RESOURCE_FIELD_COLUMNS.get(exc.field or "", exc.field or "")
            self._error(sheet, row, column, exc.message)
            return False
        except IntegrityError:
            self._error(sheet, row, "", _("This row clashes with a change made at the same "
                                          "time; upload the file again."))
            return False
        return True

    # --- organizations (network scope)

    def _apply_organization(self, spec: imports.OrganizationSpec) -> None:
        for number in spec.rows:
            self.labels[(spec.sheet, number)] = (spec.external_id, spec.fields.get("name") or "")
        self.organizations[spec.external_id] = None
        if not spec.ok:
            self._skip(spec.sheet, spec.rows[1:], (spec.sheet, spec.rows[0]))
            return

        def work():
            organization, action = self._upsert_organization(spec)
            self._did(spec.sheet, spec.rows[0], action)
            for site in spec.sites:
                try:
                    self._did(site.sheet, site.row, self._upsert_site(organization, site))
                except DomainError as exc:
                    raise _RowProblem(exc.field or "", exc.message) from None
            self.organizations[spec.external_id] = organization

        if not self._guarded_row(spec.sheet, spec.rows[0], work):
            self._skip(spec.sheet, spec.rows[1:], (spec.sheet, spec.rows[0]))

    def _managed(self, organization: Organization, column: str) -> Organization:
        """An existing organization the operator may write through the import, or a problem."""
        network = self.scope.network
        if not NetworkMembership.objects.filter(network=network,
                                                organization=organization).exists():
            raise _RowProblem(column, _(
                "%(org)s is registered on fabshare outside %(network)s; its admins can apply to "
                "join the network.") % {"org": organization.name, "network": network.name})
        if Membership.objects.filter(organization=organization).exists():
            raise _RowProblem(column, _(
                "%(org)s has its own admins on fabshare; they keep its profile and resources "
                "up to date.") % {"org": organization.name})
        return organization

    def _find_organization(self, spec: imports.OrganizationSpec) -> Organization | None:
        fields = spec.fields
        number = fields.get("enterprise_number")
        if number:
            found = Organization.objects.filter(country=fields.get("country", "BE"),
                                                enterprise_number=number).first()
            if found is not None:
                return self._managed(found, "enterprise_number")
        candidates = Organization.objects.filter(
            network_memberships__network=self.scope.network, name__iexact=fields["name"]
        ).distinct()
        if number:
            candidates = candidates.filter(enterprise_number="")
        candidates = list(candidates[:2])
        if len(candidates) > 1:
            raise _RowProblem("legal_name", _(
                "Several organizations of the network have this name; add the enterprise "
                "number to tell which one."))
        return self._managed(candidates[0], "legal_name") if candidates else None

    def _upsert_organization(self, spec: imports.OrganizationSpec) -> tuple[Organization, str]:
        data = dict(spec.fields)
        certifications = [self.certifications[c] for c in data.pop("certifications", None) or []]
        certifications_given = "certifications" in spec.fields
        organization = self._find_organization(spec)
        if organization is not None:
            first = self.organization_rows.get(organization.pk)
            if first is not None:
                raise _RowProblem("external_id", _(
                    "The same organization as row %(row)s of %(sheet)s.")
                    % {"row": first[1], "sheet": first[0]})
            self.organization_rows[organization.pk] = (spec.sheet, spec.rows[0])
            changed = [key for key, value in data.items() if getattr(organization, key) != value]
            for key in changed:
                setattr(organization, key, data[key])
            if changed:
                organization.save(update_fields=[*changed, "updated_at"])
            if certifications_given and (set(organization.certifications.all())
                                         != set(certifications)):
                organization.certifications.set(certifications)
                changed.append("certifications")
            if not changed:
                return organization, "unchanged"
            audit_record(actor=self.actor, action="organization.update", target=organization,
                         organization=organization, network=self.scope.network,
                         summary=f"Import: changed {', '.join(changed)} of {organization.name}")
            return organization, "update"
        organization = Organization.objects.create(slug=_organization_slug(data["name"]), **data)
        self.organization_rows[organization.pk] = (spec.sheet, spec.rows[0])
        organization.certifications.set(certifications)
        network = self.scope.network
        membership = NetworkMembership.objects.create(
            network=network, organization=organization,
            status=NetworkMembershipStatus.APPROVED, applied_by=self.actor,
            decided_by=self.actor, decided_at=timezone.now(),
        )
        audit_record(actor=self.actor, action="organization.create", target=organization,
                     organization=organization, network=network,
                     summary=f"Import: created organization {organization.name}")
        audit_record(actor=self.actor, action="network_membership.import", target=membership,
                     organization=organization, network=network,
                     summary=f"{organization.name}: approved in {network.name} by import")
        return organization, "create"

    # --- sites

    def _upsert_site(self, organization: Organization, spec: imports.SiteSpec) -> str:
        self.labels.setdefault((spec.sheet, spec.row), (spec.name, spec.name))
        data = {"name": spec.name, "street": spec.street, "postal_code": spec.postal_code,
                "city": spec.city, "country": spec.country or organization.country,
                "latitude": spec.latitude, "longitude": spec.longitude}
        sites = self._sites_of(organization)
        site = sites.get(spec.name.casefold())
        if site is None:
            is_main = not any(s.is_main for s in sites.values())
            site = sites[spec.name.casefold()] = Site.objects.create(
                organization=organization, is_main=is_main, **data)
            audit_record(actor=self.actor, action="site.create", target=site,
                         organization=organization,
                         summary=f"Import: added site {site.name} in {site.city}")
            return "create"
        changed = [key for key, value in data.items() if getattr(site, key) != value]
        if not changed:
            return "unchanged"
        for key in changed:
            setattr(site, key, data[key])
        site.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=self.actor, action="site.update", target=site,
                     organization=organization,
                     summary=f"Import: changed {', '.join(changed)} of site {site.name}")
        return "update"

    # --- resources

    def _resource_organization(self, spec: imports.ResourceSpec) -> Organization | None:
        """The resource's organization; None when it is skipped because of another row."""
        if self.scope.organization is not None:
            return self.scope.organization
        if spec.org_external_id:
            if spec.org_external_id not in self.organizations:
                raise _RowProblem("org_external_id", _(
                    "No organization has this external id in the organizations sheet of the "
                    "file."))
            organization = self.organizations[spec.org_external_id]
            if organization is None:
                org_spec = next(s for s in self.parsed.organizations
                                if s.external_id == spec.org_external_id)
                self._skip(spec.sheet, spec.rows, (org_spec.sheet, org_spec.rows[0]))
                return None
            if spec.org_enterprise_number and (organization.enterprise_number
                                               not in _number_forms(spec.org_enterprise_number)):
                raise _RowProblem("org_enterprise_number", _(
                    "This is not the enterprise number of the organization %(ext)s.")
                    % {"ext": spec.org_external_id})
            return organization
        forms = _number_forms(spec.org_enterprise_number)
        for org_spec in self.parsed.organizations:
            if org_spec.fields.get("enterprise_number") in forms:
                organization = self.organizations.get(org_spec.external_id)
                if organization is None:  # that row has errors
                    self._skip(spec.sheet, spec.rows, (org_spec.sheet, org_spec.rows[0]))
                return organization
        found = list(Organization.objects.filter(
            enterprise_number__in=forms, network_memberships__network=self.scope.network
        ).distinct()[:2])
        if len(found) != 1:
            raise _RowProblem("org_enterprise_number", _(
                "No organization of the network has this enterprise number.") if not found
                else _("Several organizations of the network have this enterprise number; "
                       "use org_external_id."))
        return self._managed(found[0], "org_enterprise_number")

    def _apply_resource(self, spec: imports.ResourceSpec) -> None:
        name = spec.fields.get("name") or ""
        for number in spec.rows:
            self.labels[(spec.sheet, number)] = (spec.external_id, name)
        if not spec.ok:
            self._skip(spec.sheet, spec.rows[1:], (spec.sheet, spec.rows[0]))
            return
        try:
            organization = self._resource_organization(spec)
        except _RowProblem as problem:
            self._error(spec.sheet, spec.rows[0], problem.column, problem.message)
            self._skip(spec.sheet, spec.rows[1:], (spec.sheet, spec.rows[0]))
            return
        if organization is None:
            return

        def work():
            resource, action = self._upsert_resource(organization, spec)
            self._did(spec.sheet, spec.rows[0], action)
            for capability in spec.capabilities:
                try:
                    self._did(spec.sheet, capability.row,
                              self._upsert_capability(resource, capability))
                except DomainError as exc:  # on the capability's own row
                    raise _RowProblem(exc.field or "", exc.message, row=capability.row) from None

        try:
            self._savepoint(work)
        except _RowProblem as problem:
            self._resource_failed(spec, problem.row or spec.rows[0], problem.column,
                                  problem.message)
        except DomainError as exc:
            self._resource_failed(spec, spec.rows[0],
                                  _RESOURCE_FIELD_COLUMNS.get(exc.field or "", exc.field or ""),
                                  exc.message)
        except IntegrityError:
            self._resource_failed(spec, spec.rows[0], "external_id", _(
                "This row clashes with a change made at the same time; upload the file "
                "again."))

    def _resource_failed(self, spec: imports.ResourceSpec, row: int, column: str,
                         message: str) -> None:
        self._error(spec.sheet, row, column, message)
        self._skip(spec.sheet, [r for r in spec.rows if r != row], (spec.sheet, row))

    def _upsert_resource(self, organization: Organization,
                         spec: imports.ResourceSpec) -> tuple[Resource, str]:
        resource = self._resources_of(organization).get(spec.external_id)
        if resource is not None:
            first = self._resource_rows.setdefault(resource.pk, (spec.sheet, spec.rows[0]))
            if first != (spec.sheet, spec.rows[0]):
                raise _RowProblem("external_id", _(
                    "The same resource as row %(row)s of %(sheet)s.")
                    % {"row": first[1], "sheet": first[0]})
        data = dict(spec.fields)
        if spec.site_name is not None or resource is None:
            data["site"] = self._site(organization, spec.site_name or "")
        kind = data.get("kind") or resource.kind
        if resource is None:
            # The external id is known to be free: it was looked up above.
            data = _clean_resource(data, organization, kind)
            data.pop("kind", None)
            resource = Resource.objects.create(
                organization=organization, kind=kind, external_id=spec.external_id,
                slug=_unique_slug(data["name"], organization), **data)
            self._resources_of(organization)[spec.external_id] = resource
            self._capabilities[resource.pk] = {}
            self._resource_rows[resource.pk] = (spec.sheet, spec.rows[0])
            audit_record(actor=self.actor, action="resource.create", target=resource,
                         organization=organization,
                         summary=f"Import: listed {resource.kind} {resource.name}")
            return resource, "create"
        data = _clean_resource({**data, "_pk": resource.pk}, organization, kind,
                               current_site=resource.site)
        changed = [key for key, value in data.items() if getattr(resource, key) != value]
        if not changed:
            return resource, "unchanged"
        for key in changed:
            setattr(resource, key, data[key])
        resource.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=self.actor, action="resource.update", target=resource,
                     organization=organization,
                     summary=f"Import: changed {', '.join(changed)} of {resource.name}")
        return resource, "update"

    def _site(self, organization: Organization, name: str) -> Site | None:
        if not name:
            return None
        site = self._sites_of(organization).get(name.casefold())
        if site is None:
            raise _RowProblem("site_name", _(
                "%(org)s has no site named “%(name)s”. Add it (in the file or on the "
                "organization's page) first.") % {"org": organization.name, "name": name})
        return site

    def _upsert_capability(self, resource: Resource, spec: imports.CapabilitySpec) -> str:
        process = self.processes[spec.process]
        capabilities = self._capabilities.setdefault(
            resource.pk, {c.process_id: c for c in resource.capabilities.all()})
        capability = capabilities.get(process.pk)
        materials = (None if spec.materials is None else
                     [(self.materials[code], thickness) for code, thickness in spec.materials])
        if capability is None:
            limits = {key: spec.limits.get(key) for key in LIMIT_FIELDS}
            cleaned, rows = _clean_capability(resource, process, limits, materials or [])
            cleaned, rows = _quantized(cleaned), _quantized_materials(rows)
            capability = capabilities[process.pk] = Capability.objects.create(
                resource=resource, process=process, **cleaned)
            CapabilityMaterial.objects.bulk_create(
                CapabilityMaterial(capability=capability, material=m, max_thickness_mm=t)
                for m, t in rows)
            audit_record(actor=self.actor, action="capability.create", target=capability,
                         organization=resource.organization,
                         summary=f"Import: {resource.name}: added {process.code}")
            return "create"
        current = [(cm.material, cm.max_thickness_mm) for cm in capability.material_limits.all()]
        merged = {key: spec.limits.get(key, getattr(capability, key)) for key in LIMIT_FIELDS}
        cleaned, rows = _clean_capability(resource, process, merged,
                                          current if materials is None else materials)
        cleaned, rows = _quantized(cleaned), _quantized_materials(rows)
        changed = [key for key, value in cleaned.items() if getattr(capability, key) != value]
        for key in changed:
            setattr(capability, key, cleaned[key])
        if changed:
            capability.save(update_fields=changed)
        wanted = {(m.pk, t) for m, t in rows}
        if materials is not None and wanted != {(m.pk, t) for m, t in current}:
            capability.material_limits.all().delete()
            CapabilityMaterial.objects.bulk_create(
                CapabilityMaterial(capability=capability, material=m, max_thickness_mm=t)
                for m, t in rows)
            changed.append("materials")
        if not changed:
            return "unchanged"
        audit_record(actor=self.actor, action="capability.update", target=capability,
                     organization=resource.organization,
                     summary=f"Import: {resource.name}: changed {', '.join(changed)} of "
                             f"{process.code}")
        return "update"


def _quantized(limits: dict) -> dict:
    """Round decimals to the places the columns store, so an unchanged file stays unchanged."""
    return {key: (value.quantize(Decimal(10) ** -_DECIMAL_PLACES[key])
                  if key in _DECIMAL_PLACES and value is not None else value)
            for key, value in limits.items()}


def _quantized_materials(rows: list) -> list:
    return [(m, None if t is None else Decimal(t).quantize(Decimal("0.01"))) for m, t in rows]


def _number_forms(text: str) -> set[str]:
    """The stored forms an enterprise number typed in a file may have (BE, NL or as typed)."""
    forms = {text.strip()}
    for country in ("BE", "NL"):
        with contextlib.suppress(ValueError):
            forms.add(normalize_enterprise_number(country, text))
    return forms - {""}
