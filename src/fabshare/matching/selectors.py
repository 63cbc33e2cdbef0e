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
from fabshare.catalog.models import (
    Capability,
    CapabilityMaterial,
    Process,
    Resource,
    Visibility,
)
from fabshare.catalog.selectors import process_descendants
from fabshare.core.geo import bounding_box, haversine_km
from fabshare.demand.models import CapacityRequest, RequestStep
from fabshare.demand.selectors import open_requests_for_providers
from fabshare.matching import ranking
from fabshare.network.models import (
    Membership,
    NetworkMembership,
    NetworkMembershipStatus,
    Organization,
    Site,
)

CANDIDATE_LIMIT = 200
DEFAULT_WINDOW = timedelta(weeks=8)  # a request without a deadline looks 8 weeks ahead
DEFAULT_ZONE = "Europe/Brussels"
SITES_FIRST = 1500  # sites in the first batch of the nearest-first search (_capability_rows)
RING_FULL_KM = 400.0  # without a radius, look this far

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
    # Only a budget needs the number of steps (it is shared between them).
    steps = max(1, len(request.steps.all())) if request.budget_cents else 1
    return ranking.Need(
        start=start, end=end, hours=step.estimated_hours,
        part_mm=(step.part_x_mm, step.part_y_mm, step.part_z_mm),
        thickness_mm=step.thickness_mm, tolerance_um=step.tolerance_um,
        weight_kg=step.weight_kg, material_id=step.material_id,
        material_family_id=step.material_family_id,
        certification_ids=frozenset(c.pk for c in request.certifications.all()),
        budget_cents=request.budget_cents // steps if request.budget_cents else None,
        max_distance_km=float(request.max_distance_km) if request.max_distance_km else None,
    )


