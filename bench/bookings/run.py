"""Benchmark of booking requests under contention (issue 5).

On PostgreSQL, 16 worker threads (each with its own connection) call
``fabshare.bookings.services.booking_request`` — the full path: visibility, period checks
against the published availability, the resource row lock, the overlap re-check, the insert
under the exclusion constraint, the audit entry, notifications and the free-time refresh.

Two scenarios in the same run, on the same data, alternating rounds:

- **contended**: the workers request random 1–3 h periods on 5 resources over two days, so
  most attempts collide (409) and all writers of a resource queue on its row lock;
- **distinct** (baseline): the same workers book 1 000 different resources, never colliding.

Prints Markdown (throughput, p50/p95/p99 latency, successes and 409s) to stdout, progress to
stderr. Run from the repository root:

    nice -n 10 .venv/bin/python bench/bookings/run.py [--attempts 60] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import threading
import time
from datetime import timedelta

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fabshare_bench_bookings"
WORKERS = 16
CONTENDED = 5
DISTINCT = 1000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabshare.settings")
    if "FABSHARE_VAR_DIR" not in os.environ:
        import tempfile

        os.environ["FABSHARE_VAR_DIR"] = tempfile.mkdtemp(prefix="fabshare-bench-")
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BOOKINGS_LOCK_TIMEOUT_MS = 60_000


def prepare(url: str):
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    setup_django(url)
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from fabshare.availability.models import AvailabilityWindow
    from fabshare.availability.services import free_time_refresh
    from fabshare.catalog.models import Resource
    from fabshare.network.models import Membership, Organization, Role, User

    log("creating 1 005 resources and 16 seekers")
    provider = Organization.objects.create(name="Bench Provider NV", slug="bench-provider")
    owner = User.objects.create_user(email="owner@bench.example", password=None)
    Membership.objects.create(user=owner, organization=provider, role=Role.OWNER)
    resources = Resource.objects.bulk_create(
        Resource(organization=provider, kind="machine", name=f"Machine {i}", slug=f"m-{i}",
                 visibility="public", price_per_hour_cents=9500)
        for i in range(CONTENDED + DISTINCT))
    now = timezone.now()
    base = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(resource=r, start=now, end=now + timedelta(days=60))
        for r in resources)
    for resource in resources:
        free_time_refresh(resource=resource)
    seekers = []
    for i in range(WORKERS):
        org = Organization.objects.create(name=f"Seeker {i}", slug=f"seeker-{i}")
        user = User.objects.create_user(email=f"seeker{i}@bench.example", password=None)
        Membership.objects.create(user=user, organization=org, role=Role.OWNER)
        seekers.append(user)
    return resources[:CONTENDED], resources[CONTENDED:], seekers, base


def run_round(kind: str, resources, seekers, base, attempts: int, round_no: int) -> dict:
    from django.db import connections

    from fabshare.bookings.services import booking_request
    from fabshare.core.errors import Conflict

    latencies: list[float] = []
    counts = {"ok": 0, "conflict": 0, "error": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(WORKERS + 1)

    def worker(index: int):
        rng = random.Random(f"{kind}-{round_no}-{index}")
        user = seekers[index]
        mine = []
        barrier.wait()
        try:
            for attempt in range(attempts):
                if kind == "contended":
                    resource = rng.choice(resources)
                    start = base + timedelta(days=7 * round_no,
                                             hours=rng.randrange(48))
                    end = start + timedelta(hours=rng.randint(1, 3))
                else:
                    resource = resources[(index + WORKERS * attempt) % len(resources)]
                    start = base + timedelta(days=7 * round_no, hours=4 * (
                        (index + WORKERS * attempt) // len(resources)))
                    end = start + timedelta(hours=2)
                began = time.perf_counter()
                try:
                    booking_request(actor=user, resource=resource, start=start, end=end)
                    outcome = "ok"
                except Conflict:
                    outcome = "conflict"
                except Exception as exc:  # noqa: BLE001 - counted and shown
                    log(f"error: {exc!r}")
                    outcome = "error"
                mine.append(time.perf_counter() - began)
                with lock:
                    counts[outcome] += 1
        finally:
            with lock:
                latencies.extend(mine)
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"kind": kind, "elapsed": elapsed, "latencies": latencies, **counts}


def overlaps() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
            ON a.resource_id = b.resource_id AND a.id < b.id AND a.start < b."end"
           AND b.start < a."end" WHERE a.status IN ('requested', 'countered', 'confirmed',
           'in_progress', 'disputed') AND b.status IN ('requested', 'countered', 'confirmed',
           'in_progress', 'disputed')""")
        return cursor.fetchone()[0]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 \
        else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--attempts", type=int, default=60, help="per worker and round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    contended, distinct, seekers, base = prepare(args.database_url)
    results = {"contended": [], "distinct": []}
    for round_no in range(args.rounds):
        for kind, resources in (("contended", contended), ("distinct", distinct)):
            log(f"round {round_no + 1}: {kind}")
            results[kind].append(run_round(kind, resources, seekers, base, args.attempts,
                                           round_no))
    print(f"Booking requests, {WORKERS} worker threads, {args.attempts} attempts per worker "
          f"and round, {args.rounds} rounds per scenario (alternating), PostgreSQL; "
          f"Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the end.\n")
    print("| scenario | attempts | booked | 409 | errors | throughput (attempts/s) | "
          "p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, label in (("contended", f"contended: {CONTENDED} resources"),
                        ("distinct", f"baseline: {DISTINCT} distinct resources")):
        rows = results[kind]
        latencies = [x for r in rows for x in r["latencies"]]
        elapsed = sum(r["elapsed"] for r in rows)
        total = sum(r["ok"] + r["conflict"] + r["error"] for r in rows)
        print(f"| {label} | {total} | {sum(r['ok'] for r in rows)} | "
              f"{sum(r['conflict'] for r in rows)} | {sum(r['error'] for r in rows)} | "
              f"{total / elapsed:.1f} | {percentile(latencies, 50) * 1000:.0f} | "
              f"{percentile(latencies, 95) * 1000:.0f} | {percentile(latencies, 99) * 1000:.0f} |")
    print(f"\nOverlapping live bookings afterwards: {overlaps()}.")


if __name__ == "__main__":
    main()
