"""Benchmark of the matching selector (issue 4).

Loads a PostgreSQL database in steps of 1 000, 10 000 and 100 000 resources (cumulative: each
step adds to the rows of the one before), each resource with 1–3 capabilities of realistic
processes and about 10 free slots, at organizations spread over the regions of the networks
(Flanders and the north of the Netherlands). At every step it times, over the same 200 varied
capacity requests of a seeker that is an approved member of the network, interleaved:

- ``matching.selectors.matches_for_step(step, user=seeker, now=NOW)``, fully evaluated (the
  ranked list of MatchRow with their resources);
- the baseline: a plain indexed lookup, the first 200 capabilities of the step's process and
  the processes below it, through the index on ``catalog_capability.process_id``:
  ``list(Capability.objects.filter(process_id__in=ids).order_by().values_list("pk",
  "resource_id")[:200])`` (the ids computed before timing).

Prints Markdown to stdout, progress to stderr. Run from the repository root:

    nice -n 10 .venv/bin/python bench/matching/run.py --fresh
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from psycopg import sql  # noqa: E402

from bench.free_time.run import (  # noqa: E402  (the free-time benchmark's helpers)
    HORIZON_START,
    UTC,
    _copy_rows,
    local_grid,
    log,
    megabytes,
    percentile,
    postgres_facts,
    prepare_database,
    resource_spans,
    setup_django,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fabshare_bench_matching"
DEFAULT_SCALES = (1_000, 10_000, 100_000)
META_TABLE = "bench_matching_meta"
# Every query asks "now" on the first Monday of the free-slot horizon, 08:00 in Brussels.
NOW = dt.datetime.combine(HORIZON_START, dt.time(7, 0), UTC)
CLIP = 100  # organizations never straddle a multiple of 100 resources, so scales are exact

# Organizations cluster around the towns of the networks' regions (fabshare.core.geo.PLACES:
# Flanders, Limburg and the north of the Netherlands), spread 8 or 20 km around the centre.
SPREAD_KM = (8, 20)

STEEL = ["s235", "s355", "dc01", "dx51d"]
STAINLESS = ["stainless-304", "stainless-316l"]
ALUMINIUM = ["al-5083", "al-5754", "al-6082"]
SHEET = STEEL + STAINLESS + ALUMINIUM
BAR = ["c45", "42crmo4", "free-cutting-steel", "stainless-303", "stainless-304", "al-6061",
       "al-7075", "brass-cuzn39pb3", "pom", "peek", "ti6al4v"]
PLASTICS = ["pp", "abs", "pa6", "pc", "pom", "pa66-gf30"]
POWDERS = ["pa12", "alsi10mg", "ti6al4v", "stainless-316l"]


@dataclass(frozen=True)
class Archetype:
    """A kind of machine or facility: its processes (the first always, the others with a
    probability), how its limits are drawn, and the materials it may list."""

    name: str
    weight: int
    kind: str
    processes: tuple[tuple[str, float], ...]
    limits: Callable[[random.Random], dict]
    materials: tuple[str, ...] = ()
    cutting: bool = False  # lists a lower thickness for aluminium and stainless


def _choice(*values):
    return lambda rng: rng.choice(values)


ARCHETYPES = [
    Archetype("fibre laser", 14, "machine",
              (("laser-cutting-fibre", 1), ("tube-laser-cutting", 0.15), ("laser-marking", 0.1)),
              lambda r: dict(zip(("envelope_x_mm", "envelope_y_mm"), r.choice(
                  [(3000, 1500), (4000, 2000), (6000, 2500)]), strict=True)) | {
                  "max_thickness_mm": r.choice([12, 15, 20, 25, 30]), "tolerance_um": 100},
              tuple(SHEET), cutting=True),
    Archetype("CO2 laser", 3, "machine", (("laser-cutting-co2", 1),),
              lambda r: {"envelope_x_mm": 3000, "envelope_y_mm": 1500,
                         "max_thickness_mm": r.choice([6, 10, 15, 20]), "tolerance_um": 150},
              tuple(SHEET), cutting=True),
    Archetype("press brake", 12, "machine",
              (("press-brake-bending", 1), ("panel-bending", 0.1)),
              lambda r: {"envelope_x_mm": r.choice([1500, 2000, 3000, 4000, 6000]),
                         "max_thickness_mm": r.choice([4, 6, 8, 12, 20]),
                         "force_kn": r.choice([500, 1000, 1750, 2500, 4000])},
              tuple(SHEET)),
    Archetype("5-axis mill", 7, "machine",
              (("milling-5-axis", 1), ("milling-3-axis", 0.7), ("high-speed-milling", 0.3)),
              lambda r: {"envelope_x_mm": (s := r.choice([500, 650, 800, 1000, 1500])),
                         "envelope_y_mm": s, "envelope_z_mm": round(s * 0.7),
                         "tolerance_um": r.choice([5, 10, 15, 20]), "axes": 5},
              tuple(BAR)),
    Archetype("3-axis mill", 12, "machine", (("milling-3-axis", 1), ("drilling", 0.3)),
              lambda r: {"envelope_x_mm": r.choice([600, 1000, 1600, 2500]),
                         "envelope_y_mm": r.choice([400, 600, 800, 1000]),
                         "envelope_z_mm": r.choice([400, 500, 800]),
                         "tolerance_um": r.choice([10, 20, 30, 50]), "axes": 3},
              tuple(BAR)),
    Archetype("CNC lathe", 12, "machine", (("cnc-turning", 1), ("mill-turning", 0.25)),
              lambda r: {"envelope_x_mm": r.choice([300, 600, 1000, 2000]),
                         "envelope_y_mm": (d := r.choice([100, 250, 400, 600])),
                         "envelope_z_mm": d, "tolerance_um": r.choice([5, 10, 20])},
              tuple(BAR)),
    Archetype("Swiss lathe", 2, "machine", (("swiss-turning", 1), ("cnc-turning", 0.5)),
              lambda r: {"envelope_x_mm": 300, "envelope_y_mm": (d := r.choice([20, 32, 38])),
                         "envelope_z_mm": d, "tolerance_um": r.choice([2, 5])},
              tuple(BAR)),
    Archetype("welding cell", 10, "machine",
              (("mig-mag-welding", 1), ("tig-welding", 0.5), ("robot-welding", 0.25)),
              lambda r: {"envelope_x_mm": r.choice([2000, 4000, 8000, 12000]),
                         "envelope_y_mm": r.choice([1000, 2000, 3000]),
                         "max_thickness_mm": r.choice([20, 30, 60]),
                         "max_weight_kg": r.choice([500, 2000, 5000])},
              tuple(SHEET)),
    Archetype("coating line", 6, "facility",
              (("powder-coating", 1), ("wet-painting", 0.3), ("abrasive-blasting", 0.4)),
              lambda r: {"envelope_x_mm": r.choice([2000, 4000, 7000]),
                         "envelope_y_mm": r.choice([1000, 1500, 2000]),
                         "envelope_z_mm": r.choice([1500, 2500]),
                         "max_weight_kg": r.choice([200, 1000, 2000])}),
    Archetype("waterjet", 3, "machine", (("waterjet-cutting", 1),),
              lambda r: {"envelope_x_mm": 3000, "envelope_y_mm": 2000,
                         "max_thickness_mm": r.choice([50, 100, 150]), "tolerance_um": 100},
              tuple(SHEET), cutting=True),
    Archetype("plasma", 2, "machine", (("plasma-cutting", 1), ("oxy-fuel-cutting", 0.3)),
              lambda r: {"envelope_x_mm": 6000, "envelope_y_mm": 2500,
                         "max_thickness_mm": r.choice([30, 50, 150]), "tolerance_um": 500},
              tuple(STEEL + STAINLESS), cutting=True),
    Archetype("EDM", 3, "machine", (("wire-edm", 1), ("sinker-edm", 0.3)),
              lambda r: {"envelope_x_mm": (s := r.choice([400, 600, 800])), "envelope_y_mm": s,
                         "envelope_z_mm": round(s / 2), "tolerance_um": r.choice([2, 5])}),
    Archetype("surface grinder", 2, "machine", (("surface-grinding", 1),),
              lambda r: {"envelope_x_mm": r.choice([600, 1000]), "envelope_y_mm": 400,
                         "tolerance_um": 2}),
    Archetype("cylindrical grinder", 2, "machine", (("cylindrical-grinding", 1),),
              lambda r: {"envelope_x_mm": r.choice([500, 1000]), "envelope_y_mm": 300,
                         "envelope_z_mm": 300, "tolerance_um": 2}),
    Archetype("polymer printer", 3, "machine", (("sls", 1), ("fdm-fff", 0.3)),
              lambda r: {"envelope_x_mm": (s := r.choice([250, 340, 400])), "envelope_y_mm": s,
                         "envelope_z_mm": s, "tolerance_um": 200},
              tuple(POWDERS[:1] + ["pla", "petg"])),
    Archetype("metal printer", 1, "machine", (("metal-powder-bed-fusion", 1),),
              lambda r: {"envelope_x_mm": (s := r.choice([250, 400])), "envelope_y_mm": s,
                         "envelope_z_mm": 350, "tolerance_um": 50},
              tuple(POWDERS[1:])),
    Archetype("injection moulding", 3, "machine", (("injection-moulding", 1),),
              lambda r: {"envelope_x_mm": r.choice([300, 600]), "envelope_y_mm": 400,
                         "force_kn": r.choice([800, 1500, 3000])},
              tuple(PLASTICS)),
    Archetype("metrology lab", 2, "facility", (("cmm-measurement", 1), ("3d-scanning", 0.4)),
              lambda r: {"envelope_x_mm": r.choice([1000, 2000, 3000]), "envelope_y_mm": 1000,
                         "envelope_z_mm": 800, "tolerance_um": r.choice([1, 2, 5])}),
]

# Certifications organizations hold (independently, with these probabilities).
ORGANIZATION_CERTIFICATIONS = {"iso-9001": 0.6, "en-1090": 0.2, "iso-3834": 0.15,
                               "iso-14001": 0.1, "iatf-16949": 0.05, "as9100": 0.03,
                               "qualicoat": 0.05}

# What the 200 requests ask for: (process code, weight, family). Leaves and parents.
QUERY_PROCESSES = [
    ("laser-cutting-fibre", 10, "sheet"), ("laser-cutting", 10, "sheet"),
    ("press-brake-bending", 8, "sheet"), ("bending", 6, "sheet"),
    ("waterjet-cutting", 2, "sheet"), ("milling-5-axis", 6, "bar"), ("milling", 8, "bar"),
    ("milling-3-axis", 4, "bar"), ("cnc-turning", 7, "bar"), ("turning", 4, "bar"),
    ("wire-edm", 2, "bar"), ("machining", 2, "bar"), ("mig-mag-welding", 6, "welding"),
    ("welding", 5, "welding"), ("powder-coating", 5, "coating"), ("coating", 2, "coating"),
    ("additive-manufacturing", 3, "other"), ("cmm-measurement", 2, "other"),
    ("injection-moulding", 2, "other"),
]
REQUEST_CERTIFICATIONS = {"iso-9001": 5, "en-1090": 2, "iso-3834": 2, "iatf-16949": 1,
                          "as9100": 1, "qualicoat": 1}


# --- data ------------------------------------------------------------------------------------


def town_point(rng: random.Random) -> tuple[float, float]:
    from fabshare.core.geo import PLACES

    lat, lon = rng.choice(sorted(PLACES.values()))
    spread = rng.choice(SPREAD_KM)
    dlat = rng.gauss(0, spread) / 111.0
    dlon = rng.gauss(0, spread) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


@dataclass
class PlannedResource:
    index: int  # across all organizations, from 0
    archetype: Archetype
    site: int | None  # 0 = main site, 1 = second site, None = no site (the main site counts)
    visibility: str
    capabilities: list[tuple[str, dict, list[tuple[str, Decimal | None]]]]
    price_cents: int
    lead_time_days: int


@dataclass
class PlannedOrganization:
    index: int
    sites: list[tuple[float, float]]
    kind: str
    country: str
    network: str | None  # NetworkMembership status in the bench network, if any
    certifications: list[str]
    resources: list[PlannedResource] = field(default_factory=list)


def plan(seed: int, limit: int, skip_organizations: int = 0) -> Iterator[PlannedOrganization]:
    """Organizations in a fixed order, each with its resources, until ``limit`` resources.
    The sizes come from one stream and everything else from a stream per organization, so
    the first organizations are the same whatever the limit (cumulative loading)."""
    sizes = random.Random(seed)
    start = 0
    index = 0
    while start < limit:
        size = sizes.choices([1, 2, 3, 5, 8, 12, 20, 35], weights=[10, 12, 12, 15, 15, 12, 8, 4])[0]
        size = min(size, (start // CLIP + 1) * CLIP - start)  # never straddle a multiple of CLIP
        if index >= skip_organizations:
            yield organization(seed, index, start, size)
        start += size
        index += 1


def organization(seed: int, index: int, start: int, size: int) -> PlannedOrganization:
    rng = random.Random(f"{seed}:organization:{index}")
    main = town_point(rng)
    sites = [main]
    if rng.random() < 0.3:  # a second site nearby
        sites.append((round(main[0] + rng.gauss(0, 0.1), 5),
                      round(main[1] + rng.gauss(0, 0.15), 5)))
    status = rng.choices(["approved", "pending", None], weights=[50, 5, 45])[0]
    org = PlannedOrganization(
        index=index, sites=sites, kind=rng.choice(["manufacturer", "sme", "sme", "startup"]),
        country="NL" if main[0] > 52.3 else "BE", network=status,
        certifications=[c for c, p in ORGANIZATION_CERTIFICATIONS.items() if rng.random() < p])
    weights = [a.weight for a in ARCHETYPES]
    for i in range(start, start + size):
        archetype = rng.choices(ARCHETYPES, weights=weights)[0]
        capabilities = []
        for code, probability in archetype.processes:
            if probability < 1 and rng.random() >= probability:
                continue
            limits = archetype.limits(rng)
            materials = []
            if archetype.materials and rng.random() < 0.4:
                thickness = limits.get("max_thickness_mm")
                for material in rng.sample(archetype.materials,
                                           rng.randint(2, min(5, len(archetype.materials)))):
                    own = None
                    if archetype.cutting and thickness and material not in STEEL:
                        own = Decimal(thickness) * Decimal("0.6" if material in ALUMINIUM
                                                           else "0.8")
                    materials.append((material, own))
            capabilities.append((code, limits, materials))
        site = rng.choices([0, 1, None], weights=[70, 15, 15])[0]
        org.resources.append(PlannedResource(
            index=i, archetype=archetype, site=min(site, len(sites) - 1) if site else site,
            visibility=rng.choices(["public", "network", "partners"], weights=[75, 20, 5])[0],
            capabilities=capabilities, price_cents=rng.randrange(4000, 25000, 500),
            lead_time_days=rng.choice([0, 0, 0, 1, 2, 5, 10])))
    return org


def _new_ids(cursor, table: str, after: int) -> list[int]:
    return [r[0] for r in cursor.execute(
        sql.SQL("SELECT id FROM {} WHERE id > %s ORDER BY id").format(sql.Identifier(table)),
        [after])]


def _max_id(cursor, table: str) -> int:
    return cursor.execute(sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(
        sql.Identifier(table))).fetchone()[0]


def seeker_world():
    """The seeker (a startup, approved in the bench network, owning no resources) and the
    network; created once with the ORM."""
    from fabshare.network.models import (
        Membership,
        Network,
        NetworkMembership,
        Organization,
        Site,
        User,
    )

    network, _ = Network.objects.get_or_create(
        slug="bench-network", defaults={"name": "Bench network", "region": "Flanders + NL",
                                        "languages": ["nl", "en"]})
    seeker, created = Organization.objects.get_or_create(
        slug="bench-seeker", defaults={"name": "Bench seeker", "kind": "startup"})
    user, _ = User.objects.get_or_create(email="seeker@bench.invalid")
    if created:
        Site.objects.create(organization=seeker, name="Workshop", city="Hasselt",
                            latitude=50.9307, longitude=5.3325, is_main=True)
        Membership.objects.create(user=user, organization=seeker, role="owner")
        NetworkMembership.objects.create(network=network, organization=seeker, status="approved")
    return network, seeker, user


def load_to(target: int, loaded: dict, args, network_id: int, seeker_id: int) -> dict:
    """Add the resources [loaded, target) and everything that belongs to them with COPY."""
    from django.db import connection

    from fabshare.availability.models import FreeSlot
    from fabshare.catalog.models import Capability, CapabilityMaterial, Material, Process, Resource
    from fabshare.network.models import Certification, NetworkMembership, Organization, Site

    started = time.monotonic()
    process_id = dict(Process.objects.values_list("code", "pk"))
    material_id = dict(Material.objects.values_list("code", "pk"))
    certification_id = dict(Certification.objects.values_list("code", "pk"))
    orgs = list(plan(args.seed, target, loaded["organizations"]))
    if orgs and orgs[0].resources and orgs[0].resources[0].index != loaded["resources"]:
        raise SystemExit("The loaded data does not continue where the plan does; use --fresh.")
    resources = [r for o in orgs for r in o.resources]
    log(f"loading {len(orgs)} organizations and {len(resources)} resources "
        f"({loaded['resources']} → {target})")
    pg = connection.connection
    tables = {m: m._meta.db_table for m in (Organization, Site, Resource, Capability,
                                            CapabilityMaterial, FreeSlot)}
    counts = {"organizations": len(orgs), "sites": 0, "capabilities": 0, "materials": 0,
              "slots": 0, "certifications": 0, "partners": 0, "network": 0}
    with pg.cursor() as cursor:
        before = _max_id(cursor, tables[Organization])
        _copy_rows(cursor, Organization, (
            {"name": f"Bench organization {o.index}", "slug": f"bench-org-{o.index}",
             "kind": o.kind, "country": o.country} for o in orgs), connection)
        org_ids = _new_ids(cursor, tables[Organization], before)
        before = _max_id(cursor, tables[Site])
        _copy_rows(cursor, Site, (
            {"organization_id": oid, "name": "Main site" if n == 0 else "Second site",
             "city": "Bench", "latitude": lat, "longitude": lon, "is_main": n == 0,
             "country": o.country}
            for o, oid in zip(orgs, org_ids, strict=True)
            for n, (lat, lon) in enumerate(o.sites)), connection)
        site_ids = _new_ids(cursor, tables[Site], before)
        counts["sites"] = len(site_ids)
        sites_of, position = {}, 0
        for o, oid in zip(orgs, org_ids, strict=True):
            sites_of[oid] = site_ids[position:position + len(o.sites)]
            position += len(o.sites)
        with cursor.copy(sql.SQL("COPY {} (organization_id, certification_id) FROM STDIN").format(
                sql.Identifier(Organization.certifications.through._meta.db_table))) as copy:
            for o, oid in zip(orgs, org_ids, strict=True):
                for code in o.certifications:
                    copy.write_row((oid, certification_id[code]))
                    counts["certifications"] += 1
        members = [(o, oid) for o, oid in zip(orgs, org_ids, strict=True) if o.network]
        _copy_rows(cursor, NetworkMembership, (
            {"network_id": network_id, "organization_id": oid, "status": o.network}
            for o, oid in members), connection)
        counts["network"] = len(members)

        owner = {}
        before = _max_id(cursor, tables[Resource])
        _copy_rows(cursor, Resource, (
            {"organization_id": oid, "kind": r.archetype.kind,
             "site_id": None if r.site is None else sites_of[oid][r.site],
             "name": f"Bench {r.archetype.name} {r.index}", "slug": f"bench-resource-{r.index}",
             "visibility": r.visibility, "price_per_hour_cents": r.price_cents,
             "lead_time_days": r.lead_time_days}
            for o, oid in zip(orgs, org_ids, strict=True) for r in o.resources), connection)
        resource_ids = _new_ids(cursor, tables[Resource], before)
        position = 0
        for o, oid in zip(orgs, org_ids, strict=True):
            for rid in resource_ids[position:position + len(o.resources)]:
                owner[rid] = oid
            position += len(o.resources)
        # Partners-only resources: shared with the seeker one time in four, else with an
        # organization loaded earlier.
        rng = random.Random(f"{args.seed}:partners:{loaded['resources']}")
        with cursor.copy(sql.SQL("COPY {} (resource_id, organization_id) FROM STDIN").format(
                sql.Identifier(Resource.partners.through._meta.db_table))) as copy:
            for r, rid in zip(resources, resource_ids, strict=True):
                if r.visibility == "partners":
                    partner = seeker_id if rng.random() < 0.25 else rng.choice(org_ids)
                    if partner != owner[rid]:
                        copy.write_row((rid, partner))
                        counts["partners"] += 1

        before = _max_id(cursor, tables[Capability])
        _copy_rows(cursor, Capability, (
            {"resource_id": rid, "process_id": process_id[code], **limits}
            for r, rid in zip(resources, resource_ids, strict=True)
            for code, limits, _ in r.capabilities), connection)
        capability_ids = _new_ids(cursor, tables[Capability], before)
        counts["capabilities"] = len(capability_ids)
        listed = [materials for r in resources for _, _, materials in r.capabilities]
        _copy_rows(cursor, CapabilityMaterial, (
            {"capability_id": cid, "material_id": material_id[code], "max_thickness_mm": own}
            for cid, materials in zip(capability_ids, listed, strict=True)
            for code, own in materials), connection)
        counts["materials"] = sum(len(m) for m in listed)

        grid = local_grid()
        statement = sql.SQL("COPY {} (resource_id, start, \"end\") FROM STDIN (FORMAT BINARY)"
                            ).format(sql.Identifier(tables[FreeSlot]))
        with cursor.copy(statement) as copy:
            copy.set_types(["int8", "timestamptz", "timestamptz"])
            for r, rid in zip(resources, resource_ids, strict=True):
                _, spans = resource_spans(random.Random(f"{args.seed}:slots:{r.index}"),
                                          args.slots_per_resource)
                for start, end in spans:
                    if grid[end] > grid[start]:
                        copy.write_row((rid, grid[start], grid[end]))
                        counts["slots"] += 1
    # COPY bypasses the hooks that keep matching's search index in step: rebuild it (one
    # DELETE and one INSERT … SELECT), as the catalog's writers do row by row.
    log("search index")
    from django.db import transaction

    from fabshare.matching.models import SearchEntry
    from fabshare.matching.services import search_entries_refresh

    with transaction.atomic():
        search_entries_refresh()
    log("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for model in (Organization, Organization.certifications.through, NetworkMembership,
                      Site, Resource, Resource.partners.through, Capability,
                      CapabilityMaterial, FreeSlot, SearchEntry):
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    total = {k: loaded.get(k, 0) + v for k, v in counts.items()}
    total["resources"] = loaded["resources"] + len(resources)
    total["seconds"] = round(loaded.get("seconds", 0) + time.monotonic() - started, 1)
    return total


def read_meta(params: dict) -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (params jsonb, loaded jsonb)")
        cursor.execute(f"SELECT params, loaded FROM {META_TABLE}")  # noqa: S608 (constant)
        row = cursor.fetchone()
    if not row:
        return None
    stored, loaded = (json.loads(v) if isinstance(v, str) else v for v in row)
    if stored != params:
        raise SystemExit("The benchmark database was loaded with other parameters; run with "
                         "--fresh (drops and recreates it).")
    return loaded


def write_meta(params: dict, loaded: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608 (a constant name)
        cursor.execute(f"INSERT INTO {META_TABLE} VALUES (%s, %s)",  # noqa: S608
                       [json.dumps(params), json.dumps(loaded)])


# --- requests --------------------------------------------------------------------------------


def create_requests(args, seeker, user) -> list[int]:
    """The 200 requests (one step each) of the seeker, created once with the ORM; their
    locations are sites of the organizations loaded at the first scale."""
    from fabshare.catalog.models import Material, Process
    from fabshare.demand.models import CapacityRequest, RequestStep
    from fabshare.network.models import Certification, Site

    existing = list(RequestStep.objects.filter(request__organization=seeker)
                    .order_by("request_id").values_list("pk", flat=True))
    if len(existing) >= args.queries:  # the same stream: the first N are the same requests
        return existing[:args.queries]
    if existing:
        raise SystemExit(f"The database holds {len(existing)} requests, fewer than --queries "
                         f"{args.queries}; run with --fresh.")
    rng = random.Random(f"{args.seed}:requests")
    process = dict(Process.objects.values_list("code", "pk"))
    material = dict(Material.objects.values_list("code", "pk"))
    certification = dict(Certification.objects.values_list("code", "pk"))
    places = list(Site.objects.exclude(organization=seeker).order_by("pk")
                  .values_list("latitude", "longitude")[:300])
    seeker_site = seeker.sites.first()
    families = {"sheet": SHEET, "bar": BAR, "welding": SHEET, "coating": [], "other": PLASTICS}
    steps = []
    for i in range(args.queries):
        code, _, family = rng.choices(QUERY_PROCESSES,
                                      weights=[w for _, w, _ in QUERY_PROCESSES])[0]
        earliest = (NOW.date() + dt.timedelta(days=rng.randint(0, 21))
                    if rng.random() < 0.7 else None)
        weeks = rng.randint(1, 8)
        deadline = ((earliest or NOW.date()) + dt.timedelta(weeks=weeks)
                    if rng.random() < 0.9 else None)
        hours = Decimal(rng.randint(8, 80)) / 2  # 4–40 h
        request = CapacityRequest(
            organization=seeker, created_by=user, title=f"Bench request {i}: {code}",
            earliest_start=earliest, deadline=deadline, status="open", opened_at=NOW,
            max_distance_km=rng.choice([25, 40, 50, 60, 75, 100, 150])
            if rng.random() < 0.85 else None,
            budget_cents=int(hours * rng.randint(7000, 15000)) if rng.random() < 0.4 else None)
        if rng.random() < 0.25:
            request.site = seeker_site
        else:
            request.latitude, request.longitude = rng.choice(places)
        request.save()
        if rng.random() < 0.2:
            codes = list(REQUEST_CERTIFICATIONS)
            request.certifications.set([certification[rng.choices(
                codes, weights=list(REQUEST_CERTIFICATIONS.values()))[0]]])
        step = RequestStep(request=request, position=1, process_id=process[code],
                           estimated_hours=hours, quantity=rng.choice([1, 10, 50, 200, 1000]))
        if families[family] and rng.random() < 0.45:
            step.material_id = material[rng.choice(families[family])]
        if family in ("sheet", "welding") and rng.random() < 0.5:
            step.thickness_mm = Decimal(rng.choice([1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25]))
        if rng.random() < 0.5:
            largest = {"sheet": 3000, "bar": 800, "welding": 6000, "coating": 5000}.get(
                family, 400)
            step.part_x_mm = rng.randint(50, largest)
            step.part_y_mm = rng.randint(20, max(20, step.part_x_mm))
            if family != "sheet" and rng.random() < 0.6:
                step.part_z_mm = rng.randint(10, max(10, step.part_y_mm))
        if family == "bar" and rng.random() < 0.4:
            step.tolerance_um = rng.choice([5, 10, 20, 50, 100])
        if family in ("welding", "coating") and rng.random() < 0.2:
            step.weight_kg = Decimal(rng.choice([5, 50, 300, 1500]))
        step.save()
        steps.append(step.pk)
    return steps


@dataclass(frozen=True)
class Query:
    step: object  # RequestStep, with its request (and site) loaded as the results page does
    process_ids: tuple[int, ...]  # the step's process and every process below it


def load_queries(step_ids: list[int]) -> list[Query]:
    from fabshare.catalog.selectors import process_descendants
    from fabshare.demand.models import CapacityRequest, RequestStep
    from fabshare.demand.selectors import with_details

    # As the results page loads them: the request with its steps and certifications
    # (demand.selectors.with_details), each step pointing at its request.
    request_ids = RequestStep.objects.filter(pk__in=step_ids).values("request_id")
    steps = {}
    for request in with_details(CapacityRequest.objects.filter(pk__in=request_ids)):
        for step in request.steps.all():
            step.request = request
            steps[step.pk] = step
    return [Query(steps[pk], tuple(process_descendants(steps[pk].process_id))) for pk in step_ids]


def describe(queries: list[Query]) -> str:
    from fabshare.catalog.models import Process

    steps = [q.step for q in queries]
    leaves = set(Process.objects.filter(children__isnull=True).values_list("pk", flat=True))
    def share(test):
        return f"{sum(1 for s in steps if test(s)) * 100 // len(steps)} %"
    return (f"{len(steps)} requests of one step each: process a leaf "
            f"{share(lambda s: s.process_id in leaves)} (else a parent such as laser-cutting, "
            f"milling, bending, machining); radius 25–150 km "
            f"{share(lambda s: s.request.max_distance_km)} "
            f"(else none, ranked by distance); at a delivery site of the seeker "
            f"{share(lambda s: s.request.site_id)} (else at a random site of the first "
            f"organizations); material {share(lambda s: s.material_id)}; thickness "
            f"{share(lambda s: s.thickness_mm)}; part size {share(lambda s: s.part_x_mm)}; "
            f"tolerance {share(lambda s: s.tolerance_um)}; budget "
            f"{share(lambda s: s.request.budget_cents)}; one required certification "
            f"{share(lambda s: s.request.certifications.exists())}; window 1–8 weeks from "
            f"an earliest start 0–3 weeks ahead; 4–40 h")


# --- timing ----------------------------------------------------------------------------------


@dataclass
class Series:
    label: str
    millis: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def baseline(query: Query) -> list:
    from fabshare.catalog.models import Capability

    return list(Capability.objects.filter(process_id__in=query.process_ids).order_by()
                .values_list("pk", "resource_id")[:200])


def time_scale(queries: list[Query], user, warmup: int, passes: int) -> dict[str, Series]:
    from fabshare.matching.selectors import matches_for_step

    kinds = {"matches_for_step": lambda q: matches_for_step(q.step, user=user, now=NOW),
             "baseline: capabilities by process index, LIMIT 200": baseline}
    series = {label: Series(label) for label in kinds}
    near = Series("near misses")
    for q in queries[:warmup]:
        for make in kinds.values():
            make(q)
    for n in range(passes):
        for i, q in enumerate(queries, 1):
            for label, make in kinds.items():
                started = time.perf_counter()
                rows = make(q)
                series[label].millis.append((time.perf_counter() - started) * 1000)
                series[label].rows.append(len(rows))
                if label == "matches_for_step":
                    near.rows.append(sum(1 for r in rows if r.near_miss))
            if i % 50 == 0:
                log(f"  pass {n + 1}: {i}/{len(queries)} queries")
    series["near"] = near
    return series


@contextmanager
def phase_timers(into: dict[str, float]):
    """Time the selector's phases by wrapping what ``candidates_for_step`` calls: the
    search-index query, the free-time aggregate (evaluated inside the wrapper) and the
    ranking."""
    from fabshare.matching import ranking, selectors

    originals = (selectors._entry_rows, selectors.resources_with_free_time, ranking.rank)

    def timed(name, function, evaluate=False):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            result = function(*args, **kwargs)
            if evaluate:
                result = list(result)
            into[name] = into.get(name, 0) + (time.perf_counter() - started) * 1000
            return result
        return wrapper

    selectors._entry_rows = timed("search index (nearest first)", originals[0])
    selectors.resources_with_free_time = timed("free-time aggregate", originals[1], True)
    ranking.rank = timed("ranking", originals[2])
    try:
        yield
    finally:
        selectors._entry_rows, selectors.resources_with_free_time, ranking.rank = originals


def profile_scale(queries: list[Query], user) -> tuple[dict[str, list[float]], list[int],
                                                       list[tuple[float, str, list]]]:
    """Per query: the phases' times and the number of statements; the statements of the
    slowest query (for plans)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fabshare.matching.selectors import matches_for_step

    phases: dict[str, list[float]] = {}
    statements = []
    slowest = (0.0, None)
    for q in queries:
        into: dict[str, float] = {}
        with CaptureQueriesContext(connection) as captured, phase_timers(into):
            started = time.perf_counter()
            matches_for_step(q.step, user=user, now=NOW)
            total = (time.perf_counter() - started) * 1000
        into["whole call"] = total
        into["everything else (need, resources, materials, reputation, …)"] = total - sum(
            v for k, v in into.items() if k != "whole call")
        for k, v in into.items():
            phases.setdefault(k, []).append(v)
        statements.append(len(captured.captured_queries))
        if total > slowest[0]:
            slowest = (total, q, list(captured.captured_queries))
    return phases, statements, slowest


