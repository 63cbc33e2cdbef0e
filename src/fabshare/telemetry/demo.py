"""Demo machines with a connection and five weeks of history, so the machine pages show
charts, KPIs and idle-time proposals right away; ``fabshare simulate-machines`` (with the
ingest workers and a broker) then makes them live.

The history is written straight into the telemetry tables (live ingest refuses timestamps
older than a week, as it should); the intervals are derived exactly as ingest derives them.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fabshare.catalog.demo import actor_email
from fabshare.catalog.models import Resource, ResourceKind
from fabshare.network.demo import DemoContext
from fabshare.telemetry import services
from fabshare.telemetry import states as S
from fabshare.telemetry.ingest import rebuild_intervals
from fabshare.telemetry.models import MachineLink, StateMessage
from fabshare.telemetry.simulator import events

# organization, number of machines to connect, protocol of each, profile of each
CONNECTED = (
    ("Kolenspoor Precision NV", ("mqtt", "opcua", "mqtt"), ("two-shift", "one-shift",
                                                             "round-the-clock")),
    ("Haspengouw Laserwerk BV", ("mqtt", "http"), ("one-shift", "two-shift")),
)
HISTORY = timedelta(weeks=5)


def seed(ctx: DemoContext) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    count = 0
    for organization_name, protocols, profiles in CONNECTED:
        organization = ctx.organizations.get(organization_name)
        if organization is None:
            continue
        actor = ctx.users[actor_email(organization_name)]
        machines = Resource.objects.filter(organization=organization,
                                           kind=ResourceKind.MACHINE).order_by("pk")
        for index, (resource, protocol, profile) in enumerate(
                zip(machines, protocols, profiles, strict=False)):
            fields = {"planned_seconds_per_unit": 55}
            if protocol == "opcua":
                fields.update(opcua_endpoint="opc.tcp://127.0.0.1:4840/fabshare/")
            link, _token = services.link_create(
                actor=actor, resource=resource, name=f"{resource.name} ({protocol})",
                protocol=protocol, auto_publish=index == 0, auto_publish_confidence=0.95,
                **fields, **({"opcua_state_node": "ns=2;s=pending"}
                             if protocol == "opcua" else {}))
            if protocol == "opcua":
                ids = {role: f"ns=2;s={link.key}.{role}" for role in (
                    "ItemState", "OperationMode", "Good", "Scrap")}
                services.link_update(actor=actor, link=link,
                                     opcua_state_node=ids["ItemState"],
                                     opcua_mode_node=ids["OperationMode"],
                                     opcua_good_node=ids["Good"], opcua_scrap_node=ids["Scrap"])
            _history(link, profile, now, seed=count + 1)
            services.proposals_refresh(link=link, now=now)
            count += 1
    ctx.summary.append(f"telemetry: {count} connected machines with 5 weeks of history")


def _history(link: MachineLink, profile: str, now, seed: int) -> None:
    rows = [StateMessage(link=link, key=f"demo:{i}", ts=e.ts,
                         state=S.map_state(e.raw) or S.UNKNOWN, raw_state=e.raw,
                         good=e.good or None, scrap=e.scrap or None, received_at=e.ts)
            for i, e in enumerate(events(profile, now - HISTORY, now, link.time_zone, seed))]
    StateMessage.objects.bulk_create(rows, batch_size=2000)
    if rows:
        rebuild_intervals(link.pk, rows[0].ts, now=now)
    MachineLink.objects.filter(pk=link.pk).update(
        accepted_count=len(rows), last_message_at=rows[-1].ts if rows else None)
