"""Every write of the telemetry app except message ingest (see ingest.py): machine links,
their HTTP tokens, idle-time proposals, publishing them as availability windows (through the
availability app's services) and withdrawing them when the machine turns out busy."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.availability import services as availability
from fabshare.availability.models import AvailabilityWindow
from fabshare.catalog.models import Resource
from fabshare.core.errors import Conflict, DomainError, reject_unknown_fields
from fabshare.network.audit import audit_record
from fabshare.network.models import Membership, Role, User
from fabshare.network.services import require_role
from fabshare.telemetry import idle
from fabshare.telemetry import states as S
from fabshare.telemetry.models import IdleProposal, MachineLink, StateInterval
from fabshare.telemetry.timeline import StateSpan

LINK_FIELDS = {"name", "protocol", "mqtt_topic", "opcua_endpoint", "opcua_state_node",
               "opcua_mode_node", "opcua_good_node", "opcua_scrap_node", "mapping",
               "planned_seconds_per_unit", "time_zone", "is_active", "auto_publish",
               "auto_publish_confidence"}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_link(data: dict) -> dict:
    data = dict(data)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise DomainError(_("Give the link a name."), field="name")
    if "protocol" in data and data["protocol"] not in MachineLink.Protocol.values:
        raise DomainError(_("Choose MQTT, OPC UA or HTTP."), field="protocol")
    if "mapping" in data:
        try:
            data["mapping"] = S.clean_mapping(data["mapping"] or {})
        except ValueError as exc:
            raise DomainError(str(exc), field="mapping") from None
    if "time_zone" in data:
        try:
            ZoneInfo(data["time_zone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise DomainError(_("Unknown time zone."), field="time_zone") from None
    if data.get("planned_seconds_per_unit") is not None:
        value = Decimal(str(data["planned_seconds_per_unit"]))
        if not Decimal("0.01") <= value <= Decimal("1000000"):
            raise DomainError(_("Give the planned time per part in seconds (0.01 to 1 000 000)."),
                              field="planned_seconds_per_unit")
        data["planned_seconds_per_unit"] = value
    if "auto_publish_confidence" in data and not 0.5 <= float(
            data["auto_publish_confidence"]) <= 1:
        raise DomainError(_("The minimum confidence lies between 0.5 and 1."),
                          field="auto_publish_confidence")
    for name in ("mqtt_topic", "opcua_endpoint", "opcua_state_node", "opcua_mode_node",
                 "opcua_good_node", "opcua_scrap_node"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if data.get("mqtt_topic") and any(c in data["mqtt_topic"] for c in "+#"):
        raise DomainError(_("Give one topic, without wildcards."), field="mqtt_topic")
    if data.get("opcua_endpoint") and not data["opcua_endpoint"].startswith("opc.tcp://"):
        raise DomainError(_("An OPC UA endpoint starts with opc.tcp://"), field="opcua_endpoint")
    return data


def _check_complete(link: MachineLink) -> None:
    if link.protocol == MachineLink.Protocol.OPCUA:
        if not link.opcua_endpoint:
            raise DomainError(_("Give the OPC UA endpoint."), field="opcua_endpoint")
        if not link.opcua_state_node:
            raise DomainError(_("Give the node id of the machine's state."),
                              field="opcua_state_node")


@transaction.atomic
def link_create(*, actor: User, resource: Resource, name: str, protocol: str,
                **fields) -> tuple[MachineLink, str]:
    """Connect a machine; returns the link and its HTTP ingest token (shown once)."""
    reject_unknown_fields(fields, LINK_FIELDS)
    require_role(actor, resource.organization, Role.ADMIN)
    data = _clean_link({"name": name, "protocol": protocol, **fields})
    link = MachineLink(resource=resource, **data)
    if link.protocol == MachineLink.Protocol.MQTT and not link.mqtt_topic:
        link.mqtt_topic = f"fabshare/machines/{link.key}/state"
    _check_complete(link)
    token = f"fsm_{secrets.token_urlsafe(32)}"
    link.token_digest, link.token_prefix = token_digest(token), token[:10]
    if link.auto_publish:
        link.auto_publish_by = actor
    link.save()
    audit_record(actor=actor, action="telemetry.link.create", target=link,
                 organization=resource.organization,
                 summary=f"{resource.name}: connected {link.name} ({link.protocol})")
    return link, token


@transaction.atomic
def link_update(*, actor: User, link: MachineLink, **changes) -> MachineLink:
    reject_unknown_fields(changes, LINK_FIELDS)
    require_role(actor, link.resource.organization, Role.ADMIN)
    data = _clean_link(changes)
    for name, value in data.items():
        setattr(link, name, value)
    _check_complete(link)
    fields = list(data)
    if data.get("auto_publish"):
        link.auto_publish_by = actor
        fields.append("auto_publish_by")
    link.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action="telemetry.link.update", target=link,
                 organization=link.resource.organization,
                 summary=f"{link.resource.name}: changed {link.name}: {', '.join(sorted(data))}")
    return link


@transaction.atomic
def link_token_rotate(*, actor: User, link: MachineLink) -> str:
    require_role(actor, link.resource.organization, Role.ADMIN)
    token = f"fsm_{secrets.token_urlsafe(32)}"
    link.token_digest, link.token_prefix = token_digest(token), token[:10]
    link.save(update_fields=["token_digest", "token_prefix", "updated_at"])
    audit_record(actor=actor, action="telemetry.link.token", target=link,
                 organization=link.resource.organization,
                 summary=f"{link.resource.name}: new ingest token for {link.name}")
    return token


@transaction.atomic
def link_delete(*, actor: User, link: MachineLink) -> None:
    require_role(actor, link.resource.organization, Role.ADMIN)
    audit_record(actor=actor, action="telemetry.link.delete", target=link,
                 organization=link.resource.organization,
                 summary=f"{link.resource.name}: removed {link.name} and its history")
    link.delete()


# --- idle-time proposals ---------------------------------------------------------------------


def spans_of(link: MachineLink, start: datetime, end: datetime) -> list[StateSpan]:
    return [StateSpan(s, e, state) for s, e, state in StateInterval.objects.filter(
        link=link, start__lt=end).exclude(end__lte=start).order_by("start").values_list(
        "start", "end", "state")]


@transaction.atomic
def proposals_refresh(*, link: MachineLink, now: datetime | None = None,
                      options: idle.PatternOptions | None = None) -> list[IdleProposal]:
    """Learn the link's idle pattern and replace its open (not yet published) proposals; with
    the auto-publish policy on, publish those at or above its confidence."""
    now = now or timezone.now()
    options = options or idle.PatternOptions()
    pattern = idle.learn(spans_of(link, now - timedelta(weeks=options.weeks), now), now,
                         link.time_zone, options)
    windows = idle.propose(pattern, now, options)
    IdleProposal.objects.filter(link=link, status=IdleProposal.Status.PROPOSED).delete()
    taken = list(IdleProposal.objects.filter(
        link=link, status=IdleProposal.Status.PUBLISHED, end__gt=now).values_list("start", "end"))
    created = IdleProposal.objects.bulk_create(
        IdleProposal(link=link, start=w.start, end=w.end, confidence=w.confidence)
        for w in windows if not any(s < w.end and e > w.start for s, e in taken))
    if link.auto_publish and link.auto_publish_by_id:
        actor = link.auto_publish_by
        for proposal in created:
            if proposal.confidence >= link.auto_publish_confidence:
                proposal_publish(actor=actor, proposal=proposal)
    return created


@transaction.atomic
def proposal_publish(*, actor: User, proposal: IdleProposal) -> AvailabilityWindow:
    """Offer the proposed window as availability, marked as coming from machine data."""
    resource = proposal.link.resource
    require_role(actor, resource.organization, Role.ADMIN)
    proposal = IdleProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != IdleProposal.Status.PROPOSED:
        raise Conflict(_("This proposal was already published, dismissed or withdrawn."))
    window = availability.window_create(
        actor=actor, resource=resource, start=proposal.start, end=proposal.end,
        note=_("Idle by machine data (confidence %(pct)d %%)")
        % {"pct": round(proposal.confidence * 100)},
        source=AvailabilityWindow.Source.MACHINE)
    proposal.status, proposal.window, proposal.published_by = (
        IdleProposal.Status.PUBLISHED, window, actor)
    proposal.save(update_fields=["status", "window", "published_by", "updated_at"])
    return window


@transaction.atomic
def proposal_dismiss(*, actor: User, proposal: IdleProposal) -> None:
    require_role(actor, proposal.link.resource.organization, Role.ADMIN)
    if proposal.status != IdleProposal.Status.PROPOSED:
        raise Conflict(_("Only an open proposal can be dismissed."))
    proposal.status = IdleProposal.Status.DISMISSED
    proposal.save(update_fields=["status", "updated_at"])


def _system_actor(proposal: IdleProposal) -> User:
    """Who withdraws a window when the machine turns busy: whoever published it while they
    still administer the organization, else an owner (an organization always has one)."""
    organization = proposal.link.resource.organization
    admins = Membership.objects.filter(organization=organization,
                                       role__in=[Role.ADMIN, Role.OWNER])
    if proposal.published_by_id and admins.filter(user_id=proposal.published_by_id).exists():
        return proposal.published_by
    return admins.order_by("-role", "pk").select_related("user").first().user


@transaction.atomic
def proposals_withdraw(*, proposal_ids: list[int]) -> int:
    """The machine is busy inside these published windows: take them off the market before
    anyone books them."""
    count = 0
    for proposal in IdleProposal.objects.select_for_update(of=("self",)).select_related(
            "link__resource__organization", "window").filter(
            pk__in=proposal_ids, status=IdleProposal.Status.PUBLISHED).order_by("pk"):
        if proposal.window is not None:
            availability.window_delete(actor=_system_actor(proposal), window=proposal.window)
        proposal.status, proposal.window = IdleProposal.Status.WITHDRAWN, None
        proposal.save(update_fields=["status", "window", "updated_at"])
        count += 1
    return count


def proposals_check(*, now: datetime | None = None) -> int:
    """Withdraw published windows that have begun while their machine is busy (a job that
    started before the window and runs on sends no new message)."""
    now = now or timezone.now()
    hit = []
    for proposal in IdleProposal.objects.filter(status=IdleProposal.Status.PUBLISHED,
                                                start__lte=now, end__gt=now):
        current = (StateInterval.objects.filter(link_id=proposal.link_id, start__lte=now)
                   .order_by("-start").first())
        if current and current.end is None and current.state in S.BUSY_STATES:
            hit.append(proposal.pk)
    return proposals_withdraw(proposal_ids=hit) if hit else 0
