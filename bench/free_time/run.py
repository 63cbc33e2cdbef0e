"""Benchmark of the free-time selector (issue 3).

Fills a PostgreSQL database with resources (100 000 by default, at 2 000 organizations with
one site each) and their derived free slots (about 10 per resource over a 26-week horizon:
night shifts, weekends, random gaps, day shifts, a few long idle periods; normalized like
``free_time_refresh`` stores them), then times over the same random query windows (1–4 weeks
inside the horizon, random thresholds), in one run and interleaved:

- ``availability.selectors.resources_with_free_time`` with ``min_total`` and with ``min_run``,
  over all resources and over 1 000 candidate resources, fully evaluated (``list(qs)``);
- the baseline: the plain indexed range lookup
  ``FreeSlot.objects.filter(start__lt=end, end__gt=start).values("resource").distinct()``,
  fully evaluated.

``--variant`` adds candidate indexes (with their query rewrite) or a setting, measured on the
same windows in the same run, interleaved; the indexes are dropped again afterwards (the
app's schema is left as the migrations made it).

Prints Markdown to stdout, progress to stderr. Run from the repository root:

    nice -n 10 .venv/bin/python bench/free_time/run.py [--fresh] [--variant all]
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
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fabshare_bench"
BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = dt.UTC
# A fixed horizon, so that every run generates the same data: 26 weeks from Monday
# 4 January 2027, Europe/Brussels, across the change to summer time on 28 March.
HORIZON_START = dt.date(2027, 1, 4)
HORIZON_WEEKS = 26
HORIZON_DAYS = HORIZON_WEEKS * 7
STEPS_PER_DAY = 48  # free time on a half-hour grid of local time
CANDIDATES = 1000  # resources passed as ``resources=`` in the "candidates" queries
META_TABLE = "bench_free_time_meta"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


# --- database --------------------------------------------------------------------------------


def _maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"DATABASE_URL has no database name: {url}")
    return urlunsplit(parts._replace(path="/postgres")), name


def prepare_database(url: str, *, fresh: bool) -> None:
    """Create the benchmark database if it is missing; drop and recreate it with ``fresh``."""
    admin_url, name = _maintenance_url(url)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            log(f"dropping database {name}")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            log(f"creating database {name}")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabshare.settings")
    os.environ.setdefault("DEBUG", "false")  # no query log growing in memory while timing
    import django

    django.setup()
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", interactive=False, verbosity=0)


# --- data ------------------------------------------------------------------------------------


def local_grid() -> list[dt.datetime]:
    """UTC instants of the local half-hour grid over the horizon (one extra day at the end).
    On 28 March 2027 local 02:00 and 02:30 do not exist; they map onto 03:00 and 03:30 so
    the grid stays monotonic (a slot that collapses to nothing is dropped)."""
    grid = []
    for day in range(HORIZON_DAYS + 1):
        date = HORIZON_START + dt.timedelta(days=day)
        midnight = dt.datetime(date.year, date.month, date.day, tzinfo=BRUSSELS)
        for step in range(STEPS_PER_DAY):
            local = midnight + dt.timedelta(minutes=30 * step)  # wall-clock arithmetic
            grid.append(local.astimezone(UTC))
    for i in range(1, len(grid)):
        grid[i] = max(grid[i], grid[i - 1])
    return grid


def normalize(spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Clip to [0, limit), sort, merge overlapping and touching spans (as FreeSlot is kept)."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(limit, e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def resource_spans(rng: random.Random, target: int) -> tuple[str, list[tuple[int, int]]]:
    """Free time of one resource as half-hour grid spans, by a profile drawn at random."""
    day = STEPS_PER_DAY
    week = 7 * day
    limit = HORIZON_DAYS * day
    count = max(1, round(target * rng.uniform(0.5, 1.5)))
    profile = rng.choices(
        ["night shifts", "weekends", "random gaps", "day shifts", "long idle"],
        weights=[30, 25, 25, 15, 5],
    )[0]
    spans: list[tuple[int, int]] = []
    if profile == "night shifts":  # Mon–Fri 22:00–06:00, in whole weeks
        for w in rng.sample(range(HORIZON_WEEKS), min(HORIZON_WEEKS, math.ceil(count / 5))):
            for d in range(5):
                start = w * week + d * day + 44
                spans.append((start, start + 16))
    elif profile == "weekends":  # Friday 18:00 (or Saturday 06:00) to Monday 06:00
        for w in rng.sample(range(HORIZON_WEEKS), min(HORIZON_WEEKS, count)):
            start = w * week + 4 * day + 36 if rng.random() < 0.5 else w * week + 5 * day + 12
            spans.append((start, w * week + 7 * day + 12))
    elif profile == "random gaps":  # 2 hours to 5 days, anywhere
        for _ in range(count):
            length = min(240, max(4, round(rng.lognormvariate(math.log(24), 1.0))))
            start = rng.randrange(0, limit - length)
            spans.append((start, start + length))
    elif profile == "day shifts":  # a free early or late shift on working days
        shift = rng.choice([(12, 28), (28, 44)])
        days = [w * 7 + d for w in range(HORIZON_WEEKS) for d in range(5)]
        for d in rng.sample(days, count):
            spans.append((d * day + shift[0], d * day + shift[1]))
    else:  # a long idle period (1–3 months) plus a few random gaps
        length = rng.randint(30, 90) * day
        start = rng.randrange(0, limit - length)
        spans.append((start, start + length))
        for _ in range(count - 1):
            gap_start = rng.randrange(0, limit - 48)
            spans.append((gap_start, gap_start + rng.randint(4, 48)))
    return profile, normalize(spans, limit)


def _copy_rows(cursor, model, rows: Iterable[dict], connection) -> int:
    """COPY ``rows`` (attname → value) into ``model``'s table; every other column gets the
    field's default, as the ORM would write it."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), columns)
    now = dt.datetime.now(UTC)
    count = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for f in fields:
                if f.attname in row:
                    value = row[f.attname]
                elif f.attname in ("created_at", "updated_at"):
                    value = now
                else:
                    value = f.get_default()
                values.append(f.get_db_prep_save(value, connection))
            copy.write_row(values)
            count += 1
    return count


