"""Gathering candidates for a request step in SQL, then ranking them (``matching.ranking``).

``candidates_for_step`` is the one selector that narrows in SQL: the search index
(``SearchEntry``, a row per capability of an active resource) for the step's process or any
process below it, of resources the viewer may see (never the requester's own), inside the
search radius, failing at most one of the numeric limits (envelope, thickness, tolerance,
weight) — nearest first and cut at ``CANDIDATE_LIMIT`` resources; then a few queries by id add
the resources, their free time in the step's window, materials, certifications and
reputation. Everything after that is pure ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from fabshare.availability.selectors import resources_with_free_time
from fabshare.catalog.models import (
    Capability,
    CapabilityMaterial,
    Resource,
)
from fabshare.catalog.selectors import process_descendants, process_parents
from fabshare.core.geo import chord_for_km, km_for_chord, unit_vector
from fabshare.demand.models import CapacityRequest, RequestStep
from fabshare.demand.selectors import open_requests_for_providers
from fabshare.matching import ranking
from fabshare.matching.models import SearchEntry
from fabshare.network.models import (
    Membership,
    NetworkMembershipStatus,
    Organization,
)

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
class Named:
    """An organization as a match shows it."""

    name: str
    slug: str


@dataclass(frozen=True)
class Place:
    """A site as a match shows it."""

    name: str
    city: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class MatchedResource:
    """What ranking, the results page, the API and the planner read of a matched resource:
    plain values, read in one query (building 200 resources with their organizations and
    sites as models cost more than the whole search)."""

    pk: int
    name: str
    slug: str
    kind: str
    is_active: bool
    organization_id: int
    organization: Named
    site: Place | None
    price_per_hour_cents: int | None
    minimum_booking_hours: Decimal | None
    lead_time_days: int

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self):
        return self.name


def matched_resources(ids: list[int]) -> dict[int, MatchedResource]:
    rows = Resource.objects.filter(pk__any_of=ids).values_list(
        "pk", "name", "slug", "kind", "is_active", "organization_id", "price_per_hour_cents",
        "minimum_booking_hours", "lead_time_days", "organization__name", "organization__slug",
        "site_id", "site__name", "site__city", "site__latitude", "site__longitude")
    return {
        pk: MatchedResource(
            pk=pk, name=name, slug=slug, kind=kind, is_active=active, organization_id=org,
            organization=Named(org_name, org_slug),
            site=Place(site_name, city, lat, lon) if site else None,
            price_per_hour_cents=price, minimum_booking_hours=minimum, lead_time_days=lead)
        for (pk, name, slug, kind, active, org, price, minimum, lead, org_name, org_slug, site,
             site_name, city, lat, lon) in rows
    }


@dataclass(frozen=True)
class MatchRow:
    """A ranked match with what a page shows about the resource."""

    match: ranking.Match
    resource: MatchedResource
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


class _OnPoint(Func):
    """An expression over a search entry's point (x, y, z)."""

    def __init__(self):
        super().__init__(F("x"), F("y"), F("z"))

    def _columns(self, compiler, connection) -> list[str]:
        return [compiler.compile(e)[0] for e in self.get_source_expressions()]


class _Chord(_OnPoint):
    """The straight-line distance on the unit sphere between a search entry's point and a
    fixed one. On PostgreSQL the ``<->`` of two cubes, the expression the nearest-first index
    is built on, so ``ORDER BY`` walks the index; elsewhere plain arithmetic."""

    output_field = FloatField()

    def __init__(self, point: tuple[float, float, float]):
        super().__init__()
        self.point = point

    def as_sql(self, compiler, connection, **extra):
        cols = self._columns(compiler, connection)
        sql = " + ".join(f"({c} - %s) * ({c} - %s)" for c in cols)
        return f"SQRT({sql})", [v for v in self.point for _ in range(2)]

    def as_postgresql(self, compiler, connection, **extra):
        x, y, z = self._columns(compiler, connection)
        return (f"(cube(ARRAY[{x}, {y}, {z}]) <-> cube(ARRAY[%s, %s, %s]::float8[]))",
                list(self.point))


