"""Every write to capacity requests: drafts, steps, attachments, opening and closing, NDAs.

Keyword-only arguments with the acting user first; one transaction each; members of the
requesting organization write its requests; errors name the field (``steps.2.thickness_mm``
for the second step's thickness).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.catalog.limits import check_limits
from fabshare.catalog.models import Material, MaterialFamily, Process
from fabshare.core.errors import Conflict, DomainError, reject_unknown_fields
from fabshare.core.geo import place_coordinates
from fabshare.core.uploads import delete_files_on_commit
from fabshare.demand.models import (
    DEFAULT_NDA_TEXT,
    CapacityRequest,
    NdaAcceptance,
    RequestAttachment,
    RequestStatus,
    RequestStep,
)
from fabshare.network.audit import audit_record
from fabshare.network.models import Organization, Role, User
from fabshare.network.services import require_role

REQUEST_FIELDS = ("title", "description", "language", "earliest_start", "deadline", "site",
                  "place", "latitude", "longitude", "max_distance_km", "certifications",
                  "budget_cents", "nda_required", "nda_text")
STEP_FIELDS = ("process", "material", "material_family", "quantity", "estimated_hours",
               "part_x_mm", "part_y_mm", "part_z_mm", "thickness_mm", "tolerance_um",
               "weight_kg", "notes")
# Step field -> the catalog limit whose sanity bounds it shares.
STEP_LIMITS = {"part_x_mm": "envelope_x_mm", "part_y_mm": "envelope_y_mm",
               "part_z_mm": "envelope_z_mm", "thickness_mm": "max_thickness_mm",
               "tolerance_um": "tolerance_um", "weight_kg": "max_weight_kg"}
MAX_STEPS = 12
MAX_QUANTITY = 10_000_000
MAX_HOURS = Decimal(10_000)
MAX_BUDGET_CENTS = 100_000_000_00  # 100 million euro
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS = 20
LATEST_DATE = date(2100, 12, 31)


# --- checks -----------------------------------------------------------------------------------


def _clean_request(data: dict, organization: Organization) -> dict:
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise DomainError(_("Give the request a title."), field="title")
        if len(data["title"]) > 160:
            raise DomainError(_("At most 160 characters."), field="title")
    if "description" in data:
        data["description"] = (data["description"] or "").strip()
        if len(data["description"]) > 10_000:
            raise DomainError(_("At most 10 000 characters."), field="description")
    if data.get("language") is not None and data["language"] not in ("nl", "en", "fr", "de"):
        raise DomainError(_("Choose nl, en, fr or de."), field="language")
    for key in ("earliest_start", "deadline"):
        value = data.get(key)
        if value is not None and not date(2000, 1, 1) <= value <= LATEST_DATE:
            raise DomainError(_("Enter a date between 2000 and 2100."), field=key)
    site = data.get("site")
    if site is not None and site.organization_id != organization.pk:
        raise DomainError(_("Choose one of your organization's sites."), field="site")
    if "place" in data:
        data["place"] = (data["place"] or "").strip()
        if data["place"] and data.get("latitude") is None:
            found = place_coordinates(data["place"])
            if found is None:
                raise DomainError(
                    _("Unknown place “%(place)s”: choose a town from the list or a site.")
                    % {"place": data["place"]}, field="place")
            data["latitude"], data["longitude"] = found
        elif not data["place"] and "latitude" not in data:
            data["latitude"] = data["longitude"] = None
    for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if data.get(key) is not None and not low <= data[key] <= high:
            raise DomainError(_("Between %(low)s and %(high)s.") % {"low": low, "high": high},
                              field=key)
    distance = data.get("max_distance_km")
    if distance is not None and not 1 <= distance <= 2000:
        raise DomainError(_("Between 1 and 2000 km."), field="max_distance_km")
    budget = data.get("budget_cents")
    if budget is not None and not 0 <= budget <= MAX_BUDGET_CENTS:
        raise DomainError(_("Enter a budget between 0 and 100 million euro."),
                          field="budget_cents")
    if "nda_text" in data:
        data["nda_text"] = (data["nda_text"] or "").strip()[:20_000]
    return data


def _check_dates(request: CapacityRequest, *, opening: bool) -> None:
    if request.earliest_start and request.deadline and request.deadline < request.earliest_start:
        raise DomainError(_("The deadline is before the earliest start."), field="deadline")
    if opening and request.deadline and request.deadline < timezone.localdate():
        raise DomainError(_("The deadline has passed: choose a later one."), field="deadline")


def clean_steps(steps: list[dict]) -> list[dict]:
    """Check a request's steps in order; raise DomainError naming ``steps.N.field``."""
    if len(steps) > MAX_STEPS:
        raise DomainError(_("At most %(n)s steps.") % {"n": MAX_STEPS}, field="steps")
    cleaned = []
    for number, step in enumerate(steps, start=1):
        reject_unknown_fields(step, STEP_FIELDS)

        def field(name, number=number):
            return f"steps.{number}.{name}"

        process = step.get("process")
        if not isinstance(process, Process):
            raise DomainError(_("Step %(n)s: choose a process.") % {"n": number},
                              field=field("process"))
        material = step.get("material")
        if material is not None and not isinstance(material, Material):
            raise DomainError(_("Step %(n)s: unknown material.") % {"n": number},
                              field=field("material"))
        family = step.get("material_family")
        if family is not None and not isinstance(family, MaterialFamily):
            raise DomainError(_("Step %(n)s: unknown material family.") % {"n": number},
                              field=field("material_family"))
        if material is not None:
            family = None  # a grade says more than its family
        row = {"process": process, "material": material, "material_family": family,
               "notes": (step.get("notes") or "").strip()[:300]}
        quantity = step.get("quantity")
        if quantity not in (None, ""):
            try:
                quantity = int(quantity)
            except (TypeError, ValueError):
                raise DomainError(_("Step %(n)s: enter a whole number.") % {"n": number},
                                  field=field("quantity")) from None
            if not 1 <= quantity <= MAX_QUANTITY:
                raise DomainError(
                    _("Step %(n)s: a quantity between 1 and 10 000 000.") % {"n": number},
                    field=field("quantity"))
        row["quantity"] = quantity if quantity not in ("",) else None
        hours = step.get("estimated_hours")
        if hours not in (None, ""):
            try:
                hours = Decimal(str(hours).replace(",", "."))
            except InvalidOperation:
                raise DomainError(_("Step %(n)s: enter a number of hours.") % {"n": number},
                                  field=field("estimated_hours")) from None
            if not hours.is_finite() or not Decimal("0.1") <= hours <= MAX_HOURS:
                raise DomainError(
                    _("Step %(n)s: between 0.1 and 10 000 hours.") % {"n": number},
                    field=field("estimated_hours"))
            hours = hours.quantize(Decimal("0.1"))
        row["estimated_hours"] = hours if hours != "" else None
        limits, errors = check_limits({STEP_LIMITS[k]: step.get(k) for k in STEP_LIMITS})
        for key, limit in STEP_LIMITS.items():
            if limit in errors:
                raise DomainError(
                    _("Step %(n)s: %(problem)s") % {"n": number, "problem": errors[limit]},
                    field=field(key))
            row[key] = limits.get(limit)
        cleaned.append(row)
    return cleaned