@dataclass
class LoadReport:
    organizations: int
    resources: int
    slots: int
    profiles: dict[str, int]
    seconds: float
    reused: bool


def load(args) -> LoadReport:
    """Fill the tables unless they already hold this exact data set (same parameters)."""
    from django.db import connection

    from fabshare.availability.models import FreeSlot
    from fabshare.catalog.models import Resource, ResourceKind
    from fabshare.network.models import Organization, OrganizationKind, Site

    params = {"resources": args.resources, "slots_per_resource": args.slots_per_resource,
              "organizations": args.organizations, "seed": args.seed,
              "horizon_start": HORIZON_START.isoformat(), "horizon_weeks": HORIZON_WEEKS,
              "generator": 1}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (params jsonb, report jsonb)")
        cursor.execute(f"SELECT params, report FROM {META_TABLE}")  # noqa: S608 (constant)
        row = cursor.fetchone()
    if row:  # Django's psycopg setup leaves jsonb undecoded
        row = [json.loads(v) if isinstance(v, str) else v for v in row]
    if row and row[0] == params:
        log("reusing the loaded data (same parameters; --fresh reloads)")
        return LoadReport(**{**row[1], "reused": True})
    if row or Resource.objects.exists():
        raise SystemExit("The benchmark database holds other data; run with --fresh "
                         "(drops and recreates it).")

    started = time.monotonic()
    rng = random.Random(args.seed)
    pg = connection.connection  # the underlying psycopg connection (autocommit)
    kinds = [k for k, _ in OrganizationKind.choices]
    with pg.cursor() as cursor:
        log(f"loading {args.organizations} organizations and their sites")
        _copy_rows(cursor, Organization, (
            {"name": f"Bench organization {i}", "slug": f"bench-org-{i}",
             "kind": kinds[i % len(kinds)], "country": "BE" if i % 4 else "NL"}
            for i in range(args.organizations)), connection)
        org_ids = [r[0] for r in cursor.execute(
            sql.SQL("SELECT id FROM {} ORDER BY id").format(
                sql.Identifier(Organization._meta.db_table)))]
        _copy_rows(cursor, Site, (
            {"organization_id": org, "name": "Main site", "city": "Hasselt",
             "latitude": 50.5 + rng.random(), "longitude": 4.5 + 1.5 * rng.random(),
             "is_main": True} for org in org_ids), connection)
        site_of = dict(cursor.execute(sql.SQL("SELECT organization_id, id FROM {}").format(
            sql.Identifier(Site._meta.db_table))).fetchall())

        log(f"loading {args.resources} resources")
        kinds = [k for k, _ in ResourceKind.choices]

        def resources():
            for i in range(args.resources):
                org = org_ids[i % len(org_ids)]
                yield {"organization_id": org, "site_id": site_of[org],
                       "kind": rng.choices(kinds, weights=[80, 12, 8])[0],
                       "name": f"Bench resource {i}", "slug": f"bench-resource-{i}",
                       "price_per_hour_cents": rng.randrange(4000, 25000, 500)}

        _copy_rows(cursor, Resource, resources(), connection)
        resource_ids = [r[0] for r in cursor.execute(
            sql.SQL("SELECT id FROM {} ORDER BY id").format(
                sql.Identifier(Resource._meta.db_table)))]

        log(f"loading about {args.resources * args.slots_per_resource} free slots")
        grid = local_grid()
        profiles: dict[str, int] = {}
        slots = 0
        statement = sql.SQL("COPY {} ({}, {}, {}) FROM STDIN (FORMAT BINARY)").format(
            sql.Identifier(FreeSlot._meta.db_table), sql.Identifier("resource_id"),
            sql.Identifier("start"), sql.Identifier("end"))
        # Resource by resource, as free_time_refresh writes them: the heap is ordered by
        # resource, not by time.
        with cursor.copy(statement) as copy:
            copy.set_types(["int8", "timestamptz", "timestamptz"])
            for resource_id in resource_ids:
                profile, spans = resource_spans(rng, args.slots_per_resource)
                profiles[profile] = profiles.get(profile, 0) + 1
                for start, end in spans:
                    if grid[end] > grid[start]:
                        copy.write_row((resource_id, grid[start], grid[end]))
                        slots += 1
    log("VACUUM ANALYZE")
    vacuum_analyze()
    report = {"organizations": len(org_ids), "resources": len(resource_ids), "slots": slots,
              "profiles": profiles, "seconds": round(time.monotonic() - started, 1)}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608 (a constant name)
        cursor.execute(f"INSERT INTO {META_TABLE} VALUES (%s, %s)",  # noqa: S608
                       [json.dumps(params), json.dumps(report)])
    return LoadReport(**report, reused=False)


