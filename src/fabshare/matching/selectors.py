"""Gathering candidates for a request step in SQL, then ranking them (``matching.ranking``).

``candidates_for_step`` is the one selector that narrows in SQL: capabilities for the step's
process or any process below it, of active resources the viewer may see (never the
requester's own), inside the search radius, failing at most one of the static limits
(envelope, thickness, tolerance, weight, material, certifications) — ordered by distance and
cut at ``CANDIDATE_LIMIT``; then one aggregate query adds each one's free time in the step's
window. Everything after that is pure ranking.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from fabshare.availability.selectors import resources_with_free_time
from fabshare.catalog.models import Capability, CapabilityMaterial, Process, Resource
from fabshare.catalog.selectors import resources_visible_to
from fabshare.core.geo import bounding_box, haversine_km
from fabshare.demand.models import CapacityRequest, RequestStep
from fabshare.demand.selectors import open_requests_for_providers
from fabshare.matching import ranking
from fabshare.network.models import Membership, Organization, Site

CANDIDATE_LIMIT = 200
DEFAULT_WINDOW = timedelta(weeks=8)  # a request without a deadline looks 8 weeks ahead
DEFAULT_ZONE = "Europe/Brussels"

# Higher apps (bookings) report providers' ratings: organization ids -> {id: (average, count)}.
ReputationSource = Callable[[list[int]], dict[int, tuple[float, int]]]
_reputation_sources: list[ReputationSource] = []


def register_reputation(source: ReputationSource) -> None:
    if source not in _reputation_sources:
        _reputation_sources.append(source)


def reputation_of(organization_ids: list[int]) -> dict[int, tuple[float, int]]:
    result: dict[int, tuple[float, int]] = {}
    for source in _reputation_sources:
        result.update(source(organization_ids))
    return result


@dataclass(frozen=True)
class MatchRow:
    """A ranked match with what a page shows about the resource."""

    match: ranking.Match
    resource: Resource
    step: RequestStep

    @property
    def near_miss(self) -> bool:
        return self.match.near_miss


def step_window(request: CapacityRequest, *, now: datetime | None = None
                ) -> tuple[datetime, datetime]:
    """The request's [earliest start, end of the deadline day) in Brussels time, never
    starting in the past."""
    now = now or timezone.now()
    zone = ZoneInfo(DEFAULT_ZONE)
    start = now
    if request.earliest_start:
        start = max(now, datetime.combine(request.earliest_start, time.min, zone))
    if request.deadline:
        end = datetime.combine(request.deadline + timedelta(days=1), time.min, zone)
    else:
        end = start + DEFAULT_WINDOW
    return start, max(end, start)


def request_location(request: CapacityRequest) -> tuple[float, float] | None:
    if request.latitude is not None and request.longitude is not None:
        return request.latitude, request.longitude
    if request.site_id:
        return request.site.latitude, request.site.longitude
    return None


def need_of(step: RequestStep, *, now: datetime | None = None) -> ranking.Need:
    request = step.request
    start, end = step_window(request, now=now)
    steps = max(1, len(request.steps.all()))
    return ranking.Need(
        start=start, end=end, hours=step.estimated_hours,
        part_mm=(step.part_x_mm, step.part_y_mm, step.part_z_mm),
        thickness_mm=step.thickness_mm, tolerance_um=step.tolerance_um,
        weight_kg=step.weight_kg, material_id=step.material_id,
        certification_ids=frozenset(c.pk for c in request.certifications.all()),
        budget_cents=request.budget_cents // steps if request.budget_cents else None,
        max_distance_km=float(request.max_distance_km) if request.max_distance_km else None,
    )


def _descendant_ids(process_id: int) -> list[int]:
    parent_of = dict(Process.objects.values_list("pk", "parent_id"))
    result = []
    for pk in parent_of:
        node = pk
        while node is not None and node != process_id:
            node = parent_of.get(node)
        if node == process_id:
            result.append(pk)
    return result


def _failure(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _capability_rows(step: RequestStep, need: ranking.Need, *, user,
                     resources: QuerySet | None, location) -> list[dict]:
    request = step.request
    caps = Capability.objects.filter(
        process_id__in=_descendant_ids(step.process_id),
        resource__is_active=True,
        resource__in=(resources if resources is not None else resources_visible_to(user)),
    ).exclude(resource__organization_id=request.organization_id)
    # The resource's site, else its organization's main site.
    main = Site.objects.filter(organization=OuterRef("resource__organization")).order_by(
        "-is_main", "pk")
    caps = caps.annotate(
        lat=Coalesce(F("resource__site__latitude"), Subquery(main.values("latitude")[:1]),
                     output_field=FloatField()),
        lon=Coalesce(F("resource__site__longitude"), Subquery(main.values("longitude")[:1]),
                     output_field=FloatField()),
    )
    if location and need.max_distance_km:
        box = bounding_box(location[0], location[1], need.max_distance_km)
        caps = caps.filter(lat__gte=box.min_lat, lat__lte=box.max_lat,
                           lon__gte=box.min_lon, lon__lte=box.max_lon)
    failures = Value(0, output_field=IntegerField())
    dims = [d for d in need.part_mm if d]
    if dims:
        envelope = Greatest(Coalesce("envelope_x_mm", 0), Coalesce("envelope_y_mm", 0),
                            Coalesce("envelope_z_mm", 0))
        caps = caps.annotate(envelope_max=envelope)
        failures = failures + _failure(Q(envelope_max__gt=0, envelope_max__lt=max(dims)))
    if need.thickness_mm is not None:
        failures = failures + _failure(Q(max_thickness_mm__lt=need.thickness_mm))
    if need.tolerance_um is not None:
        failures = failures + _failure(Q(tolerance_um__gt=need.tolerance_um))
    if need.weight_kg is not None:
        failures = failures + _failure(Q(max_weight_kg__lt=need.weight_kg))
    if need.material_id is not None:
        listed = CapabilityMaterial.objects.filter(capability=OuterRef("pk"))
        caps = caps.annotate(
            lists_materials=Exists(listed),
            handles_material=Exists(listed.filter(material_id=need.material_id)),
            material_thickness=Subquery(listed.filter(material_id=need.material_id)
                                        .values("max_thickness_mm")[:1]),
        )
        failures = failures + _failure(Q(lists_materials=True, handles_material=False))
    for cert in sorted(need.certification_ids):
        held = (Exists(Organization.certifications.through.objects.filter(
                    organization=OuterRef("resource__organization"), certification_id=cert))
                | Exists(Resource.accreditations.through.objects.filter(
                    resource=OuterRef("resource"), certification_id=cert)))
        failures = failures + _failure(~Q(held))
    caps = caps.annotate(failures=failures).filter(failures__lte=1)
    if location:
        lat0, lon0 = location
        k = math.cos(math.radians(lat0)) ** 2
        caps = caps.annotate(d2=(F("lat") - lat0) * (F("lat") - lat0)
                             + (F("lon") - lon0) * (F("lon") - lon0) * k)
        caps = caps.order_by(F("d2").asc(nulls_last=True), "resource_id")
    else:
        caps = caps.order_by("resource_id")
    fields = ["pk", "resource_id", "resource__organization_id", "envelope_x_mm",
              "envelope_y_mm", "envelope_z_mm", "max_thickness_mm", "tolerance_um",
              "max_weight_kg", "lat", "lon", "failures"]
    if need.material_id is not None:
        fields += ["lists_materials", "handles_material", "material_thickness"]
    return list(caps.values(*fields)[: CANDIDATE_LIMIT * 2])


def _certifications_held(org_ids: Iterable[int], resource_ids: Iterable[int]
                         ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    by_org: dict[int, set[int]] = {}
    for org, cert in Organization.certifications.through.objects.filter(
            organization_id__in=list(org_ids)).values_list("organization_id",
                                                          "certification_id"):
        by_org.setdefault(org, set()).add(cert)
    by_resource: dict[int, set[int]] = {}
    for res, cert in Resource.accreditations.through.objects.filter(
            resource_id__in=list(resource_ids)).values_list("resource_id", "certification_id"):
        by_resource.setdefault(res, set()).add(cert)
    return by_org, by_resource


def candidates_for_step(step: RequestStep, *, user, now: datetime | None = None,
                        resources: QuerySet | None = None
                        ) -> tuple[ranking.Need, list[ranking.Candidate]]:
    """The facts about every resource that may serve ``step`` for ``user`` (see the module
    docstring); ``resources`` narrows further (a provider's own, for their inbox)."""
    now = now or timezone.now()
    need = need_of(step, now=now)
    location = request_location(step.request)
    rows = _capability_rows(step, need, user=user, resources=resources, location=location)
    best: dict[int, dict] = {}
    for row in rows:  # the first row per resource is its nearest, fewest-failures capability
        current = best.get(row["resource_id"])
        if current is None or row["failures"] < current["failures"]:
            best[row["resource_id"]] = row
    chosen = list(best.values())
    if location and need.max_distance_km:
        for row in chosen:
            row["distance"] = (haversine_km(location[0], location[1], row["lat"], row["lon"])
                               if row["lat"] is not None else None)
        chosen = [r for r in chosen if r["distance"] is not None
                  and r["distance"] <= need.max_distance_km]
    elif location:
        for row in chosen:
            row["distance"] = (haversine_km(location[0], location[1], row["lat"], row["lon"])
                               if row["lat"] is not None else None)
    else:
        for row in chosen:
            row["distance"] = None
    chosen = chosen[:CANDIDATE_LIMIT]
    ids = [r["resource_id"] for r in chosen]
    if not ids:
        return need, []
    free = {
        r["resource"]: r for r in resources_with_free_time(
            start=need.start, end=need.end, resources=Resource.objects.filter(pk__in=ids))
    }
    facts = {r["pk"]: r for r in Resource.objects.filter(pk__in=ids).values(
        "pk", "price_per_hour_cents", "minimum_booking_hours", "lead_time_days")}
    org_ids = {r["resource__organization_id"] for r in chosen}
    certs_by_org, certs_by_resource = (
        _certifications_held(org_ids, ids) if need.certification_ids else ({}, {}))
    reputation = reputation_of(sorted(org_ids))
    candidates = []
    for row in chosen:
        rid, org = row["resource_id"], row["resource__organization_id"]
        held = certs_by_org.get(org, set()) | certs_by_resource.get(rid, set())
        slot = free.get(rid)
        rating, count = reputation.get(org, (None, 0))
        handles = None
        if need.material_id is not None and row.get("lists_materials"):
            handles = bool(row["handles_material"])
        candidates.append(ranking.Candidate(
            resource_id=rid, organization_id=org,
            envelope_mm=(row["envelope_x_mm"], row["envelope_y_mm"], row["envelope_z_mm"]),
            max_thickness_mm=row["max_thickness_mm"], tolerance_um=row["tolerance_um"],
            max_weight_kg=row["max_weight_kg"], handles_material=handles,
            material_thickness_mm=row.get("material_thickness"),
            missing_certification_ids=frozenset(need.certification_ids - held),
            distance_km=row["distance"],
            free_hours=slot["free_total"].total_seconds() / 3600 if slot else 0.0,
            longest_free_hours=slot["free_longest"].total_seconds() / 3600 if slot else 0.0,
            price_per_hour_cents=facts[rid]["price_per_hour_cents"],
            minimum_booking_hours=facts[rid]["minimum_booking_hours"] or Decimal(0),
            lead_time_days=facts[rid]["lead_time_days"], rating=rating, review_count=count,
        ))
    return need, candidates


def matches_for_step(step: RequestStep, *, user, now: datetime | None = None,
                     resources: QuerySet | None = None) -> list[MatchRow]:
    now = now or timezone.now()
    need, candidates = candidates_for_step(step, user=user, now=now, resources=resources)
    ranked = ranking.rank(need, candidates, now=now)
    loaded = Resource.objects.select_related("organization", "site").in_bulk(
        [m.candidate.resource_id for m in ranked])
    return [MatchRow(match=m, resource=loaded[m.candidate.resource_id], step=step)
            for m in ranked]


@dataclass(frozen=True)
class InboxEntry:
    request: CapacityRequest
    step: RequestStep
    rows: list[MatchRow]


def inbox_for(user, *, now: datetime | None = None, limit: int = 50) -> list[InboxEntry]:
    """Open requests of other organizations that the user may see, per step, with the
    user's own resources that fit it (near misses included), best first."""
    now = now or timezone.now()
    my_orgs = Membership.objects.filter(user=user).values("organization_id")
    mine = Resource.objects.filter(organization__in=my_orgs, is_active=True)
    processes = set(Capability.objects.filter(resource__in=mine)
                    .values_list("process_id", flat=True))
    if not processes:
        return []
    parent_of = dict(Process.objects.values_list("pk", "parent_id"))
    ancestors = set()
    for pk in processes:  # a step for "cutting" is served by a "laser cutting" capability
        node = pk
        while node is not None and node not in ancestors:
            ancestors.add(node)
            node = parent_of.get(node)
    entries = []
    requests = open_requests_for_providers(user).order_by("deadline", "pk")[:limit]
    for request in requests:
        for step in request.steps.all():
            if step.process_id not in ancestors:
                continue
            step.request = request
            rows = matches_for_step(step, user=user, now=now, resources=mine)
            if rows:
                entries.append(InboxEntry(request=request, step=step, rows=rows))
    entries.sort(key=lambda e: (e.rows[0].near_miss, -e.rows[0].match.score))
    return entries