def _replace_steps(request: CapacityRequest, steps: list[dict]) -> None:
    request.steps.all().delete()
    RequestStep.objects.bulk_create(
        RequestStep(request=request, position=n, **row) for n, row in enumerate(steps, 1))


def require_requester(actor: User, request: CapacityRequest) -> None:
    require_role(actor, request.organization, Role.MEMBER)


# --- requests ---------------------------------------------------------------------------------


@transaction.atomic
def request_create(*, actor: User, organization: Organization, title: str,
                   steps: list[dict] | None = None, **fields) -> CapacityRequest:
    """Save a new request as a draft (members of the requesting organization)."""
    require_role(actor, organization, Role.MEMBER)
    reject_unknown_fields(fields, REQUEST_FIELDS)
    data = _clean_request({"title": title, **fields}, organization)
    certifications = data.pop("certifications", None)
    if data.get("site") is None and not data.get("place") and data.get("latitude") is None:
        # Deliver to the organization's main site unless another place is given.
        data["site"] = organization.sites.order_by("-is_main", "pk").first()
    if data.get("nda_required") and not data.get("nda_text"):
        data["nda_text"] = str(DEFAULT_NDA_TEXT)
    request = CapacityRequest(organization=organization, created_by=actor, **data)
    _check_dates(request, opening=False)
    cleaned = clean_steps(steps or [])
    request.save()
    if certifications:
        request.certifications.set(certifications)
    _replace_steps(request, cleaned)
    audit_record(actor=actor, action="request.create", target=request,
                 organization=organization, summary=f"Drafted request {request.title}")
    return request


@transaction.atomic
def request_update(*, actor: User, request: CapacityRequest, steps: list[dict] | None = None,
                   **changes) -> CapacityRequest:
    """Change a draft or open request; ``steps``, when given, replaces all steps."""
    request = CapacityRequest.objects.select_for_update().get(pk=request.pk)
    require_requester(actor, request)
    if request.status not in (RequestStatus.DRAFT, RequestStatus.OPEN):
        raise Conflict(_("A %(status)s request can no longer be changed.")
                       % {"status": request.get_status_display().lower()})
    reject_unknown_fields(changes, REQUEST_FIELDS)
    data = _clean_request(dict(changes), request.organization)
    certifications = data.pop("certifications", None)
    for key, value in data.items():
        setattr(request, key, value)
    if request.nda_required and not request.nda_text:
        request.nda_text = str(DEFAULT_NDA_TEXT)
    _check_dates(request, opening=request.status == RequestStatus.OPEN)
    if steps is not None:
        cleaned = clean_steps(steps)
        if request.status == RequestStatus.OPEN and not cleaned:
            raise DomainError(_("An open request needs at least one step."), field="steps")
    request.save()
    if certifications is not None:
        request.certifications.set(certifications)
    if steps is not None:
        _replace_steps(request, cleaned)
    audit_record(actor=actor, action="request.update", target=request,
                 organization=request.organization, summary=f"Changed request {request.title}")
    return request


