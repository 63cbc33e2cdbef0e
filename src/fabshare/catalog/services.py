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
from fabshare.core.uploads import check_image, check_pdf
from fabshare.network.audit import audit_record
from fabshare.network.models import Certification, Organization, Role, User
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


def _clean_resource(data: dict, organization: Organization, kind: str) -> dict:
    """Check the fields of a resource; raise DomainError naming the first bad field."""
    if kind not in ResourceKind.values:
        raise DomainError(_("Choose machine, facility or expertise."), field="kind")
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise DomainError(_("The name is required."), field="name")
    if data.get("visibility") is not None and data["visibility"] not in Visibility.values:
        raise DomainError(_("Unknown visibility."), field="visibility")
    site = data.get("site")
    if site is not None and site.organization_id != organization.pk:
        raise DomainError(_("Choose one of your organization's sites."), field="site")
    if "site" in data and site is None and kind != ResourceKind.EXPERTISE:
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
    data = _clean_resource({**changes, "_pk": resource.pk}, resource.organization, kind)
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


