"""REST endpoints for the taxonomy (processes, materials, certifications), resources and their
capabilities.

Thin like the pages and like ``fabshare.network.api``, whose field types, pagination and error
declarations these endpoints share: schemas check the shape of the input, selectors read
(scoped to the caller: a resource the caller may not see is a 404, one they may see but not
change a 403), services write and check the domain rules (absurd limits, a site of another
organization …) and raise ``DomainError`` naming the field, which ``fabshare.api`` turns into
``application/problem+json``. Taxonomy entries are named by their stable codes, resources,
capabilities and organizations by their ids.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Annotated

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import Field

from fabshare.api import PUBLIC
from fabshare.catalog import selectors, services
from fabshare.catalog.models import (
    Material,
    MaterialFamily,
    Process,
    Resource,
    ResourceKind,
    Visibility,
)
from fabshare.core.errors import DomainError, NotFound
from fabshare.network import selectors as network_selectors
from fabshare.network.api import (
    Id,
    In,
    OrganizationRef,
    Pagination,
    PathId,
    SiteOut,
    Text,
    errors,
)
from fabshare.network.models import Certification, Organization, Role, Site

router = Router(tags=["resources"])

CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # the taxonomy's stable codes (catalog.taxonomy)
Code = Annotated[str, Field(min_length=1, max_length=60, pattern=CODE_PATTERN,
                            examples=["milling"])]
PathCode = Annotated[str, Path(min_length=1, max_length=60, pattern=CODE_PATTERN)]
Codes = Annotated[list[Code], Field(max_length=100)]
# Limits are checked by the service (catalog.limits), which names the field and the unit; the
# schema only refuses what is not a finite number.
Limit = Annotated[float, Field(allow_inf_nan=False)] | None
Number = Annotated[float, Field(allow_inf_nan=False)]
FREE_TIME_SUMMARY_DAYS = 28


# --- output schemas --------------------------------------------------------------------------


def _labels(value) -> dict[str, str]:
    # Operators edit these JSON fields in the admin: answer a well-formed shape whatever is stored.
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _synonyms(value) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in value.items()}


class ProcessOut(Schema):
    code: str
    parent: str | None = Field(..., description="The parent's code; null at the top")
    depth: int = Field(..., description="0 at the top of the tree")
    din8580: str | None = Field(..., description="DIN 8580 group number, if any")
    label: str = Field(..., description="In the caller's language")
    labels: dict[str, str] = Field(..., description="Per language: en, nl, fr, de")
    synonyms: dict[str, list[str]]

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_code

    @staticmethod
    def resolve_din8580(obj) -> str | None:
        return obj.din8580 or None

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.label()

    @staticmethod
    def resolve_labels(obj) -> dict[str, str]:
        return _labels(obj.labels)

    @staticmethod
    def resolve_synonyms(obj) -> dict[str, list[str]]:
        return _synonyms(obj.synonyms)


class ProcessBrief(Schema):
    code: str
    label: str

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.label()


class ProcessDetailOut(ProcessOut):
    ancestors: list[ProcessBrief] = Field(..., description="From the top of the tree down")
    children: list[ProcessBrief]

    @staticmethod
    def resolve_children(obj) -> list:
        return obj.subprocesses  # set by the handler (``children`` is the reverse relation)


class MaterialFamilyOut(Schema):
    code: str
    label: str
    labels: dict[str, str]

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.label()

    @staticmethod
    def resolve_labels(obj) -> dict[str, str]:
        return _labels(obj.labels)


class MaterialOut(MaterialFamilyOut):
    family: str = Field(..., description="The material family's code")
    synonyms: dict[str, list[str]]

    @staticmethod
    def resolve_family(obj) -> str:
        return obj.family.code

    @staticmethod
    def resolve_synonyms(obj) -> dict[str, list[str]]:
        return _synonyms(obj.synonyms)


class CertificationOut(MaterialFamilyOut):
    name: str = Field(..., description="The standard's own name, e.g. ISO 9001")
    label: str = Field(..., description="What it certifies, in the caller's language")
    synonyms: list[str]

    @staticmethod
    def resolve_label(obj) -> str:
        labels = _labels(obj.labels)
        language = (translation.get_language() or "en")[:2]
        return labels.get(language) or labels.get("en") or obj.name

    @staticmethod
    def resolve_synonyms(obj) -> list[str]:
        return [str(s) for s in obj.synonyms] if isinstance(obj.synonyms, list) else []


class MaterialLimitOut(Schema):
    material: str = Field(..., description="The material's code")
    max_thickness_mm: float | None

    @staticmethod
    def resolve_material(obj) -> str:
        return obj.material.code


class CapabilityOut(Schema):
    id: int
    resource_id: int
    process: str = Field(..., description="The process code")
    process_label: str
    envelope_x_mm: int | None
    envelope_y_mm: int | None
    envelope_z_mm: int | None
    max_weight_kg: float | None
    max_thickness_mm: float | None
    tolerance_um: int | None
    force_kn: float | None
    axes: int | None
    materials: list[MaterialLimitOut]
    notes: str

    @staticmethod
    def resolve_process(obj) -> str:
        return obj.process.code

    @staticmethod
    def resolve_process_label(obj) -> str:
        return obj.process.label()

    @staticmethod
    def resolve_materials(obj) -> list:
        return sorted(obj.material_limits.all(), key=lambda row: row.pk)  # as they were given


class ResourceOut(Schema):
    id: int
    slug: str
    kind: ResourceKind
    name: str
    organization: OrganizationRef
    site: SiteOut | None
    description: str
    visibility: Visibility
    is_active: bool
    price_per_hour_cents: int | None
    currency: str
    minimum_booking_hours: float
    operator_included: bool
    lead_time_days: int
    make: str
    model_name: str
    year: int | None
    area_m2: int | None
    accreditations: list[str] = Field(..., description="Certification codes (facilities)")
    skills: list[str] = Field(..., description="Process codes (expertise)")
    languages: list[str]
    day_rate_cents: int | None
    capabilities: list[CapabilityOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_accreditations(obj) -> list[str]:
        return [c.code for c in obj.accreditations.all()]

    @staticmethod
    def resolve_skills(obj) -> list[str]:
        return [p.code for p in obj.skills.all()]

    @staticmethod
    def resolve_languages(obj) -> list[str]:
        return [str(x) for x in obj.languages] if isinstance(obj.languages, list) else []


def _absolute(context, url: str) -> str:
    request = context.get("request") if context else None
    return request.build_absolute_uri(url) if request else url


class PhotoOut(Schema):
    id: int
    url: str
    caption: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _absolute(context, obj.image.url)


class DocumentOut(Schema):
    id: int
    title: str
    url: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _absolute(context, obj.file.url)


class FreeTimeSummaryOut(Schema):
    start: datetime
    end: datetime
    total_hours: float
    longest_hours: float = Field(..., description="The longest uninterrupted free run")


class ResourceDetailOut(ResourceOut):
    photos: list[PhotoOut]
    documents: list[DocumentOut]
    free_time: FreeTimeSummaryOut | None = Field(
        ..., description=f"Free time in the next {FREE_TIME_SUMMARY_DAYS} days")
    can_manage: bool = Field(..., description="Whether the caller may change this resource")
    partner_ids: list[int] | None = Field(
        ..., description="Organizations that see a partners-only resource (managers only)")
    external_id: str | None = Field(..., description="The owner's own reference (managers only)")


# --- input schemas ---------------------------------------------------------------------------

PartnerIds = Annotated[list[Id], Field(max_length=100)]
Languages = Annotated[list[Text(10, 1)], Field(max_length=20,
                                               description="Language codes: nl, en, fr, de …")]


class ResourceIn(In):
    organization_id: Id = Field(..., description="An organization the caller administers")
    kind: ResourceKind
    name: Text(160, 1)
    site_id: Id | None = Field(None, description="One of the organization's sites; needed for "
                                                 "machines and facilities")
    description: Text(5000) = ""
    visibility: Visibility = Visibility.PUBLIC
    partner_ids: PartnerIds = Field([], description="With visibility partners: who sees it")
    price_per_hour_cents: int | None = Field(None, description="0 to 100 000 000")
    minimum_booking_hours: Number = Field(1, description="0 to 1000")
    operator_included: bool = False
    lead_time_days: int = Field(0, description="0 to 365")
    is_active: bool = True
    make: Text(80) = ""
    model_name: Text(80) = ""
    year: int | None = Field(None, description="1900 to 2100")
    area_m2: int | None = Field(None, description="1 to 1 000 000 (facilities)")
    accreditations: Codes = Field([], description="Certification codes (facilities)")
    skills: Codes = Field([], description="Process codes (expertise)")
    languages: Languages = []
    day_rate_cents: int | None = Field(None, description="0 to 100 000 000 (expertise)")
    external_id: Text(80) = Field("", description="Your own reference, unique per organization")


class ResourcePatch(In):
    # Omitted fields stay as they are; null clears the optional ones and is refused elsewhere.
    kind: ResourceKind = None
    name: Text(160, 1) = None
    site_id: Id | None = None
    description: Text(5000) = None
    visibility: Visibility = None
    partner_ids: PartnerIds = None
    price_per_hour_cents: int | None = None
    minimum_booking_hours: Number = None
    operator_included: bool = None
    lead_time_days: int = None
    is_active: bool = None
    make: Text(80) = None
    model_name: Text(80) = None
    year: int | None = None
    area_m2: int | None = None
    accreditations: Codes = None
    skills: Codes = None
    languages: Languages = None
    day_rate_cents: int | None = None
    external_id: Text(80) = None


class MaterialLimitIn(In):
    material: Code = Field(..., description="A material code, e.g. s355")
    max_thickness_mm: Limit = Field(None, description="For this material, if it differs")


MaterialLimits = Annotated[list[MaterialLimitIn], Field(max_length=100)]


class CapabilityIn(In):
    process: Code = Field(..., description="A process code, e.g. milling-5-axis")
    envelope_x_mm: Limit = Field(None, description="Work envelope X, 1 to 100 000 mm")
    envelope_y_mm: Limit = Field(None, description="Work envelope Y, 1 to 100 000 mm")
    envelope_z_mm: Limit = Field(None, description="Work envelope Z, 1 to 100 000 mm")
    max_weight_kg: Limit = Field(None, description="Max part weight, kg")
    max_thickness_mm: Limit = Field(None, description="Max thickness, 0.01 to 2000 mm")
    tolerance_um: Limit = Field(None, description="Tolerance in micrometres, 1 to 10 000")
    force_kn: Limit = Field(None, description="Force or tonnage, kN")
    axes: Limit = Field(None, description="1 to 12")
    materials: MaterialLimits = []
    notes: Text(300) = ""


class CapabilityPatch(In):
    # Omitted fields stay; null clears a limit; materials, when given, replace the list.
    process: Code = None
    envelope_x_mm: Limit = None
    envelope_y_mm: Limit = None
    envelope_z_mm: Limit = None
    max_weight_kg: Limit = None
    max_thickness_mm: Limit = None
    tolerance_um: Limit = None
    force_kn: Limit = None
    axes: Limit = None
    materials: MaterialLimits = None
    notes: Text(300) = None


class ProcessFilters(Schema):
    q: Text(100) = Field("", description="Part of a label or synonym, in any language")


class MaterialFilters(Schema):
    family: Code = Field(None, description="A material family's code")


class ResourceFilters(Schema):
    kind: ResourceKind = None
    organization_id: Id = None
    process: Code = Field(None, description="A process code; the processes below it count too")
    material: Code = Field(None, description="A material code")
    q: Text(100) = Field("", description="Part of the name, description, make or model")


# --- helpers ---------------------------------------------------------------------------------

# The service's argument → the API's field, in error responses.
RENAMES = {"site": "site_id", "partners": "partner_ids"}


def _changes(payload: Schema) -> dict:
    return payload.model_dump(exclude_unset=True)


@contextmanager
def api_field_names(**renames: str) -> Iterator[None]:
    """Services name their arguments (``site``); name the API's fields (``site_id``) instead."""
    try:
        yield
    except DomainError as exc:
        if exc.field in renames:
            exc.field = renames[exc.field]
        raise


