"""Reads of the telemetry app, scoped to the acting user.

Machine data (states, KPIs, rejected messages, proposals) is the organization's business: its
members read it, its admins change links and publish proposals. Someone who may see the
resource but is not a member gets a 403; someone who may not see it, a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.catalog import selectors as catalog_selectors
from fabshare.catalog.models import Resource
from fabshare.core.errors import NotFound
from fabshare.network.models import Organization, Role
from fabshare.telemetry import kpi
from fabshare.telemetry import states as S
from fabshare.telemetry.models import (
    IdleProposal,
    MachineLink,
    RejectedMessage,
    StateInterval,
    StateMessage,
)
from fabshare.telemetry.timeline import StateSpan, clip


def get_link_for_role(user, pk: int, minimum: str = Role.ADMIN) -> MachineLink:
    link = MachineLink.objects.select_related("resource__organization").filter(
        pk=pk, resource__in=catalog_selectors.resources_visible_to(user).values("pk")).first()
    if link is None:
        raise NotFound(_("Machine link not found."))
    catalog_selectors.require_role_in(user, link.resource.organization, minimum)
    return link


def get_proposal_for_role(user, pk: int, minimum: str = Role.ADMIN) -> IdleProposal:
    proposal = IdleProposal.objects.select_related("link").filter(pk=pk).first()
    if proposal is None:
        raise NotFound(_("Proposal not found."))
    get_link_for_role(user, proposal.link_id, minimum)
    return proposal


def links_of(resource: Resource) -> QuerySet[MachineLink]:
    return MachineLink.objects.filter(resource=resource).order_by("name", "pk")


def links_of_organization(organization: Organization) -> QuerySet[MachineLink]:
    return MachineLink.objects.filter(resource__organization=organization).select_related(
        "resource").order_by("resource__name", "name")


def spans(link: MachineLink, start: datetime, end: datetime,
          now: datetime | None = None) -> list[StateSpan]:
    """The link's states in [start, end); the current state lasts until now, and time without
    data is unknown."""
    now = now or timezone.now()
    rows = StateInterval.objects.filter(link=link, start__lt=end).exclude(
        end__lte=start).order_by("start").values_list("start", "end", "state")
    return clip([StateSpan(s, e, state) for s, e, state in rows], start, end,
                open_until=min(now, end))


def current_state(link: MachineLink) -> tuple[str, datetime | None]:
    row = StateInterval.objects.filter(link=link).order_by("-start").values_list(
        "state", "start").first()
    return row if row else (S.UNKNOWN, None)


def counters(link: MachineLink, start: datetime, end: datetime) -> tuple[int, int]:
    totals = StateMessage.objects.filter(link=link, ts__gte=start, ts__lt=end).aggregate(
        good=Sum("good"), scrap=Sum("scrap"))
    return totals["good"] or 0, totals["scrap"] or 0


def kpis(link: MachineLink, kind: str, start: datetime, end: datetime,
         now: datetime | None = None) -> list[kpi.Kpis]:
    """ISO 22400 KPIs per local day, shift or week overlapping [start, end)."""
    now = now or timezone.now()
    rows = list(kpi.periods(kind, start, end, link.time_zone))
    if not rows:
        return []
    history = spans(link, rows[0][1], rows[-1][2], now)
    per_unit = float(link.planned_seconds_per_unit) if link.planned_seconds_per_unit else None
    counts = StateMessage.objects.filter(link=link, ts__gte=rows[0][1], ts__lt=rows[-1][2]
                                         ).exclude(good=None, scrap=None).values_list(
        "ts", "good", "scrap")
    out = []
    counts = list(counts)
    for label, s, e in rows:
        good = sum(g or 0 for ts, g, _x in counts if s <= ts < e)
        scrap = sum(x or 0 for ts, _g, x in counts if s <= ts < e)
        out.append(kpi.kpis(history, s, e, label=label, good=good, scrap=scrap,
                            planned_seconds_per_unit=per_unit, open_until=now))
    return out


def rejected(link: MachineLink, limit: int = 50) -> list[RejectedMessage]:
    return list(RejectedMessage.objects.filter(link=link)[:limit])


def proposals(link: MachineLink, now: datetime | None = None) -> QuerySet[IdleProposal]:
    now = now or timezone.now()
    return IdleProposal.objects.filter(link=link, end__gt=now).exclude(
        status=IdleProposal.Status.DISMISSED).order_by("start")


@dataclass
class Charts:
    """Plotly figures as plain dicts (serialized into the page; plotly.js draws them)."""

    timeline: dict
    trend: dict
    idle_weeks: dict


STATE_COLOURS = {S.RUNNING: "#2e7d32", S.IDLE: "#9e9e9e", S.SETUP: "#f9a825",
                 S.MAINTENANCE: "#6a1b9a", S.DOWN: "#c62828", S.OFFLINE: "#455a64",
                 S.UNKNOWN: "#e0e0e0"}


def _layout(title: str, **extra) -> dict:
    return {"title": {"text": title}, "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
            "height": 280, **extra}


# Charts of several machines: the legend goes under the plot, so long machine names never
# squeeze the plot itself into a corner.
LEGEND_BELOW = {"legend": {"orientation": "h", "y": -0.25, "yanchor": "top"},
                "margin": {"l": 60, "r": 20, "t": 40, "b": 20}, "height": 360}


def _trace_name(link: MachineLink, links: list[MachineLink]) -> str:
    """The machine's name in a chart of several (the link's own name where it names the
    machine already), else the link's."""
    if len(links) == 1 or link.resource.name in link.name:
        return link.name
    return f"{link.resource.name} · {link.name}"


