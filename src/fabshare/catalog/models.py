"""The shared vocabulary (processes after DIN 8580, materials) and the resources providers list:
machines, facilities and expertise, with typed capabilities."""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fabshare.core.models import TimeStampedModel
from fabshare.network.models import Certification, Organization, Site


class LabelledMixin:
    """Entries of the taxonomy carry labels in nl, en, fr, de; show the user's language."""

    def label(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "en")[:2]
        return self.labels.get(language) or self.labels.get("en") or self.code

    def __str__(self):
        return self.label()


class Process(LabelledMixin, models.Model):
    """A manufacturing process in a tree after DIN 8580 (plus additive manufacturing, testing
    and engineering services). ``code`` is stable: it is the external id in files and APIs."""

    code = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    din8580 = models.CharField(_("DIN 8580 number"), max_length=20, blank=True)
    labels = models.JSONField(_("labels"), default=dict)
    synonyms = models.JSONField(_("synonyms"), default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["position", "code"]


class MaterialFamily(LabelledMixin, models.Model):
    code = models.SlugField(max_length=60, unique=True)
    labels = models.JSONField(_("labels"), default=dict)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("material family")
        verbose_name_plural = _("material families")
        ordering = ["position", "code"]


class Material(LabelledMixin, models.Model):
    code = models.SlugField(max_length=60, unique=True)
    family = models.ForeignKey(MaterialFamily, on_delete=models.PROTECT, related_name="materials")
    labels = models.JSONField(_("labels"), default=dict)
    synonyms = models.JSONField(_("synonyms"), default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["position", "code"]


class ResourceKind(models.TextChoices):
    MACHINE = "machine", _("Machine")
    FACILITY = "facility", _("Facility or test lab")
    EXPERTISE = "expertise", _("Expertise")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: everyone")
    NETWORK = "network", _("Members of our networks")
    PARTNERS = "partners", _("Selected partner organizations")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Resource(TimeStampedModel):
    """Something an organization shares: a machine, a facility or test lab, or expertise."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="resources"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="resources",
        verbose_name=_("site"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    partners = models.ManyToManyField(
        Organization, blank=True, related_name="partner_resources",
        verbose_name=_("partner organizations"),
    )
    price_per_hour_cents = models.PositiveIntegerField(
        _("price per hour (cents)"), null=True, blank=True
    )
    currency = models.CharField(max_length=3, default="EUR")
    minimum_booking_hours = models.DecimalField(
        _("minimum booking (hours)"), max_digits=6, decimal_places=2, default=1,
        validators=[MinValueValidator(0)],
    )
    operator_included = models.BooleanField(_("operator included"), default=False)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Machines
    make = models.CharField(_("make"), max_length=80, blank=True)
    model_name = models.CharField(_("model"), max_length=80, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    # Facilities
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    accreditations = models.ManyToManyField(
        Certification, blank=True, related_name="accredited_resources",
        verbose_name=_("accreditations"),
    )
    # Expertise: only what the organization chooses to publish about people.
    skills = models.ManyToManyField(
        Process, blank=True, related_name="experts", verbose_name=_("skills")
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    day_rate_cents = models.PositiveIntegerField(_("day rate (cents)"), null=True, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=80, blank=True,
        help_text=_("Your own reference, used to update this resource by import."),
    )
    feed_token = models.CharField(max_length=40, default=new_feed_token, unique=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"], condition=~Q(external_id=""),
                name="resource_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="resource_year_range",
            ),
            models.CheckConstraint(condition=Q(minimum_booking_hours__gte=0),
                                   name="resource_minimum_booking_non_negative"),
        ]
        indexes = [models.Index(fields=["kind", "is_active", "visibility"])]

    def __str__(self):
        return self.name


def _upload_to(instance, filename):
    return f"resources/{instance.resource_id}/{filename}"


class ResourcePhoto(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=_upload_to)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or self.image.name


class ResourceDocument(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=_upload_to)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title


POSITIVE = {"null": True, "blank": True}


class Capability(models.Model):
    """What a resource can do for one process, with typed limits (all optional, all positive)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="capabilities")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="capabilities")
    envelope_x_mm = models.PositiveIntegerField(_("work envelope X (mm)"), **POSITIVE)
    envelope_y_mm = models.PositiveIntegerField(_("work envelope Y (mm)"), **POSITIVE)
    envelope_z_mm = models.PositiveIntegerField(_("work envelope Z (mm)"), **POSITIVE)
    max_weight_kg = models.DecimalField(_("max part weight (kg)"), max_digits=10,
                                        decimal_places=2, **POSITIVE)
    max_thickness_mm = models.DecimalField(_("max thickness (mm)"), max_digits=8,
                                           decimal_places=2, **POSITIVE)
    tolerance_um = models.PositiveIntegerField(_("tolerance (µm)"), **POSITIVE)
    force_kn = models.DecimalField(_("force (kN)"), max_digits=10, decimal_places=1, **POSITIVE)
    axes = models.PositiveSmallIntegerField(_("axes"), **POSITIVE)
    materials = models.ManyToManyField(
        Material, through="CapabilityMaterial", blank=True, related_name="capabilities"
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ["process__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "process"], name="capability_unique"),
            models.CheckConstraint(condition=Q(axes__isnull=True) | Q(axes__gte=1, axes__lte=12),
                                   name="capability_axes_range"),
            models.CheckConstraint(condition=Q(tolerance_um__isnull=True) | Q(tolerance_um__gte=1),
                                   name="capability_tolerance_positive"),
            models.CheckConstraint(
                condition=Q(max_weight_kg__isnull=True) | Q(max_weight_kg__gt=0),
                name="capability_weight_positive"),
            models.CheckConstraint(
                condition=Q(max_thickness_mm__isnull=True) | Q(max_thickness_mm__gt=0),
                name="capability_thickness_positive"),
            models.CheckConstraint(condition=Q(force_kn__isnull=True) | Q(force_kn__gt=0),
                                   name="capability_force_positive"),
        ]

    def __str__(self):
        return f"{self.resource}: {self.process}"


class CapabilityMaterial(models.Model):
    """A material a capability handles, with its own maximum thickness where it differs
    (a fibre laser cuts 25 mm steel but 15 mm aluminium)."""

    capability = models.ForeignKey(Capability, on_delete=models.CASCADE,
                                   related_name="material_limits")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    max_thickness_mm = models.DecimalField(_("max thickness (mm)"), max_digits=8,
                                           decimal_places=2, **POSITIVE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["capability", "material"],
                                    name="capability_material_unique"),
            models.CheckConstraint(
                condition=Q(max_thickness_mm__isnull=True) | Q(max_thickness_mm__gt=0),
                name="capability_material_thickness_positive"),
        ]

    def __str__(self):
        return f"{self.capability} – {self.material}"