def _failure(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _visible_to(user) -> Q:
    """``catalog.selectors.visibility_q`` on a capability's (active) resource: public; of the
    user's organizations; for the network, of an organization approved in a network one of
    the user's organizations is approved in; for partners, shared with one of the user's
    organizations. Each rule is an uncorrelated subquery PostgreSQL evaluates once and
    probes per row (a hash of the peers' ids), so only the capabilities near the location
    are checked — never every resource the user may see."""
    public = Q(resource__visibility=Visibility.PUBLIC)
    if not getattr(user, "is_authenticated", False):
        return public
    if user.is_superuser:
        return Q()
    my_orgs = Membership.objects.filter(user=user).values("organization_id")
    approved = NetworkMembership.objects.filter(status=NetworkMembershipStatus.APPROVED)
    peers = approved.filter(network__in=approved.filter(organization__in=my_orgs)
                            .values("network_id")).values("organization_id")
    shared = Resource.partners.through.objects.filter(organization__in=my_orgs).values(
        "resource_id")
    return (public | Q(resource__organization__in=my_orgs)
            | Q(resource__visibility=Visibility.NETWORK, resource__organization__in=peers)
            | Q(resource__visibility=Visibility.PARTNERS, resource__in=shared))


def _capabilities(step: RequestStep, need: ranking.Need, *, user,
                  resources: QuerySet | None) -> tuple[QuerySet, list[str]]:
    """Capabilities for the step's process or any process below it, of active resources the
    viewer may see (never the requester's own), failing at most one of the numeric limits;
    not yet located. Returns the queryset and the fields to read. (Materials and
    certifications are checked for the chosen rows afterwards, in one query each.)"""
    request = step.request
    caps = Capability.objects.filter(
        (Q(resource__in=resources) if resources is not None else _visible_to(user)),
        process_id__in=process_descendants(step.process_id),
        resource__is_active=True,
    ).exclude(resource__organization_id=request.organization_id).order_by()
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
    caps = caps.annotate(failures=failures).filter(failures__lte=1)
    fields = ["pk", "resource_id", "resource__organization_id", "envelope_x_mm",
              "envelope_y_mm", "envelope_z_mm", "max_thickness_mm", "tolerance_um",
              "max_weight_kg", "lat", "lon", "failures", "resource__price_per_hour_cents",
              "resource__minimum_booking_hours", "resource__lead_time_days"]
    return caps, fields


def _main_site(field: str) -> Subquery:
    """The resource's organization's main site (else its first site): where a resource
    without a site of its own is."""
    main = Site.objects.filter(organization=OuterRef("resource__organization")).order_by(
        "-is_main", "pk")
    return Subquery(main.values(field)[:1], output_field=FloatField())


def _located(caps: QuerySet, lat, lon, location) -> QuerySet:
    """Annotate ``lat``, ``lon`` and, with a location, ``d2``: the squared distance in
    degrees of latitude (equirectangular; it orders like the true distance nearby)."""
    caps = caps.annotate(lat=lat, lon=lon)
    if location:
        lat0, lon0 = location
        k = math.cos(math.radians(lat0)) ** 2
        caps = caps.annotate(d2=(F("lat") - lat0) * (F("lat") - lat0)
                             + (F("lon") - lon0) * (F("lon") - lon0) * k)
    return caps


def _nearest_among(caps: QuerySet, fields: list[str], location, sites: list[tuple],
                   limit: int) -> list[dict]:
    """The ``limit`` nearest capabilities of resources at ``sites`` (rows of pk,
    organization, latitude, longitude, is_main): resources with their own site through the
    resource's site index, resources without one through their organization's main site;
    one UNION ALL, nearest first. Literal ids let PostgreSQL walk sites → resources →
    capabilities instead of scanning every resource."""
    own = _located(caps.filter(resource__site_id__in=[row[0] for row in sites]),
                   F("resource__site__latitude"), F("resource__site__longitude"), location)
    main_orgs = sorted({row[1] for row in sites if row[4]})
    main = _located(caps.filter(resource__site__isnull=True,
                                resource__organization_id__in=main_orgs),
                    _main_site("latitude"), _main_site("longitude"), location)
    rows = own.values(*fields, "d2").union(main.values(*fields, "d2"), all=True)
    return list(rows.order_by("d2", "resource_id", "pk")[:limit])


def _capability_rows(step: RequestStep, need: ranking.Need, *, user,
                     resources: QuerySet | None, location) -> list[dict]:
    """The first ``2 × CANDIDATE_LIMIT`` capabilities nearest first (by resource without a
    location), inside the radius when there is one.

    Nearest first without reading every capability in the radius: the sites in the radius
    (the site index) are sorted by distance here, and capabilities are read for the nearest
    ``SITES_FIRST`` of them, then four times as many, until enough rows come back. Every
    site left out is farther than every site taken, so a batch that fills the limit holds
    exactly the nearest rows."""
    caps, fields = _capabilities(step, need, user=user, resources=resources)
    limit = CANDIDATE_LIMIT * 2
    if not location:
        everywhere = _located(
            caps,
            Coalesce(F("resource__site__latitude"), _main_site("latitude"),
                     output_field=FloatField()),
            Coalesce(F("resource__site__longitude"), _main_site("longitude"),
                     output_field=FloatField()),
            None)
        return list(everywhere.order_by("resource_id", "pk").values(*fields)[:limit])
    lat0, lon0 = location
    reach = need.max_distance_km or RING_FULL_KM
    box = bounding_box(lat0, lon0, reach)
    sites = []
    for pk, org, lat, lon, is_main in Site.objects.filter(
            latitude__gte=box.min_lat, latitude__lte=box.max_lat,
            longitude__gte=box.min_lon, longitude__lte=box.max_lon).values_list(
            "pk", "organization_id", "latitude", "longitude", "is_main"):
        distance = haversine_km(lat0, lon0, lat, lon)
        if distance <= reach:
            sites.append((distance, pk, org, lat, lon, is_main))
    sites.sort()
    sites = [row[1:] for row in sites]
    taken = SITES_FIRST
    while True:
        rows = _nearest_among(caps, fields, location, sites[:taken], limit)
        if len(rows) >= limit or taken >= len(sites):
            return rows
        taken *= 4


def _materials_of(capability_ids: list[int], material_id: int | None,
                  family_id: int | None = None) -> dict[int, tuple[bool, Decimal | None]]:
    """Per capability that lists materials: whether it lists ``material_id`` (or, asked for
    a family, any material of ``family_id``), and that material's own maximum thickness.
    Capabilities that list none are left out (unknown)."""
    found: dict[int, tuple[bool, Decimal | None]] = {}
    for cap, material, family, thickness in CapabilityMaterial.objects.filter(
            capability_id__in=capability_ids).values_list(
            "capability_id", "material_id", "material__family_id", "max_thickness_mm"):
        if material == material_id or (material_id is None and family == family_id):
            found[cap] = (True, thickness)
        else:
            found.setdefault(cap, (False, None))
    return found


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
    org_ids = {r["resource__organization_id"] for r in chosen}
    materials = (_materials_of([r["pk"] for r in chosen], need.material_id,
                               need.material_family_id)
                 if need.material_id is not None or need.material_family_id is not None
                 else {})
    certs_by_org, certs_by_resource = (
        _certifications_held(org_ids, ids) if need.certification_ids else ({}, {}))
    reputation = reputation_of(sorted(org_ids))
    candidates = []
    for row in chosen:
        rid, org = row["resource_id"], row["resource__organization_id"]
        held = certs_by_org.get(org, set()) | certs_by_resource.get(rid, set())
        slot = free.get(rid)
        rating, count = reputation.get(org, (None, 0))
        handles, material_thickness = materials.get(row["pk"], (None, None))
        candidates.append(ranking.Candidate(
            resource_id=rid, organization_id=org,
            envelope_mm=(row["envelope_x_mm"], row["envelope_y_mm"], row["envelope_z_mm"]),
            max_thickness_mm=row["max_thickness_mm"], tolerance_um=row["tolerance_um"],
            max_weight_kg=row["max_weight_kg"], handles_material=handles,
            material_thickness_mm=material_thickness,
            missing_certification_ids=frozenset(need.certification_ids - held),
            distance_km=row["distance"],
            free_hours=slot["free_total"].total_seconds() / 3600 if slot else 0.0,
            longest_free_hours=slot["free_longest"].total_seconds() / 3600 if slot else 0.0,
            price_per_hour_cents=row["resource__price_per_hour_cents"],
            minimum_booking_hours=row["resource__minimum_booking_hours"] or Decimal(0),
            lead_time_days=row["resource__lead_time_days"], rating=rating, review_count=count,
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
