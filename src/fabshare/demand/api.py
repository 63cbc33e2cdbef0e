"""REST endpoints for capacity requests: create and change them with their steps, publish and
close them, attach drawings, accept an NDA, and read a free-text need.

The same rules as the pages: members of the requesting organization write; published
requests are read by the members of the requester's networks; attachments need the NDA where
one is required. Processes, materials and certifications are named by their taxonomy codes;
an unknown code is a 400 naming the field (``steps.2.process``).
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from fabshare.catalog.api import Code, Codes, Limit, rows_by_code
from fabshare.catalog.models import Material, MaterialFamily, Process
from fabshare.core.errors import DomainError
from fabshare.demand import reading, selectors, services
from fabshare.demand.models import CapacityRequest, RequestStatus
from fabshare.network.api import In, Latitude, Longitude, Pagination, PathId, Text, errors
from fabshare.network.models import Certification, Organization, Site
from fabshare.network.selectors import get_organization_for_user

router = Router(tags=["requests"])

# The OpenAPI document names enums after their class: network's invitations and join requests
# have a RequestStatus of their own.
CapacityRequestStatus = StrEnum("CapacityRequestStatus", {s.name: s.value for s in RequestStatus})



# --- schemas ----------------------------------------------------------------------------------


class StepOut(Schema):
    position: int
    process: str = Field(..., alias="process.code")
    material: str | None
    material_family: str | None
    quantity: int | None
    estimated_hours: Decimal | None
    part_x_mm: int | None
    part_y_mm: int | None
    part_z_mm: int | None
    thickness_mm: Decimal | None
    tolerance_um: int | None
    weight_kg: Decimal | None
    notes: str

    @staticmethod
    def resolve_material(obj) -> str | None:
        return obj.material.code if obj.material_id else None

    @staticmethod
    def resolve_material_family(obj) -> str | None:
        return obj.material_family.code if obj.material_family_id else None


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    uploaded_at: datetime


class RequestOut(Schema):
    id: int
    organization_id: int
    title: str
    description: str
    language: str
    status: CapacityRequestStatus
    earliest_start: date | None
    deadline: date | None
    site_id: int | None
    place: str
    latitude: float | None
    longitude: float | None
    max_distance_km: int | None
    certifications: list[str]
    budget_cents: int | None
    currency: str
    nda_required: bool
    steps: list[StepOut]
    attachments: list[AttachmentOut] | None = Field(
        None, description="Null when you may not see them yet (accept the NDA first)")
    created_at: datetime
    opened_at: datetime | None

    @staticmethod
    def resolve_certifications(obj) -> list[str]:
        return [c.code for c in obj.certifications.all()]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())

    @staticmethod
    def resolve_attachments(obj, context):
        user = context["request"].auth
        return list(obj.attachments.all()) if selectors.can_see_attachments(user, obj) else None


class StepIn(In):
    process: Code = Field(..., description="A process code, e.g. laser-cutting")
    material: Code | None = Field(None, description="A material code, e.g. stainless-304")
    material_family: Code | None = Field(
        None, description="A material family code when any grade will do, e.g. stainless-steel")
    quantity: int | None = Field(None, ge=1, le=services.MAX_QUANTITY)
    estimated_hours: Limit = None
    part_x_mm: Limit = None
    part_y_mm: Limit = None
    part_z_mm: Limit = None
    thickness_mm: Limit = None
    tolerance_um: Limit = None
    weight_kg: Limit = None
    notes: Text(300) = ""


class RequestIn(In):
    organization_id: int = Field(..., ge=1)
    title: Text(160, 1)
    description: Text(10_000) = ""
    language: str = Field("en", pattern="^(nl|en|fr|de)$")
    earliest_start: date | None = None
    deadline: date | None = None
    site_id: int | None = Field(None, ge=1)
    place: Text(120) = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    max_distance_km: int | None = Field(None, ge=1, le=2000)
    certifications: Codes = []
    budget_cents: int | None = Field(None, ge=0, le=services.MAX_BUDGET_CENTS)
    nda_required: bool = False
    nda_text: Text(20_000) = ""
    steps: list[StepIn] = Field([], max_length=services.MAX_STEPS)


class RequestPatch(In):
    title: Text(160, 1) | None = None
    description: Text(10_000) | None = None
    language: str | None = Field(None, pattern="^(nl|en|fr|de)$")
    earliest_start: date | None = None
    deadline: date | None = None
    site_id: int | None = Field(None, ge=1)
    place: Text(120) | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    max_distance_km: int | None = Field(None, ge=1, le=2000)
    certifications: Codes | None = None
    budget_cents: int | None = Field(None, ge=0, le=services.MAX_BUDGET_CENTS)
    nda_required: bool | None = None
    nda_text: Text(20_000) | None = None
    steps: list[StepIn] | None = Field(None, max_length=services.MAX_STEPS)


NOT_NULL = ("title", "description", "language", "place", "certifications", "nda_required",
            "nda_text", "steps")


class NdaIn(In):
    organization_id: int = Field(..., ge=1, description="The organization you sign for")


class NdaOut(Schema):
    request_id: int
    organization_id: int
    version: str
    accepted_at: datetime


class ParseIn(In):
    text: Text(10_000)
    language: str | None = Field(None, pattern="^(nl|en|fr|de)$")
    today: date | None = Field(None, description="Resolve relative dates from this day")


class EvidenceOut(Schema):
    text: str = Field(..., description="The words the suggestion was read from")
    start: int
    end: int
    rule: str = Field(..., description="exact, inflection, compound, fuzzy or pattern")


class SuggestionOut(Schema):
    value: str | int | float | list[float] | date
    evidence: EvidenceOut


class SuggestedStepOut(Schema):
    process: SuggestionOut
    material: SuggestionOut | None = None
    material_family: SuggestionOut | None = None
    quantity: SuggestionOut | None = None
    part_size_mm: SuggestionOut | None = None
    thickness_mm: SuggestionOut | None = None
    diameter_mm: SuggestionOut | None = None
    tolerance_mm: SuggestionOut | None = None


class ParseOut(Schema):
    language: str | None
    steps: list[SuggestedStepOut]
    certifications: list[SuggestionOut]
    earliest_start: SuggestionOut | None
    deadline: SuggestionOut | None


class RequestFilters(Schema):
    status: CapacityRequestStatus | None = None
    mine: bool = Field(False, description="Only your organizations' requests")


# --- helpers ----------------------------------------------------------------------------------


def _steps(steps: list[dict]) -> list[dict]:
    rows = []
    for number, step in enumerate(steps, 1):
        step = dict(step)
        (step["process"],) = rows_by_code(Process, [step["process"]], f"steps.{number}.process",
                                   _("Unknown process code: %(codes)s"))
        if step.get("material"):
            (step["material"],) = rows_by_code(Material, [step["material"]],
                                        f"steps.{number}.material",
                                        _("Unknown material code: %(codes)s"))
        if step.get("material_family"):
            (step["material_family"],) = rows_by_code(
                MaterialFamily, [step["material_family"]], f"steps.{number}.material_family",
                _("Unknown material family code: %(codes)s"))
        rows.append(step)
    return rows


def _fields(data: dict, organization: Organization) -> dict:
    if "certifications" in data and data["certifications"] is not None:
        data["certifications"] = rows_by_code(
            Certification, data["certifications"], "certifications",
            _("Unknown certification code: %(codes)s"))
    if "site_id" in data:
        site_id = data.pop("site_id")
        data["site"] = None
        if site_id is not None:
            data["site"] = Site.objects.filter(pk=site_id, organization=organization).first()
            if data["site"] is None:
                raise DomainError(_("Choose one of your organization's sites."), field="site_id")
    if "steps" in data and data["steps"] is not None:
        data["steps"] = _steps(data["steps"])
    return data


def _detail(user, pk: int) -> CapacityRequest:
    return selectors.get_request_for_user(user, pk)


# --- endpoints --------------------------------------------------------------------------------


@router.get("/requests", response={200: list[RequestOut], **errors(401, 422)})
@paginate(Pagination)
def list_requests(request, filters: Query[RequestFilters]):
    """Requests you may see: your organizations' (every state) and the published requests of
    your networks, newest first."""
    rows = (selectors.requests_of_user(request.auth) if filters.mine
            else selectors.with_details(selectors.requests_visible_to(request.auth)))
    if filters.status:
        rows = rows.filter(status=filters.status.value)
    return rows.order_by("-created_at", "-pk")


@router.post("/requests", response={201: RequestOut, **errors(400, 401, 403, 404, 422)})
def create_request(request, payload: RequestIn):
    """Save a draft request with its steps (members of the requesting organization)."""
    data = payload.model_dump()
    organization = get_organization_for_user(request.auth, pk=data.pop("organization_id"))
    data = _fields(data, organization)
    created = services.request_create(actor=request.auth, organization=organization, **data)
    return Status(201, _detail(request.auth, created.pk))


def _found(item):
    if item is None:
        return None
    value = item.value
    if isinstance(value, tuple):
        value = list(value)
    return {"value": value, "evidence": item.evidence}


@router.post("/requests/parse", response={200: ParseOut, **errors(400, 401, 422)})
def parse_need(request, payload: ParseIn):
    """Read suggested steps from a need in your own words (nl, fr, en, de): processes and
    materials from the taxonomy, quantities, sizes, thickness, tolerances, certifications and
    dates — each with the words it was read from. Deterministic; nothing is saved."""
    parsed = reading.parse(payload.text, today=payload.today or timezone.localdate(),
                           language=payload.language)
    steps = [{name: _found(getattr(step, name)) for name in SuggestedStepOut.model_fields}
             for step in parsed.steps]
    return {"language": parsed.language, "steps": steps,
            "certifications": [_found(c) for c in parsed.certifications],
            "earliest_start": _found(parsed.earliest_start),
            "deadline": _found(parsed.deadline)}


@router.get("/requests/{request_id}", response={200: RequestOut, **errors(401, 404, 422)})
def get_request(request, request_id: PathId):
    return _detail(request.auth, request_id)


@router.patch("/requests/{request_id}",
              response={200: RequestOut, **errors(400, 401, 403, 404, 409, 422)})
def update_request(request, request_id: PathId, payload: RequestPatch):
    """Change a draft or open request; ``steps`` replaces all steps."""
    capacity_request = selectors.get_request_for_requester(request.auth, request_id)
    data = payload.model_dump(exclude_unset=True)
    for key in NOT_NULL:  # null means "unchanged" for what cannot be empty
        if key in data and data[key] is None:
            del data[key]
    data = _fields(data, capacity_request.organization)
    services.request_update(actor=request.auth, request=capacity_request, **data)
    return _detail(request.auth, request_id)


@router.delete("/requests/{request_id}", response={204: None, **errors(401, 403, 404, 409, 422)})
def delete_request(request, request_id: PathId):
    """Delete a draft (published requests are closed instead)."""
    capacity_request = selectors.get_request_for_requester(request.auth, request_id)
    services.request_delete(actor=request.auth, request=capacity_request)
    return Status(204, None)


@router.post("/requests/{request_id}/open",
             response={200: RequestOut, **errors(400, 401, 403, 404, 409, 422)})
def open_request(request, request_id: PathId):
    """Publish a draft (or reopen a closed request): it needs a step and a future deadline."""
    capacity_request = selectors.get_request_for_requester(request.auth, request_id)
    services.request_open(actor=request.auth, request=capacity_request)
    return _detail(request.auth, request_id)


@router.post("/requests/{request_id}/close",
             response={200: RequestOut, **errors(401, 403, 404, 422)})
def close_request(request, request_id: PathId):
    capacity_request = selectors.get_request_for_requester(request.auth, request_id)
    services.request_close(actor=request.auth, request=capacity_request)
    return _detail(request.auth, request_id)


@router.post("/requests/{request_id}/attachments",
             response={201: AttachmentOut, **errors(400, 401, 403, 404, 409, 422)})
def add_attachment(request, request_id: PathId, file: File[UploadedFile]):
    """Attach a drawing: PDF, STEP or DXF (recognised by content), at most 25 MB."""
    capacity_request = selectors.get_request_for_requester(request.auth, request_id)
    attachment = services.attachment_add(actor=request.auth, request=capacity_request,
                                         upload=file)
    return Status(201, attachment)


@router.get("/requests/{request_id}/attachments/{attachment_id}",
            response={200: None, **errors(401, 404, 422)})
def download_attachment(request, request_id: PathId, attachment_id: PathId):
    """The file (after the NDA where one is required; a 404 before)."""
    attachment = selectors.get_attachment_for_user(request.auth, request_id, attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.name)


@router.post("/requests/{request_id}/nda",
             response={201: NdaOut, **errors(400, 401, 403, 404, 409, 422)})
def accept_nda(request, request_id: PathId, payload: NdaIn):
    """Accept the request's NDA for your organization; its version, time and you are
    recorded, and the attachments become visible to your organization."""
    capacity_request = selectors.get_request_for_user(request.auth, request_id)
    organization = get_organization_for_user(request.auth, pk=payload.organization_id)
    acceptance = services.nda_accept(actor=request.auth, request=capacity_request,
                                     organization=organization)
    return Status(201, acceptance)
