"""Connected machines: links to their data sources, the messages they send, the state
intervals derived from them, rejected messages and idle-time proposals."""

import secrets

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fabshare.availability.models import AvailabilityWindow
from fabshare.catalog.models import Resource
from fabshare.core.models import TimeStampedModel
from fabshare.network.models import User
from fabshare.telemetry import states as S


def new_link_key() -> str:
    return secrets.token_urlsafe(12)


class State(models.TextChoices):
    RUNNING = S.RUNNING, _("Running")
    IDLE = S.IDLE, _("Idle")
    SETUP = S.SETUP, _("Setup")
    MAINTENANCE = S.MAINTENANCE, _("Maintenance")
    DOWN = S.DOWN, _("Down")
    OFFLINE = S.OFFLINE, _("Offline")
    UNKNOWN = S.UNKNOWN, _("Unknown")


class MachineLink(TimeStampedModel):
    """Where a resource's state comes from, and how raw values map onto fabshare states."""

    class Protocol(models.TextChoices):
        MQTT = "mqtt", _("MQTT topic")
        OPCUA = "opcua", _("OPC UA server")
        HTTP = "http", _("HTTP ingest")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE,
                                 related_name="machine_links")
    name = models.CharField(_("name"), max_length=100)
    protocol = models.CharField(_("protocol"), max_length=5, choices=Protocol.choices)
    key = models.CharField(max_length=32, unique=True, default=new_link_key)
    # HTTP ingest: a bearer token, stored as its SHA-256 digest.
    token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    token_prefix = models.CharField(max_length=12, blank=True)
    mqtt_topic = models.CharField(_("MQTT topic"), max_length=200, blank=True)
    opcua_endpoint = models.CharField(_("OPC UA endpoint"), max_length=300, blank=True)
    opcua_state_node = models.CharField(_("item state node id"), max_length=200, blank=True)
    opcua_mode_node = models.CharField(_("operation mode node id"), max_length=200, blank=True)
    opcua_good_node = models.CharField(_("good parts counter node id"), max_length=200,
                                       blank=True)
    opcua_scrap_node = models.CharField(_("scrap parts counter node id"), max_length=200,
                                        blank=True)
    mapping = models.JSONField(_("state mapping"), default=dict, blank=True)
    planned_seconds_per_unit = models.DecimalField(
        _("planned run time per part (s)"), max_digits=9, decimal_places=2, null=True,
        blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    is_active = models.BooleanField(_("active"), default=True)
    # Idle-time policy: publish proposals at or above this confidence without asking.
    auto_publish = models.BooleanField(_("publish idle windows automatically"), default=False)
    auto_publish_confidence = models.FloatField(_("minimum confidence"), default=0.9)
    auto_publish_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    # Last message received and counters (updated by the ingest workers, batch by batch).
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_payload = models.TextField(blank=True)
    accepted_count = models.PositiveBigIntegerField(default=0)
    rejected_count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("machine link")
        verbose_name_plural = _("machine links")
        ordering = ["name"]
        constraints = [models.CheckConstraint(
            condition=Q(auto_publish_confidence__gte=0, auto_publish_confidence__lte=1),
            name="link_auto_confidence_range")]

    def __str__(self):
        return f"{self.resource}: {self.name}"


class StateMessage(models.Model):
    """An accepted message, stored once: (link, key) is unique, so a repeat changes nothing."""

    # No index of its own: the unique (link, key) and the (link, ts) index lead with the link,
    # and every message on the ingest path would pay for a third one. No foreign-key
    # constraint in the database either: ingest.store locks the batch's links instead of a
    # check per message, and deleting a link waits for that lock, then deletes its messages
    # (apps.py).
    link = models.ForeignKey(MachineLink, on_delete=models.CASCADE, related_name="messages",
                             db_index=False, db_constraint=False)
    key = models.CharField(max_length=66)
    ts = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices)
    raw_state = models.CharField(max_length=64)
    good = models.PositiveIntegerField(null=True)
    scrap = models.PositiveIntegerField(null=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "key"], name="message_once")]
        indexes = [models.Index(fields=["link", "ts"])]

    def __str__(self):
        return f"{self.ts:%Y-%m-%d %H:%M:%S} {self.state}"


class StateInterval(models.Model):
    """Derived from the messages: the machine was in ``state`` from start to end (end empty:
    still is)."""

    # The (link, start) index serves it; no constraint in the database (see StateMessage).
    link = models.ForeignKey(MachineLink, on_delete=models.CASCADE, related_name="intervals",
                             db_index=False, db_constraint=False)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True)
    state = models.CharField(max_length=12, choices=State.choices)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["link", "start"])]
        constraints = [models.CheckConstraint(
            condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="interval_end_after")]

    def __str__(self):
        return f"{self.state} from {self.start:%Y-%m-%d %H:%M}"


class RejectedMessage(models.Model):
    """A message that was not accepted, kept with its reason for the provider."""

    link = models.ForeignKey(MachineLink, on_delete=models.CASCADE, null=True,
                             related_name="rejected")
    source = models.CharField(max_length=5)
    reason = models.CharField(max_length=20, db_index=True)
    detail = models.CharField(max_length=300)
    payload = models.TextField(blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["link", "received_at"])]

    def __str__(self):
        return f"{self.reason}: {self.detail}"


class IdleProposal(TimeStampedModel):
    """A window in which the machine's history says it will be idle."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn (machine busy)")
        DISMISSED = "dismissed", _("Dismissed")

    link = models.ForeignKey(MachineLink, on_delete=models.CASCADE, related_name="proposals")
    start = models.DateTimeField()
    end = models.DateTimeField()
    confidence = models.FloatField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    window = models.ForeignKey(AvailabilityWindow, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["link", "status", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="proposal_end_after_start")]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M} ({self.status})"