def _unknown_query_value(name: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ("query", name), "type": "value_error", "msg": message}])


def process_for_filter(code: str | None, name: str = "process") -> Process | None:
    """The process a query filter names (None without one); an unknown code is a 422."""
    if not code:
        return None
    process = Process.objects.filter(code=code).first()
    if process is None:
        raise _unknown_query_value(name, _("Unknown process code."))
    return process


def rows_by_code(model, codes: list[str], field: str, message: str) -> list:
    """The rows ``codes`` name, in order; an unknown code is a 400 naming ``field``."""
    wanted = list(dict.fromkeys(codes))
    found = {row.code: row for row in model.objects.filter(code__in=wanted)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise DomainError(message % {"codes": ", ".join(unknown)}, field=field)
    return [found[code] for code in wanted]


def _resource_changes(user, organization: Organization, data: dict) -> dict:
    """The API's fields as the service's arguments: ids and codes become rows."""
    if "site_id" in data:
        site_id = data.pop("site_id")
        data["site"] = None
        if site_id is not None:
            data["site"] = Site.objects.filter(pk=site_id, organization=organization).first()
            if data["site"] is None:
                raise DomainError(_("Choose one of your organization's sites."), field="site_id")
    if "partner_ids" in data:
        wanted = list(dict.fromkeys(data.pop("partner_ids") or []))
        partners = list(network_selectors.organizations_visible_to(user).filter(pk__in=wanted))
        unknown = sorted(set(wanted) - {o.pk for o in partners})
        if unknown:
            raise DomainError(_("Unknown organization: %(ids)s")
                              % {"ids": ", ".join(map(str, unknown))}, field="partner_ids")
        data["partners"] = partners
    if "accreditations" in data:
        data["accreditations"] = rows_by_code(Certification, data["accreditations"] or [],
                                          "accreditations", _("Unknown certification: %(codes)s"))
    if "skills" in data:
        data["skills"] = rows_by_code(Process, data["skills"] or [], "skills",
                                  _("Unknown process: %(codes)s"))
    return data


def _resource_detail(request, pk: int) -> Resource:
    resource = selectors.get_resource_for_user(request.auth, pk=pk)
    manager = selectors.can_manage(request.auth, resource.organization)
    resource.can_manage = manager
    resource.partner_ids = sorted(o.pk for o in resource.partners.all()) if manager else None
    if not manager:
        resource.external_id = None
    resource.free_time = None
    start = timezone.now().replace(microsecond=0)
    end = start + timedelta(days=FREE_TIME_SUMMARY_DAYS)
    summary = selectors.free_time_summary(resource, start, end)
    if summary is not None:
        total, longest = summary
        resource.free_time = {"start": start, "end": end,
                              "total_hours": total.total_seconds() / 3600,
                              "longest_hours": longest.total_seconds() / 3600}
    return resource


def _capability_arguments(data: dict) -> dict:
    if "process" in data:
        data["process"] = rows_by_code(Process, [data["process"]], "process",
                                   _("Unknown process: %(codes)s"))[0]
    if "materials" in data:
        items = data["materials"] or []
        materials = rows_by_code(Material, [i["material"] for i in items], "materials",
                             _("Unknown material: %(codes)s"))
        by_code = {m.code: m for m in materials}
        data["materials"] = [(by_code[i["material"]], i.get("max_thickness_mm")) for i in items]
    return data


# --- taxonomy --------------------------------------------------------------------------------


@router.get("/processes", response={200: list[ProcessOut], **errors(401, 422)}, auth=PUBLIC,
            tags=["taxonomy"])
def list_processes(request, filters: Query[ProcessFilters]):
    """The process tree after DIN 8580 (plus additive manufacturing, testing and engineering
    services), in tree order; with q, only the processes whose label or synonym in any
    language contains it (case and accents ignored). The whole vocabulary, not paginated."""
    return selectors.search_processes(filters.q)


@router.get("/processes/{code}", response={200: ProcessDetailOut, **errors(401, 404, 422)},
            auth=PUBLIC, tags=["taxonomy"])
def get_process(request, code: PathCode):
    """One process with its place in the tree."""
    tree = selectors.search_processes()
    by_code = {p.code: p for p in tree}
    process = by_code.get(code)
    if process is None:
        raise NotFound(_("No process has the code %(code)s.") % {"code": code})
    ancestors, parent = [], by_code.get(process.parent_code)
    while parent is not None and parent not in ancestors:
        ancestors.insert(0, parent)
        parent = by_code.get(parent.parent_code)
    process.ancestors = ancestors
    process.subprocesses = [p for p in tree if p.parent_code == process.code]
    return process


@router.get("/material-families", response={200: list[MaterialFamilyOut], **errors(401, 422)},
            auth=PUBLIC, tags=["taxonomy"])
def list_material_families(request):
    """Material families (steel, aluminium, polymers …), not paginated."""
    return list(MaterialFamily.objects.all())


@router.get("/materials", response={200: list[MaterialOut], **errors(401, 422)}, auth=PUBLIC,
            tags=["taxonomy"])
def list_materials(request, filters: Query[MaterialFilters]):
    """Materials with their common grades as synonyms, by family; not paginated."""
    rows = selectors.materials()
    if filters.family:
        if not MaterialFamily.objects.filter(code=filters.family).exists():
            raise _unknown_query_value("family", _("Unknown material family code."))
        rows = rows.filter(family__code=filters.family)
    return list(rows)


@router.get("/certifications", response={200: list[CertificationOut], **errors(401, 422)},
            auth=PUBLIC, tags=["taxonomy"])
def list_certifications(request):
    """Certifications and accreditations (ISO 9001, EN 1090 …), not paginated."""
    return list(Certification.objects.all())


# --- resources -------------------------------------------------------------------------------


@router.get("/resources", response={200: list[ResourceOut], **errors(401, 422)}, auth=PUBLIC)
@paginate(Pagination)
def list_resources(request, filters: Query[ResourceFilters]):
    """Machines, facilities and expertise the caller may see: public ones for everyone, those
    shared with the caller's networks or with their organization as a partner, and all of their
    own organizations' (also inactive ones)."""
    material = None
    if filters.material:
        material = Material.objects.filter(code=filters.material).first()
        if material is None:
            raise _unknown_query_value("material", _("Unknown material code."))
    rows = selectors.search_resources(
        request.auth, kind=filters.kind.value if filters.kind else None,
        organization_id=filters.organization_id, process=process_for_filter(filters.process),
        material=material, q=filters.q,
    )
    return selectors.with_details(rows).order_by("name", "pk")


@router.post("/resources", response={201: ResourceDetailOut, **errors(400, 401, 403, 404, 422)})
def create_resource(request, payload: ResourceIn):
    """List a machine, facility or expertise for an organization (its admins and owners)."""
    data = _changes(payload)
    organization = network_selectors.get_organization_for_admin(
        request.auth, pk=data.pop("organization_id"))
    with api_field_names(**RENAMES):
        resource = services.resource_create(
            actor=request.auth, organization=organization,
            **_resource_changes(request.auth, organization, data))
    return Status(201, _resource_detail(request, resource.pk))


@router.get("/resources/{resource_id}",
            response={200: ResourceDetailOut, **errors(401, 404, 422)}, auth=PUBLIC)
def get_resource(request, resource_id: PathId):
    """A resource with its capabilities, photos, documents and its free time in the next
    28 days."""
    return _resource_detail(request, resource_id)


@router.patch("/resources/{resource_id}",
              response={200: ResourceDetailOut, **errors(400, 401, 403, 404, 422)})
def update_resource(request, resource_id: PathId, payload: ResourcePatch):
    """Change a resource (its organization's admins). Only the fields sent are changed."""
    resource = selectors.get_resource_for_admin(request.auth, pk=resource_id)
    with api_field_names(**RENAMES):
        services.resource_update(
            actor=request.auth, resource=resource,
            **_resource_changes(request.auth, resource.organization, _changes(payload)))
    return _resource_detail(request, resource_id)


@router.delete("/resources/{resource_id}", response={204: None, **errors(401, 403, 404, 422)})
def delete_resource(request, resource_id: PathId):
    """Remove a resource with its capabilities and availability (its organization's admins)."""
    resource = selectors.get_resource_for_admin(request.auth, pk=resource_id)
    services.resource_delete(actor=request.auth, resource=resource)
    return Status(204, None)


# --- capabilities ----------------------------------------------------------------------------


@router.get("/resources/{resource_id}/capabilities",
            response={200: list[CapabilityOut], **errors(401, 404, 422)}, auth=PUBLIC,
            tags=["capabilities"])
@paginate(Pagination)
def list_capabilities(request, resource_id: PathId):
    """What the resource can do: per process, its limits and materials."""
    resource = selectors.get_resource_for_role(request.auth, pk=resource_id, minimum=None)
    return selectors.capabilities_of(resource)


@router.post("/resources/{resource_id}/capabilities",
             response={201: CapabilityOut, **errors(400, 401, 403, 404, 422)},
             tags=["capabilities"])
def create_capability(request, resource_id: PathId, payload: CapabilityIn):
    """Add what the resource can do for a process (its organization's admins). Limits outside
    sane bounds (a tolerance in mm where µm is asked, a negative envelope) are a 400 naming the
    field."""
    resource = selectors.get_resource_for_role(request.auth, pk=resource_id, minimum=Role.ADMIN)
    capability = services.capability_create(actor=request.auth, resource=resource,
                                            **_capability_arguments(_changes(payload)))
    return Status(201, selectors.capabilities_of(resource).get(pk=capability.pk))


@router.patch("/capabilities/{capability_id}",
              response={200: CapabilityOut, **errors(400, 401, 403, 404, 422)},
              tags=["capabilities"])
def update_capability(request, capability_id: PathId, payload: CapabilityPatch):
    """Change a capability (admins): the limits sent (null clears one), the materials if sent
    (they replace the list), the notes."""
    capability = selectors.get_capability_for_role(request.auth, capability_id)
    services.capability_update(actor=request.auth, capability=capability,
                               **_capability_arguments(_changes(payload)))
    return selectors.capabilities_of(capability.resource).get(pk=capability.pk)


@router.delete("/capabilities/{capability_id}",
               response={204: None, **errors(401, 403, 404, 422)}, tags=["capabilities"])
def delete_capability(request, capability_id: PathId):
    """Remove a capability (admins)."""
    capability = selectors.get_capability_for_role(request.auth, capability_id)
    services.capability_delete(actor=request.auth, capability=capability)
    return Status(204, None)
