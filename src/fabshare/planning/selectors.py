"""Reads of planning runs, and the planning input built from the platform's data.

Who sees a run: its creator, the operators of its network (for a network run), and the
members of the organizations whose requests it plans. Who may plan what is checked by
``services.run_create``; ``plannable_requests`` lists the candidates a form offers.

``planning_input`` turns open requests into a planning ``Instance`` (times in minutes from
``origin``):

- a job per request: release at its earliest start (never before ``origin``), deadline at the
  end of its deadline day (Brussels time), its steps in order;
- a step's eligible resources are its full matches (``matching.selectors.matches_for_step``,
  near misses left out, as the requester sees the market: ``bookings.services.viewer_for``)
  that have an hourly price and belong to another organization than the requester, at most
  ``MAX_OPTIONS`` best ranked; its duration is the step's estimated hours
  (``DEFAULT_STEP_HOURS`` when not given) on every resource, its cost their price for it;
- a resource's free windows are its free slots (availability; holds and bookings already taken
  out) inside the planning period, starting no earlier than its lead time allows; operations
  run inside one free slot (not split), as a booking request must;
- a resource stands at its site, else at its organization's main site; transport time between
  sites is the road distance (1.3 × straight line) at 50 km/h plus 45 minutes of handling
  (``TransportMatrix.from_coordinates``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fabshare.availability.selectors import free_slots
from fabshare.bookings.services import viewer_for
from fabshare.catalog.models import Resource
from fabshare.core.errors import NotFound
from fabshare.demand.models import CapacityRequest, RequestStatus, RequestStep
from fabshare.matching.selectors import DEFAULT_ZONE, matches_for_step
from fabshare.network.models import Membership, NetworkMembership, NetworkMembershipStatus
from fabshare.planning import model
from fabshare.planning.models import PlanningRun

DEFAULT_STEP_HOURS = Decimal(8)
MAX_OPTIONS = 8
PERIOD_AFTER_LAST_DATE = timedelta(days=28)
MAX_PERIOD = timedelta(days=180)


def _my_org_ids(user):
    return Membership.objects.filter(user=user).values("organization_id")


def runs_visible_to(user) -> QuerySet[PlanningRun]:
    if not getattr(user, "is_authenticated", False):
        return PlanningRun.objects.none()
    if user.is_superuser:
        return PlanningRun.objects.all()
    return PlanningRun.objects.filter(
        Q(created_by=user) | Q(network__operators=user)
        | Q(requests__organization__in=_my_org_ids(user))).distinct()


def get_run_for_user(user, pk: int) -> PlanningRun:
    run = (runs_visible_to(user).select_related("network", "created_by", "accepted_by")
           .filter(pk=pk).first())
    if run is None:
        raise NotFound(_("Planning run not found."))
    return run


def plannable_requests(user) -> QuerySet[CapacityRequest]:
    """Open requests with steps the user may plan: their own organizations' and, for a network
    operator, those of the organizations admitted to the networks they operate."""
    if not getattr(user, "is_authenticated", False):
        return CapacityRequest.objects.none()
    operated = NetworkMembership.objects.filter(
        network__operators=user, status=NetworkMembershipStatus.APPROVED
    ).values("organization_id")
    return (CapacityRequest.objects
            .filter(status=RequestStatus.OPEN, steps__isnull=False)
            .filter(Q(organization__in=_my_org_ids(user)) | Q(organization__in=operated))
            .select_related("organization").prefetch_related("steps__process")
            .distinct().order_by("deadline", "pk"))


# --- the planning input -----------------------------------------------------------------------


@dataclass
class PlanningInput:
    """An instance and what its identifiers stand for."""

    instance: model.Instance
    origin: datetime
    end: datetime
    requests: dict[str, CapacityRequest] = field(default_factory=dict)
    steps: dict[tuple[str, str], RequestStep] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    sites: dict[str, str] = field(default_factory=dict)
    eligible: dict[tuple[str, str], int] = field(default_factory=dict)
    step_hours: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def minutes(self, moment: datetime, *, up: bool = False) -> int:
        value = (moment - self.origin).total_seconds() / 60
        return math.ceil(value) if up else math.floor(value)

    def moment(self, minutes: int) -> datetime:
        return self.origin + timedelta(minutes=minutes)


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(DEFAULT_ZONE))


def job_id(request: CapacityRequest) -> str:
    return f"r{request.pk}"


def step_id(step: RequestStep) -> str:
    return f"s{step.pk}"


def planning_input(requests: list[CapacityRequest], *, user, origin: datetime,
                   objective: str = model.Objective.MAKESPAN) -> PlanningInput:
    """The planning instance for ``requests`` as ``user`` sees the market (see the module
    docstring). Reads only."""
    dates = [origin]
    for request in requests:
        if request.earliest_start:
            dates.append(_day_start(request.earliest_start))
        if request.deadline:
            dates.append(_day_start(request.deadline + timedelta(days=1)))
    end = min(max(dates) + PERIOD_AFTER_LAST_DATE, origin + MAX_PERIOD)
    data = PlanningInput(instance=None, origin=origin, end=end)  # type: ignore[arg-type]

    jobs = []
    for request in requests:
        jid = job_id(request)
        data.requests[jid] = request
        viewer = viewer_for(user, request.organization)
        steps = []
        for step in request.steps.all():
            sid = step_id(step)
            data.steps[(jid, sid)] = step
            hours = step.estimated_hours or DEFAULT_STEP_HOURS
            data.step_hours[(jid, sid)] = hours
            duration = max(1, math.ceil(hours * 60))
            options = []
            rows = [row for row in matches_for_step(step, user=viewer, now=origin)
                    if not row.near_miss
                    and row.resource.organization_id != request.organization_id
                    and row.resource.price_per_hour_cents is not None
                    and row.resource.is_active]
            data.eligible[(jid, sid)] = len(rows)
            for row in rows[:MAX_OPTIONS]:
                data.resources[str(row.resource.pk)] = row.resource
                cost = math.ceil(row.resource.price_per_hour_cents * hours)
                options.append(model.Option(str(row.resource.pk), duration, cost))
            steps.append(model.Step(sid, tuple(options), name=str(step.process)))
        release = 0
        if request.earliest_start:
            release = max(0, data.minutes(_day_start(request.earliest_start), up=True))
        deadline = None
        if request.deadline:
            deadline = data.minutes(_day_start(request.deadline + timedelta(days=1)))
        jobs.append(model.Job(jid, tuple(steps), release=release, deadline=deadline,
                              name=request.title))

    resources, sites = _resources_and_sites(data)
    transport = model.TransportMatrix.from_coordinates(sites)
    data.instance = model.Instance(
        jobs=tuple(jobs), resources=tuple(resources), sites=tuple(sites), transport=transport,
        objective=model.Objective(objective), horizon=max(1, data.minutes(end)),
        name=f"plan from {origin:%Y-%m-%d %H:%M}")
    return data


def _resources_and_sites(data: PlanningInput) -> tuple[list[model.Resource], list[model.Site]]:
    loaded = (Resource.objects.filter(pk__in=[int(pk) for pk in data.resources])
              .select_related("site", "organization").prefetch_related("organization__sites"))
    sites: dict[str, model.Site] = {}
    resources = []
    for resource in loaded:
        site = resource.site or next(iter(resource.organization.sites.all()), None)
        site_key = None
        if site is not None:
            site_key = f"site{site.pk}"
            sites[site_key] = model.Site(site_key, site.city or site.name,
                                         site.latitude, site.longitude)
            data.sites[site_key] = site.city or site.name
        earliest = data.origin + timedelta(days=resource.lead_time_days)
        windows = []
        for start, end in free_slots(resource, max(earliest, data.origin), data.end):
            a, b = data.minutes(start, up=True), data.minutes(end)
            if a < b:
                windows.append(model.Window(a, b))
        data.resources[str(resource.pk)] = resource
        resources.append(model.Resource(str(resource.pk), site=site_key,
                                        windows=tuple(windows), name=resource.name))
    return resources, list(sites.values())