def charts(links: list[MachineLink], *, now: datetime | None = None, days: int = 7,
           weeks: int = 6) -> Charts:
    """State timeline of the last ``days``, daily availability over the last 4 weeks and idle
    hours per ISO week, for one or more machines."""
    from fabshare.telemetry.models import State

    now = now or timezone.now()
    labels = dict(State.choices)
    start = now - timedelta(days=days)
    bars: dict[str, dict] = {}
    for link in links:
        name = _trace_name(link, links)
        for span in spans(link, start, now, now):
            trace = bars.setdefault(span.state, {
                "type": "bar", "orientation": "h", "name": str(labels[span.state]),
                "marker": {"color": STATE_COLOURS[span.state]}, "x": [], "base": [], "y": [],
                "hovertemplate": "%{base|%a %d %b %H:%M} + %{x:.0f} ms<extra>%{fullData.name}"
                                 "</extra>"})
            trace["x"].append((span.end - span.start).total_seconds() * 1000)
            trace["base"].append(span.start.isoformat())
            trace["y"].append(name)
    timeline = {"data": [bars[s] for s in S.STATES if s in bars],
                "layout": _layout(_("States, last %(days)d days") % {"days": days},
                                  barmode="overlay", xaxis={"type": "date"},
                                  yaxis={"automargin": True})}
    trend_traces, idle_traces = [], []
    for link in links:
        name = _trace_name(link, links)
        days_kpis = kpis(link, "day", now - timedelta(days=28), now, now)
        trend_traces.append({
            "type": "scatter", "mode": "lines+markers", "name": name,
            "x": [k.label for k in days_kpis],
            "y": [None if k.availability is None else round(k.availability * 100, 1)
                  for k in days_kpis]})
        week_kpis = kpis(link, "week", now - timedelta(weeks=weeks), now, now)
        idle_traces.append({
            "type": "bar", "name": name, "x": [k.label for k in week_kpis],
            "y": [round((k.elements.idle + k.elements.offline) / 3600, 1)
                  for k in week_kpis]})
    below = LEGEND_BELOW if len(links) > 1 else {}
    trend = {"data": trend_traces, "layout": _layout(
        _("Availability (APT/PBT) per day, %"), yaxis={"range": [0, 100]}, **below)}
    idle_weeks = {"data": idle_traces, "layout": _layout(
        _("Idle hours per week (idle or switched off)"), barmode="group", **below)}
    return Charts(timeline=timeline, trend=trend, idle_weeks=idle_weeks)