def vacuum_analyze() -> None:
    from django.db import connection

    from fabshare.availability.models import FreeSlot
    from fabshare.catalog.models import Resource
    from fabshare.network.models import Organization, Site

    with connection.cursor() as cursor:
        for model in (Organization, Site, Resource, FreeSlot):
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime
    min_total: dt.timedelta
    min_run: dt.timedelta
    candidates: tuple[int, ...]  # organization ids whose resources are the candidates
    soon: dt.datetime  # the same length, starting within the first week of the horizon


def query_windows(args, organization_ids: list[int], per_organization: int) -> list[Window]:
    rng = random.Random(args.seed + 1)
    horizon_start = dt.datetime.combine(HORIZON_START, dt.time(), BRUSSELS)
    hours = HORIZON_DAYS * 24
    windows = []
    organizations = max(1, min(len(organization_ids), CANDIDATES // max(1, per_organization)))
    for _ in range(args.queries):
        length = rng.randint(7, 28) * 24
        start = horizon_start + dt.timedelta(hours=rng.randrange(0, hours - length + 1))
        soon = horizon_start + dt.timedelta(hours=rng.randrange(0, 7 * 24))
        windows.append(Window(
            start=start.astimezone(UTC), end=(start + dt.timedelta(hours=length)).astimezone(UTC),
            min_total=dt.timedelta(hours=rng.choice([8, 16, 24, 40, 60, 80, 120])),
            min_run=dt.timedelta(hours=rng.choice([4, 8, 12, 24, 48, 72])),
            candidates=tuple(rng.sample(organization_ids, organizations)),
            soon=soon.astimezone(UTC),
        ))
    return windows


def overlap_selector(*, start, end, min_total=None, min_run=None, resources=None):
    """``resources_with_free_time`` with the range filter proposed for the GiST variants:
    ``tstzrange(start, end) && tstzrange(a, b)`` instead of ``start < b AND end > a``
    (the same rows: both ranges are half-open)."""
    from django.db.models import DurationField, ExpressionWrapper, F, Max, Q, Sum, Value
    from django.db.models.functions import Greatest, Least

    clipped = ExpressionWrapper(
        Least(F("end"), Value(end)) - Greatest(F("start"), Value(start)),
        output_field=DurationField(),
    )
    rows = overlapping_slots(start, end)
    if resources is not None:
        rows = rows.filter(resource__in=resources.values("pk"))
    rows = rows.values("resource").annotate(free_total=Sum(clipped), free_longest=Max(clipped))
    condition = Q()
    if min_total is not None:
        condition |= Q(free_total__gte=min_total)
    if min_run is not None:
        condition |= Q(free_longest__gte=min_run)
    return rows.filter(condition) if condition else rows


def overlapping_slots(start, end):
    """FreeSlot rows whose tstzrange(start, end) overlaps [start, end) (the && operator)."""
    from django.contrib.postgres.fields import DateTimeRangeField
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
    from django.db.models import F, Func

    from fabshare.availability.models import FreeSlot

    class Period(Func):
        function = "tstzrange"
        output_field = DateTimeRangeField()

    return FreeSlot.objects.alias(period=Period(F("start"), F("end"))).filter(
        period__overlap=DateTimeTZRange(start, end, "[)"))


@dataclass(frozen=True)
class Variant:
    index: str | None
    definition: str  # after "CREATE INDEX <index> ON <table>"
    description: str
    uses_overlap: bool  # queries filter with && (else: the selector as shipped)
    setting: str = ""  # run as SET LOCAL before the queries


VARIANTS = {
    "covering": Variant(
        "bench_free_slot_covering", '("start", "end") INCLUDE ("resource_id")',
        'B-tree ("start", "end") INCLUDE ("resource_id"); queries as shipped', False),
    "gist": Variant(
        "bench_free_slot_period_gist", 'USING gist (tstzrange("start", "end"))',
        'GiST on tstzrange("start", "end"); queries filter with &&', True),
    "gist-covering": Variant(
        "bench_free_slot_period_gist_covering",
        'USING gist (tstzrange("start", "end")) INCLUDE ("resource_id", "start", "end")',
        'GiST on tstzrange("start", "end") INCLUDE ("resource_id", "start", "end"); '
        'queries filter with &&', True),
    "work-mem": Variant(
        None, "", "work_mem 64MB for the queries (SET LOCAL), so hash aggregates stay in "
        "memory; indexes and queries as shipped", False, "SET LOCAL work_mem = '64MB'"),
}
SHIPPED = "as shipped"
# --variant all: the options the issue names plus the setting; gist-covering only on request
# (it behaved like gist in every run and doubles the index size).
ALL_VARIANTS = ["covering", "gist", "work-mem"]


@dataclass
class Series:
    label: str
    millis: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def query_kinds(config: str) -> dict[str, Callable]:
    """label → function(window) returning an unevaluated queryset, for one configuration.
    The variants are timed on the three selector queries that tell them apart (min_run
    costs what min_total costs; the baselines are the shipped reference)."""
    from fabshare.availability.models import FreeSlot
    from fabshare.availability.selectors import resources_with_free_time
    from fabshare.catalog.models import Resource

    def candidates(w: Window):
        return Resource.objects.filter(organization_id__in=w.candidates)

    if config != SHIPPED and VARIANTS[config].uses_overlap:
        selector = overlap_selector

        def baseline(w: Window):
            return overlapping_slots(w.start, w.end).values("resource").distinct()
        baseline_label = "baseline: && lookup, distinct resources"
    else:
        selector = resources_with_free_time

        def baseline(w: Window):
            return FreeSlot.objects.filter(start__lt=w.end, end__gt=w.start).values(
                "resource").distinct()
        baseline_label = "baseline: range lookup, distinct resources"

    kinds = {
        "selector, min_total": lambda w: selector(start=w.start, end=w.end,
                                                  min_total=w.min_total),
        "selector, min_run": lambda w: selector(start=w.start, end=w.end, min_run=w.min_run),
        "selector, min_total, window starting in week 1": lambda w: selector(
            start=w.soon, end=w.soon + (w.end - w.start), min_total=w.min_total),
        baseline_label: baseline,
        f"selector, min_total, {CANDIDATES} candidates": lambda w: selector(
            start=w.start, end=w.end, min_total=w.min_total, resources=candidates(w)),
        f"baseline, {CANDIDATES} candidates": lambda w: baseline(w).filter(
            resource__in=candidates(w).values("pk")),
    }
    if config != SHIPPED:
        for label in ("selector, min_run", baseline_label, f"baseline, {CANDIDATES} candidates"):
            del kinds[label]
    return kinds


@contextmanager
def indexes_of(config: str, present: list[str]):
    """Run the body with only the indexes (and setting) of ``config``: the other variants'
    indexes are dropped inside a transaction that is rolled back (instant either way), so
    every configuration is timed window by window, interleaved, under the same machine
    load."""
    from django.db import connection, transaction

    keep = VARIANTS[config].index if config != SHIPPED else None
    with transaction.atomic():
        with connection.cursor() as cursor:
            for variant in present:
                if VARIANTS[variant].index not in (None, keep):
                    cursor.execute(f"DROP INDEX {VARIANTS[variant].index}")
            if config != SHIPPED and VARIANTS[config].setting:
                cursor.execute(VARIANTS[config].setting)
        yield
        transaction.set_rollback(True)


def time_queries(windows: list[Window], configs: dict[str, dict[str, Callable]],
                 present: list[str], warmup: int) -> dict[str, list[Series]]:
    series = {config: {label: Series(label) for label in kinds}
              for config, kinds in configs.items()}
    for w in windows[:warmup]:  # fill the caches; not timed
        for config, kinds in configs.items():
            with indexes_of(config, present):
                for make in kinds.values():
                    list(make(w))
    for i, w in enumerate(windows, 1):
        for config, kinds in configs.items():
            with indexes_of(config, present):
                for label, make in kinds.items():
                    started = time.perf_counter()
                    rows = list(make(w))
                    series[config][label].millis.append((time.perf_counter() - started) * 1000)
                    series[config][label].rows.append(len(rows))
        if i % 25 == 0:
            log(f"  {i}/{len(windows)} windows")
    return {config: list(by_label.values()) for config, by_label in series.items()}


def explain(queryset, options: str = "ANALYZE, BUFFERS"):
    from django.db import connection

    query, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {query}", params)
        rows = cursor.fetchall()
    if "JSON" in options:
        value = rows[0][0]
        return json.loads(value) if isinstance(value, str) else value
    return "\n".join(r[0] for r in rows)


def server_millis(queryset) -> float:
    """Execution time inside PostgreSQL, without sending the rows to the client (EXPLAIN
    ANALYZE with TIMING OFF, so per-node clock reads add little)."""
    return explain(queryset, "ANALYZE, TIMING OFF, FORMAT JSON")[0]["Execution Time"]


def create_indexes(variants: list[str]) -> list[tuple[str, float, int]]:
    """Create the variants' indexes, ANALYZE (statistics of the indexed expression); return
    (variant, build seconds, bytes)."""
    from django.db import connection

    from fabshare.availability.models import FreeSlot

    table = FreeSlot._meta.db_table
    built = []
    with connection.cursor() as cursor:
        for variant in variants:
            v = VARIANTS[variant]
            if v.index is None:
                continue
            log(f"building index {v.index}")
            started = time.monotonic()
            cursor.execute(f'CREATE INDEX {v.index} ON "{table}" {v.definition}')
            seconds = time.monotonic() - started
            cursor.execute("SELECT pg_relation_size(%s::regclass)", [v.index])
            built.append((variant, seconds, cursor.fetchone()[0]))
        if variants:
            cursor.execute(f'ANALYZE "{table}"')
    return built


def drop_indexes() -> None:
    """Drop every variant's index (also one an interrupted run left behind)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for v in VARIANTS.values():
            if v.index:
                cursor.execute(f"DROP INDEX IF EXISTS {v.index}")


# --- report ----------------------------------------------------------------------------------


def sizes() -> list[tuple[str, int, int, int]]:
    """(relation, rows, table bytes, total bytes), then (index, -1, bytes, -1)."""
    from django.db import connection

    from fabshare.availability.models import FreeSlot
    from fabshare.catalog.models import Resource
    from fabshare.network.models import Organization, Site

    out = []
    with connection.cursor() as cursor:
        for model in (Organization, Site, Resource, FreeSlot):
            table = model._meta.db_table
            query = sql.SQL("SELECT count(*), pg_table_size(%s), pg_total_relation_size(%s) "
                            "FROM {}").format(sql.Identifier(table))
            cursor.execute(query, [table, table])
            out.append((table, *cursor.fetchone()))
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass ORDER BY 1", [FreeSlot._meta.db_table])
        out.extend((f"index {name}", -1, size, -1) for name, size in cursor.fetchall())
    return out


def megabytes(size: int) -> str:
    return "" if size < 0 else f"{size / 1024 / 1024:.1f} MB"


def print_series(title: str, series: list[Series]) -> None:
    print(f"\n### {title}\n")
    print("| query | runs | p50 ms | p95 ms | max ms | rows p50 | rows max |")
    print("|---|---|---|---|---|---|---|")
    for s in series:
        print(f"| {s.label} | {len(s.millis)} | {percentile(s.millis, 0.5):.0f} | "
              f"{percentile(s.millis, 0.95):.0f} | {max(s.millis):.0f} | "
              f"{percentile(s.rows, 0.5):.0f} | {max(s.rows)} |")


def postgres_facts() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        facts = {"server_version": cursor.fetchone()[0]}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost",
                     "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {name}")
            facts[name] = cursor.fetchone()[0]
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL),
                        help="PostgreSQL URL (default: $DATABASE_URL or %(default)s)")
    parser.add_argument("--fresh", action="store_true",
                        help="drop and recreate the benchmark database first")
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--slots-per-resource", type=int, default=10)
    parser.add_argument("--organizations", type=int, default=None,
                        help="default: one per 50 resources (at least 1)")
    parser.add_argument("--queries", type=int, default=200, help="random query windows")
    parser.add_argument("--warmup", type=int, default=5, help="untimed windows first")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variant", action="append", default=[], choices=[*VARIANTS, "all"],
                        help="also measure an index / query / setting change (repeatable; "
                             "'all' = covering, gist, work-mem)")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.organizations is None:
        args.organizations = max(1, args.resources // 50)
    chosen = [v for v in args.variant if v != "all"]
    variants = list(dict.fromkeys((ALL_VARIANTS if "all" in args.variant else []) + chosen))
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark needs PostgreSQL (a postgres:// DATABASE_URL).")

    run_started = time.monotonic()
    started_at = dt.datetime.now(UTC)
    load_before = os.getloadavg()
    prepare_database(args.database_url, fresh=args.fresh)
    setup_django(args.database_url)
    drop_indexes()
    report = load(args)

    from django.db.models import F, Max

    from fabshare.availability.models import FreeSlot
    from fabshare.catalog.models import Resource
    from fabshare.network.models import Organization

    organization_ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    per_organization = max(1, Resource.objects.count() // max(1, len(organization_ids)))
    windows = query_windows(args, organization_ids, per_organization)
    longest = FreeSlot.objects.aggregate(longest=Max(F("end") - F("start")))["longest"]
    # A representative selector query: two weeks from the middle of the horizon, 40 h.
    middle = dt.datetime.combine(HORIZON_START + dt.timedelta(days=HORIZON_DAYS // 2),
                                 dt.time(), BRUSSELS).astimezone(UTC)
    representative = Window(middle, middle + dt.timedelta(days=14), dt.timedelta(hours=40),
                            dt.timedelta(hours=24), windows[0].candidates if windows else (),
                            soon=middle)

    builds: list[tuple[str, float, int]] = []
    try:
        builds = create_indexes(variants)
        configs = {config: query_kinds(config) for config in [SHIPPED, *variants]}
        log(f"timing {len(windows)} windows × "
            f"{sum(len(k) for k in configs.values())} queries ({', '.join(configs)})")
        results = time_queries(windows, configs, variants, args.warmup)
        log("plans and time inside PostgreSQL")
        plans, inside = [], {}
        sample = windows[: min(25, len(windows))]
        soon_start = dt.datetime.combine(  # two weeks from the horizon's second day
            HORIZON_START + dt.timedelta(days=1), dt.time(), BRUSSELS).astimezone(UTC)
        soon = Window(soon_start, soon_start + dt.timedelta(days=14), representative.min_total,
                      representative.min_run, representative.candidates, soon=soon_start)

        def span(w: Window) -> str:
            return f"{w.start:%Y-%m-%d %H:%M} – {w.end:%Y-%m-%d %H:%M} UTC"

        wanted = [("selector, min_total", representative, "selector, min_total 40 h"),
                  ("selector, min_total", soon, "selector, min_total 40 h, window in week 1"),
                  (f"selector, min_total, {CANDIDATES} candidates", representative,
                   f"selector, min_total 40 h, {CANDIDATES} candidates"),
                  ("baseline: range lookup, distinct resources", representative, "baseline")]
        for config, kinds in configs.items():
            with indexes_of(config, variants):
                for label, w, what in wanted:
                    if label in kinds and (config == SHIPPED or label == "selector, min_total"
                                           or w is soon):
                        plans.append((config, f"{what}, {span(w)}", explain(kinds[label](w))))
        for w in sample:  # interleaved as well
            for config, kinds in configs.items():
                with indexes_of(config, variants):
                    inside.setdefault(config, []).append(
                        server_millis(kinds["selector, min_total"](w)))
    finally:
        drop_indexes()
    table_sizes = sizes()  # as the migrations made the schema

    facts = postgres_facts()
    load_after = os.getloadavg()
    total = time.monotonic() - run_started

    print("## Free-time selector benchmark\n")
    print(f"- date: {started_at:%Y-%m-%d %H:%M} UTC")
    print(f"- command: `nice -n 10 .venv/bin/python bench/free_time/run.py {' '.join(argv)}`")
    print(f"- machine: {os.cpu_count()} cores (shared), {platform.machine()}, Python "
          f"{platform.python_version()}, Django {version('django')}, psycopg "
          f"{version('psycopg')}; load average {load_before[0]:.1f} at the start, "
          f"{load_after[0]:.1f} at the end")
    print(f"- PostgreSQL {facts['server_version']}: " + ", ".join(
        f"{k} {v}" for k, v in facts.items() if k != "server_version"))
    print(f"- data: {report.organizations} organizations (one site each), "
          f"{report.resources} resources, {report.slots} free slots over {HORIZON_WEEKS} weeks "
          f"from {HORIZON_START} (Europe/Brussels); profiles (resources) " + ", ".join(
              f"{k} {v}" for k, v in sorted(report.profiles.items())) +
          f"; longest slot {longest / dt.timedelta(days=1):.1f} days; seed {args.seed}; load "
          + (f"reused (it took {report.seconds:.0f} s)" if report.reused
             else f"{report.seconds:.0f} s incl. VACUUM ANALYZE"))
    print(f"- queries: {len(windows)} random windows of 1–4 weeks, min_total 8–120 h, "
          f"min_run 4–72 h; candidates = the resources of "
          f"{len(windows[0].candidates) if windows else 0} random organizations "
          f"(≈{CANDIDATES}); each fully evaluated (`list(qs)`), wall time; every configuration "
          f"timed window by window, interleaved; {args.warmup} untimed warm-up windows; "
          f"whole run {total / 60:.1f} min")

    print("\n### Table sizes\n")
    print("| relation | rows | size | with indexes |")
    print("|---|---|---|---|")
    for relation, rows, table, whole in table_sizes:
        print(f"| {relation} | {'' if rows < 0 else rows} | {megabytes(table)} | "
              f"{megabytes(whole)} |")
    for variant, seconds, size in builds:
        print(f"| variant {variant}: index {VARIANTS[variant].index} (dropped after the run)"
              f" | | {megabytes(size)} | built in {seconds:.1f} s |")

    for config, series in results.items():
        title = "As shipped" if config == SHIPPED else (
            f"Variant {config}: {VARIANTS[config].description}")
        print_series(title, series)

    if inside:
        print("\n### Selector (min_total, all resources): time inside PostgreSQL\n")
        print(f"EXPLAIN (ANALYZE, TIMING OFF) execution time over the first {len(sample)} "
              "windows, rows not sent; the rest of the wall time above is transfer and "
              "building the Python rows.\n")
        print("| configuration | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|")
        for config, values in inside.items():
            print(f"| {config} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f}"
                  f" | {max(values):.0f} |")

    for config, what, plan in plans:
        print(f"\n### Plan ({config}): {what}\n")
        print("```")
        print(plan)
        print("```")
    log(f"done in {total / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