@transaction.atomic
def request_open(*, actor: User, request: CapacityRequest) -> CapacityRequest:
    """Publish a draft (or reopen a closed request): providers can see it and offer."""
    request = CapacityRequest.objects.select_for_update().get(pk=request.pk)
    require_requester(actor, request)
    if request.status == RequestStatus.OPEN:
        return request
    if request.status == RequestStatus.MATCHED:
        raise Conflict(_("This request is already matched."))
    if not request.steps.exists():
        raise DomainError(_("Add at least one step before publishing."), field="steps")
    _check_dates(request, opening=True)
    request.status = RequestStatus.OPEN
    request.opened_at = timezone.now()
    request.closed_at = None
    request.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
    audit_record(actor=actor, action="request.open", target=request,
                 organization=request.organization, summary=f"Published request {request.title}")
    return request


@transaction.atomic
def request_close(*, actor: User, request: CapacityRequest) -> CapacityRequest:
    request = CapacityRequest.objects.select_for_update().get(pk=request.pk)
    require_requester(actor, request)
    if request.status == RequestStatus.CLOSED:
        return request
    request.status = RequestStatus.CLOSED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=actor, action="request.close", target=request,
                 organization=request.organization, summary=f"Closed request {request.title}")
    return request


def request_mark_matched(*, request: CapacityRequest) -> None:
    """Called by bookings inside its transaction when the seeker accepts an offer."""
    CapacityRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=RequestStatus.MATCHED, updated_at=timezone.now())


@transaction.atomic
def request_delete(*, actor: User, request: CapacityRequest) -> None:
    """Delete a draft; published requests are closed instead, so offers keep their context."""
    require_requester(actor, request)
    if request.status != RequestStatus.DRAFT:
        raise Conflict(_("Only drafts can be deleted; close a published request instead."))
    files = [a.file for a in request.attachments.all()]
    audit_record(actor=actor, action="request.delete", target=request,
                 organization=request.organization, summary=f"Deleted draft {request.title}")
    request.delete()
    delete_files_on_commit(files)


# --- attachments ------------------------------------------------------------------------------


def check_drawing(upload) -> str:
    """PDF, STEP or DXF, recognised by content; return the kind or raise ValueError."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValueError(_("The file is %(size)s; the limit is %(limit)s.") % {
            "size": filesizeformat(upload.size), "limit": filesizeformat(MAX_ATTACHMENT_BYTES)})
    if upload.size == 0:
        raise ValueError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(256)
    upload.seek(0)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if text.startswith(b"ISO-10303-21;"):
        return "step"
    if head.startswith(b"AutoCAD Binary DXF"):
        return "dxf"
    lines = [line.strip() for line in text.splitlines()[:4]]
    if len(lines) >= 2 and lines[0] == b"0" and lines[1] == b"SECTION":
        return "dxf"
    raise ValueError(_("Upload a drawing as PDF, STEP (.step, .stp) or DXF."))


@transaction.atomic
def attachment_add(*, actor: User, request: CapacityRequest, upload) -> RequestAttachment:
    require_requester(actor, request)
    if request.status == RequestStatus.CLOSED:
        raise Conflict(_("A closed request takes no more attachments."))
    try:
        kind = check_drawing(upload)
    except ValueError as exc:
        raise DomainError(str(exc), field="file") from None
    if request.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(_("At most %(n)s attachments per request.") % {"n": MAX_ATTACHMENTS},
                          field="file")
    name = (upload.name or "drawing").rsplit("/", 1)[-1][:200]
    attachment = RequestAttachment(request=request, name=name, kind=kind, size=upload.size)
    attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{name}", upload, save=False)
    attachment.save()
    audit_record(actor=actor, action="request.attach", target=request,
                 organization=request.organization, summary=f"Attached {name}")
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: RequestAttachment) -> None:
    require_requester(actor, attachment.request)
    files = [attachment.file]
    attachment.delete()
    delete_files_on_commit(files)


# --- NDA --------------------------------------------------------------------------------------


@transaction.atomic
def nda_accept(*, actor: User, request: CapacityRequest, organization: Organization
               ) -> NdaAcceptance:
    """A provider organization accepts the request's current NDA text (its admins or any
    member may sign for it; the user and time are recorded)."""
    require_role(actor, organization, Role.MEMBER)
    if organization.pk == request.organization_id:
        raise DomainError(_("The requester does not sign its own NDA."))
    if not request.nda_required:
        raise Conflict(_("This request does not ask for an NDA."))
    if request.status not in (RequestStatus.OPEN, RequestStatus.MATCHED):
        raise Conflict(_("This request is not open."))
    acceptance, created = NdaAcceptance.objects.get_or_create(
        request=request, organization=organization, version=request.nda_version,
        defaults={"user": actor, "text": request.nda_text})
    if created:
        audit_record(actor=actor, action="request.nda", target=request,
                     organization=organization,
                     summary=f"{organization.name} accepted the NDA of {request.title}")
    return acceptance