class _InCube(_OnPoint):
    """The search entry's point lies in the axis-aligned cube around ``point`` with half side
    ``half``: everything within that chord distance does. On PostgreSQL a containment the
    nearest-first index answers, so a search with a radius reads only that neighbourhood."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, point: tuple[float, float, float], half: float):
        super().__init__()
        self.low = [v - half for v in point]
        self.high = [v + half for v in point]

    def as_sql(self, compiler, connection, **extra):
        cols = self._columns(compiler, connection)
        return ("(" + " AND ".join(f"{c} BETWEEN %s AND %s" for c in cols) + ")",
                [v for pair in zip(self.low, self.high, strict=True) for v in pair])

    def as_postgresql(self, compiler, connection, **extra):
        x, y, z = self._columns(compiler, connection)
        return (f"(cube(ARRAY[{x}, {y}, {z}]) <@ cube(ARRAY[%s, %s, %s]::float8[], "
                f"ARRAY[%s, %s, %s]::float8[]))", [*self.low, *self.high])


def audiences_of(user) -> list[str] | None:
    """The audience tokens of ``SearchEntry`` whose rows ``user`` may see — the rules of
    ``catalog.selectors.visibility_q``: everyone's (public); each of the user's organizations'
    (their own resources, and partners-only resources shared with them); each network's one
    of the user's organizations is approved in (network-only resources of the organizations
    approved there). None: everything (a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return ["*"]
    if user.is_superuser:
        return None
    approved = FilteredRelation("organization__network_memberships", condition=Q(
        organization__network_memberships__status=NetworkMembershipStatus.APPROVED))
    tokens = {"*"}
    for org, network in Membership.objects.filter(user=user).annotate(
            approved=approved).values_list("organization_id", "approved__network_id"):
        tokens.add(f"o{org}")
        if network is not None:
            tokens.add(f"n{network}")
    return sorted(tokens)


ENTRY_FIELDS = ("capability_id", "resource_id", "envelope_x_mm", "envelope_y_mm",
                "envelope_z_mm", "max_thickness_mm", "tolerance_um", "max_weight_kg",
                "failures")


def _entries(step: RequestStep, need: ranking.Need, *, user,
             resources: QuerySet | None) -> QuerySet:
    """Search entries the viewer may see (never the requester's own), failing at most one of
    the numeric limits, with ``failures`` counted; not yet narrowed by process or place.
    (Materials and certifications are checked for the chosen rows afterwards.)"""
    entries = SearchEntry.objects.exclude(organization_id=step.request.organization_id)
    if resources is not None:
        entries = entries.filter(resource__in=resources)
    elif (audiences := audiences_of(user)) is not None:
        entries = entries.filter(audience__in=audiences)
    entries = entries.order_by()
    failures = Value(0, output_field=IntegerField())
    dims = [d for d in need.part_mm if d]
    if dims:
        envelope = Greatest(Coalesce("envelope_x_mm", 0), Coalesce("envelope_y_mm", 0),
                            Coalesce("envelope_z_mm", 0))
        entries = entries.annotate(envelope_max=envelope)
        failures = failures + _failure(Q(envelope_max__gt=0, envelope_max__lt=max(dims)))
    if need.thickness_mm is not None:
        failures = failures + _failure(Q(max_thickness_mm__lt=need.thickness_mm))
    if need.tolerance_um is not None:
        failures = failures + _failure(Q(tolerance_um__gt=need.tolerance_um))
    if need.weight_kg is not None:
        failures = failures + _failure(Q(max_weight_kg__lt=need.weight_kg))
    return entries.annotate(failures=failures).filter(failures__lte=1)


def _entry_rows(step: RequestStep, need: ranking.Need, *, user, resources: QuerySet | None,
                location) -> list[dict]:
    """The first ``2 × CANDIDATE_LIMIT`` entries for the step's process or any process below
    it: nearest first (inside the radius, when there is one) with a location, else by
    resource. Each row has ``distance`` in km (None without a location).

    On PostgreSQL each process is one walk of the nearest-first index (KNN), limited, and the
    walks are merged (``_nearest_walks``): the work depends on how many rows are wanted, not
    on the size of the catalog. Elsewhere one query sorts the entries of all the processes."""
    entries = _entries(step, need, user=user, resources=resources)
    processes = process_descendants(step.process_id)
    limit = CANDIDATE_LIMIT * 2
    if not location:
        rows = list(entries.filter(process_id__in=processes).order_by("resource_id", "pk")
                    .values(*ENTRY_FIELDS)[:limit])
        for row in rows:
            row["distance"] = None
        return rows
    point = unit_vector(*location)
    entries = entries.filter(x__isnull=False).annotate(chord=_Chord(point))
    if need.max_distance_km:
        reach = chord_for_km(need.max_distance_km)
        entries = entries.filter(_InCube(point, reach), chord__lte=reach)
    fields = (*ENTRY_FIELDS, "chord")
    if connection.vendor == "postgresql":
        query = _nearest_walks(entries.order_by("chord").values(*fields), processes, limit)
    else:
        query = entries.filter(process_id__in=processes).order_by("chord").values(*fields)
    # Ordered by the distance alone (a second key would keep PostgreSQL from walking the
    # index); entries at one distance are put in a fixed order here.
    rows = sorted(query if isinstance(query, list) else query[:limit],
                  key=lambda r: (r["chord"], r["resource_id"], r["capability_id"]))
    for row in rows:
        row["distance"] = km_for_chord(row["chord"])
    return rows


_SOME_PROCESS = -1  # stands for each process in the one compiled walk (_nearest_walks)


def _nearest_walks(walk: QuerySet, processes: list[int], limit: int) -> list[dict]:
    """``walk`` (ordered by ``chord``), limited, for each process, merged nearest first: one
    walk of the nearest-first index per process. The walk is compiled once and repeated in
    the SQL with each process id (building a queryset per process cost ~2 ms each, more than
    the walks themselves). The process is compared as a bigint, the type of the index's
    column: compared with an integer, the btree_gist part of the index could not be used."""
    sql, params = walk.filter(process_id=Cast(Value(_SOME_PROCESS), BigIntegerField())
                              )[:limit].query.sql_with_params()
    at = params.index(_SOME_PROCESS)
    assert params.count(_SOME_PROCESS) == 1, "the process placeholder must be unique"
    union = " UNION ALL ".join([f"({sql})"] * len(processes))
    arguments = [value for pk in processes
                 for value in (*params[:at], pk, *params[at + 1:])]
    with connection.cursor() as cursor:
        # Only Django's compiled SQL is joined here; every value is a parameter.
        cursor.execute(f"SELECT * FROM ({union}) AS walks ORDER BY chord LIMIT %s",  # noqa: S608
                       [*arguments, limit])
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _materials_of(capability_ids: list[int], material_id: int | None,
                  family_id: int | None = None) -> dict[int, tuple[bool, Decimal | None]]:
    """Per capability that lists materials: whether it lists ``material_id`` (or, asked for
    a family, any material of ``family_id``), and that material's own maximum thickness.
    Capabilities that list none are left out (unknown)."""
    found: dict[int, tuple[bool, Decimal | None]] = {}
    for cap, material, family, thickness in CapabilityMaterial.objects.filter(
            capability_id__any_of=capability_ids).values_list(
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
            organization_id__any_of=list(org_ids)).values_list("organization_id",
                                                          "certification_id"):
        by_org.setdefault(org, set()).add(cert)
    by_resource: dict[int, set[int]] = {}
    for res, cert in Resource.accreditations.through.objects.filter(
            resource_id__any_of=list(resource_ids)).values_list("resource_id",
                                                                "certification_id"):
        by_resource.setdefault(res, set()).add(cert)
    return by_org, by_resource


def candidates_for_step(step: RequestStep, *, user, now: datetime,
                        resources: QuerySet | None = None
                        ) -> tuple[ranking.Need, list[ranking.Candidate],
                                   dict[int, MatchedResource]]:
    """The facts about every resource that may serve ``step`` for ``user`` (see the module
    docstring), and the resources themselves; ``resources`` narrows further (a provider's
    own, for their inbox)."""
    need = need_of(step, now=now)
    rows = _entry_rows(step, need, user=user, resources=resources,
                       location=request_location(step.request))
    best: dict[int, dict] = {}
    for row in rows:  # the first row per resource is its nearest, fewest-failures capability
        current = best.get(row["resource_id"])
        if current is None or row["failures"] < current["failures"]:
            best[row["resource_id"]] = row
    chosen = list(best.values())[:CANDIDATE_LIMIT]
    if not chosen:
        return need, [], {}
    ids = [r["resource_id"] for r in chosen]
    loaded = matched_resources(ids)
    free = {
        r["resource"]: (r["free_total"], r["free_longest"]) for r in resources_with_free_time(
            start=need.start, end=need.end, resources=Resource.objects.filter(pk__any_of=ids))
    }
    org_ids = {loaded[rid].organization_id for rid in ids}
    materials = (_materials_of([r["capability_id"] for r in chosen], need.material_id,
                               need.material_family_id)
                 if need.material_id is not None or need.material_family_id is not None
                 else {})
    certs_by_org, certs_by_resource = (
        _certifications_held(org_ids, ids) if need.certification_ids else ({}, {}))
    reputation = reputation_of(sorted(org_ids))
    candidates = []
    for row in chosen:
        resource = loaded[row["resource_id"]]
        rid, org = resource.pk, resource.organization_id
        total, run = free.get(rid, (timedelta(), timedelta()))
        held = certs_by_org.get(org, set()) | certs_by_resource.get(rid, set())
        rating, count = reputation.get(org, (None, 0))
        handles, material_thickness = materials.get(row["capability_id"], (None, None))
        candidates.append(ranking.Candidate(
            resource_id=rid, organization_id=org,
            envelope_mm=(row["envelope_x_mm"], row["envelope_y_mm"], row["envelope_z_mm"]),
            max_thickness_mm=row["max_thickness_mm"], tolerance_um=row["tolerance_um"],
            max_weight_kg=row["max_weight_kg"], handles_material=handles,
            material_thickness_mm=material_thickness,
            missing_certification_ids=frozenset(need.certification_ids - held),
            distance_km=row["distance"],
            free_hours=total.total_seconds() / 3600,
            longest_free_hours=run.total_seconds() / 3600,
            price_per_hour_cents=resource.price_per_hour_cents,
            minimum_booking_hours=resource.minimum_booking_hours or Decimal(0),
            lead_time_days=resource.lead_time_days, rating=rating, review_count=count,
        ))
    return need, candidates, loaded


def matches_for_step(step: RequestStep, *, user, now: datetime | None = None,
                     resources: QuerySet | None = None) -> list[MatchRow]:
    now = now or timezone.now()
    need, candidates, loaded = candidates_for_step(step, user=user, now=now,
                                                   resources=resources)
    return [MatchRow(match=m, resource=loaded[m.candidate.resource_id], step=step)
            for m in ranking.rank(need, candidates, now=now)]


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
    parent_of = process_parents()
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