def explain_slowest(captured: list[dict], count: int = 2) -> list[tuple[float, str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the ``count`` slowest statements (as Django logged
    them: its SQL with the parameters inlined, fine for these integer/float/date values)."""
    from django.db import connection

    out = []
    for entry in sorted(captured, key=lambda e: -float(e["time"]))[:count]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {entry['sql']}")
            plan = "\n".join(r[0] for r in cursor.fetchall())
        out.append((float(entry["time"]) * 1000, entry["sql"], plan))
    return out


# --- report ----------------------------------------------------------------------------------


def sizes() -> list[tuple[str, int, int]]:
    from django.db import connection

    from fabshare.availability.models import FreeSlot
    from fabshare.catalog.models import Capability, CapabilityMaterial, Resource
    from fabshare.matching.models import SearchEntry
    from fabshare.network.models import Organization, Site

    out = []
    with connection.cursor() as cursor:
        for model in (Organization, Site, Resource, Capability, CapabilityMaterial, FreeSlot,
                      SearchEntry):
            table = model._meta.db_table
            cursor.execute(sql.SQL("SELECT count(*), pg_total_relation_size(%s) FROM {}").format(
                sql.Identifier(table)), [table])
            out.append((table, *cursor.fetchone()))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL),
                        help="PostgreSQL URL (default: $DATABASE_URL or %(default)s)")
    parser.add_argument("--fresh", action="store_true",
                        help="drop and recreate the benchmark database first")
    parser.add_argument("--scales", type=int, nargs="+", default=list(DEFAULT_SCALES),
                        help=f"resource counts, ascending, multiples of {CLIP}")
    parser.add_argument("--slots-per-resource", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5, help="untimed queries first")
    parser.add_argument("--passes", type=int, default=1,
                        help="time the queries this many times per scale")
    parser.add_argument("--profile", type=int, default=50,
                        help="queries per scale timed again by phase (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.scales != sorted(args.scales) or any(s % CLIP for s in args.scales):
        raise SystemExit(f"--scales must be ascending multiples of {CLIP}.")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark needs PostgreSQL (a postgres:// DATABASE_URL).")

    run_started = time.monotonic()
    started_at = dt.datetime.now(UTC)
    load_before = os.getloadavg()
    prepare_database(args.database_url, fresh=args.fresh)
    setup_django(args.database_url)

    params = {"seed": args.seed, "slots_per_resource": args.slots_per_resource,
              "horizon_start": HORIZON_START.isoformat(),
              "generator": 1}
    loaded = read_meta(params) or {"resources": 0, "organizations": 0}
    if loaded["resources"] > args.scales[0]:
        raise SystemExit(f"The database holds {loaded['resources']} resources, more than the "
                         f"first scale; run with --fresh, or with --scales from "
                         f"{loaded['resources']} up.")
    network, seeker, user = seeker_world()
    results = {}
    for scale in args.scales:
        if loaded["resources"] < scale:
            loaded = load_to(scale, loaded, args, network.pk, seeker.pk)
            write_meta(params, loaded)
        else:
            log(f"reusing the loaded {scale} resources")
        step_ids = create_requests(args, seeker, user)
        queries = load_queries(step_ids)
        log(f"scale {scale}: timing {len(queries)} queries × {args.passes} pass(es)")
        series = time_scale(queries, user, args.warmup, args.passes)
        profile = profile_scale(queries[:args.profile], user) if args.profile else None
        results[scale] = (dict(loaded), series, profile)

    facts = postgres_facts()
    table_sizes = sizes()
    load_after = os.getloadavg()
    total = time.monotonic() - run_started

    print("## Matching selector benchmark\n")
    print(f"- date: {started_at:%Y-%m-%d %H:%M} UTC")
    print(f"- command: `nice -n 10 .venv/bin/python bench/matching/run.py {' '.join(argv)}`")
    print(f"- machine: {os.cpu_count()} cores (shared), {platform.machine()}, Python "
          f"{platform.python_version()}, Django {version('django')}, psycopg "
          f"{version('psycopg')}; load average {load_before[0]:.1f} at the start, "
          f"{load_after[0]:.1f} at the end; whole run {total / 60:.1f} min")
    print(f"- PostgreSQL {facts['server_version']}: " + ", ".join(
        f"{k} {v}" for k, v in facts.items() if k != "server_version"))
    print(f"- queries: {describe(queries)}; `now` = {NOW:%Y-%m-%d %H:%M} UTC; seed "
          f"{args.seed}; {args.warmup} untimed warm-up queries per scale; matches and "
          f"baseline timed query by query, interleaved, wall time, fully evaluated")

    print("\n### Data per scale (cumulative)\n")
    print("| resources | organizations | sites | capabilities | capability materials | "
          "org. certifications | network members | partner rows | free slots | load s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for scale, (data, _, _) in results.items():
        print(f"| {scale} | {data['organizations']} | {data['sites']} | "
              f"{data['capabilities']} | {data['materials']} | {data['certifications']} | "
              f"{data['network']} | {data['partners']} | {data['slots']} | "
              f"{data['seconds']:.0f} |")

    print("\n### Timings (ms)\n")
    print("| resources | query | runs | p50 | p95 | max | rows p50 | rows max |")
    print("|---|---|---|---|---|---|---|---|")
    p95 = {}
    for scale, (_, series, _) in results.items():
        for label, s in series.items():
            if label == "near":
                continue
            p95[(scale, label)] = percentile(s.millis, 0.95)
            print(f"| {scale} | {label} | {len(s.millis)} | {percentile(s.millis, 0.5):.1f} | "
                  f"{p95[(scale, label)]:.1f} | {max(s.millis):.1f} | "
                  f"{percentile(s.rows, 0.5):.0f} | {max(s.rows)} |")
        near = series["near"].rows
        print(f"| {scale} | (of the matches: near misses) | | | | | "
              f"{percentile(near, 0.5):.0f} | {max(near)} |")
    scales = list(results)
    if len(scales) >= 2:
        a, b = scales[-2], scales[-1]
        ratio = p95[(b, "matches_for_step")] / p95[(a, "matches_for_step")]
        print(f"\np95 of matches_for_step at {b} / at {a}: **{ratio:.2f}** (target ≤ 2); "
              f"p95 at {b}: **{p95[(b, 'matches_for_step')]:.1f} ms** (target ≤ 50 ms)")

    if any(p for _, _, p in results.values()):
        print(f"\n### Where the time goes (first {args.profile} queries, timed again, ms)\n")
        print("| resources | phase | p50 | p95 | max |")
        print("|---|---|---|---|---|")
        for scale, (_, _, profile) in results.items():
            phases, statements, _ = profile
            for name, values in phases.items():
                print(f"| {scale} | {name} | {percentile(values, 0.5):.1f} | "
                      f"{percentile(values, 0.95):.1f} | {max(values):.1f} |")
            print(f"| {scale} | SQL statements per call | {percentile(statements, 0.5):.0f} | "
                  f"{percentile(statements, 0.95):.0f} | {max(statements)} |")
        scale = scales[-1]
        _, _, (millis, query, captured) = results[scale][2]
        step = query.step
        print(f"\n### Plans of the slowest call at {scale} resources ({millis:.0f} ms)\n")
        print(f"Step {step.pk}: process id {step.process_id}, radius "
              f"{step.request.max_distance_km} km, material {step.material_id}, thickness "
              f"{step.thickness_mm}, part {step.part_x_mm}×{step.part_y_mm}×{step.part_z_mm}. "
              "Its two slowest statements, EXPLAIN (ANALYZE, BUFFERS) run again:")
        for seconds, statement, plan_text in explain_slowest(captured):
            print(f"\n```sql\n-- {seconds:.1f} ms when timed\n{statement}\n```\n\n```")
            print(plan_text)
            print("```")

    print("\n### Table sizes at the end\n")
    print("| table | rows | with indexes |")
    print("|---|---|---|")
    for table, rows, whole in table_sizes:
        print(f"| {table} | {rows} | {megabytes(whole)} |")
    log(f"done in {total / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
