"""Capacity requests: what a seeker needs made, in ordered steps, by when, where and for how
much. Requests start as drafts, are opened for matching and offers, and end matched or
closed."""

import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fabshare.catalog.models import Material, MaterialFamily, Process
from fabshare.core.models import TimeStampedModel
from fabshare.network.models import Certification, Organization, Site

POSITIVE = {"null": True, "blank": True}

DEFAULT_NDA_TEXT = _(
    "The provider keeps the drawings, specifications and all other information shared with "
    "this request confidential, uses them only to quote for and carry out this request, and "
    "does not pass them on to third parties. This obligation lasts five years."
)


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")


class CapacityRequest(TimeStampedModel):
    """A seeker organization's need, matched step by step against the catalog."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="capacity_requests",
        verbose_name=_("requester"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    earliest_start = models.DateField(_("earliest start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("delivery site"),
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    max_distance_km = models.PositiveIntegerField(
        _("maximum distance (km)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    certifications = models.ManyToManyField(
        Certification, blank=True, related_name="+", verbose_name=_("required certifications")
    )
    budget_cents = models.PositiveBigIntegerField(_("budget (cents)"), null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    nda_required = models.BooleanField(_("NDA required"), default=False)
    nda_text = models.TextField(_("NDA text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("capacity request")
        verbose_name_plural = _("capacity requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(earliest_start__isnull=True)
                | Q(deadline__gte=models.F("earliest_start")),
                name="capacity_request_deadline_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def nda_version(self) -> str:
        """Identifies the exact NDA text a provider accepts (a change needs a new acceptance)."""
        return hashlib.sha256(self.nda_text.encode()).hexdigest()[:16]

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


class RequestStep(models.Model):
    """One operation of a request, in order: the process, material, quantity and limits."""

    request = models.ForeignKey(CapacityRequest, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=1)
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("process"))
    material = models.ForeignKey(Material, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("material"))
    # "Stainless steel" without a grade: any material of the family will do.
    material_family = models.ForeignKey(
        MaterialFamily, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("material family"))
    quantity = models.PositiveIntegerField(_("quantity"), **POSITIVE)
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=7, decimal_places=1, **POSITIVE,
        validators=[MinValueValidator(0.1)],
    )
    part_x_mm = models.PositiveIntegerField(_("part length (mm)"), **POSITIVE)
    part_y_mm = models.PositiveIntegerField(_("part width (mm)"), **POSITIVE)
    part_z_mm = models.PositiveIntegerField(_("part height (mm)"), **POSITIVE)
    thickness_mm = models.DecimalField(_("thickness (mm)"), max_digits=8, decimal_places=2,
                                       **POSITIVE)
    tolerance_um = models.PositiveIntegerField(_("tolerance (µm)"), **POSITIVE)
    weight_kg = models.DecimalField(_("part weight (kg)"), max_digits=10, decimal_places=2,
                                    **POSITIVE)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="request_step_position"),
            models.CheckConstraint(
                condition=Q(estimated_hours__isnull=True) | Q(estimated_hours__gt=0),
                name="request_step_hours_positive"),
        ]

    def __str__(self):
        return f"{self.position}. {self.process}"


def _attachment_path(instance, filename):
    return f"requests/{instance.request_id}/{filename}"


class RequestAttachment(models.Model):
    """A drawing or specification (PDF, STEP, DXF). Providers see it only after accepting
    the request's NDA, where one is required."""

    request = models.ForeignKey(CapacityRequest, on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=4)  # pdf, step, dxf
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class NdaAcceptance(models.Model):
    """A provider organization accepted a request's NDA text: who, when and which version."""

    request = models.ForeignKey(CapacityRequest, on_delete=models.CASCADE,
                                related_name="nda_acceptances")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    version = models.CharField(max_length=16)
    text = models.TextField()
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "organization", "version"],
                                    name="nda_acceptance_unique"),
        ]

    def __str__(self):
        return f"{self.organization} accepted the NDA of {self.request}"
