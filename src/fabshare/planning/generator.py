"""Seeded generator of realistic regional network instances, for tests and benchmarks.

A network is a set of factory sites around real towns of one region (Belgian and Dutch
Limburg, West Flanders, or the north of the Netherlands), each with a few machines. Every
machine runs one process, at its own speed, and publishes weekly free windows (evenings,
nights, weekends, whole days) of which some are already partly booked. Jobs follow typical
sheet-metal and machining routes of 2–4 steps (laser cutting → press braking → welding →
powder coating, turning → milling → inspection, …), each step eligible on the nearest
machines of its process, with a release date and a deadline days to two weeks later.
Transport time comes from the haversine distance between sites (see
`TransportMatrix.from_coordinates`). Times are minutes from Monday 00:00 of week 1.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from fabshare.planning.model import (
    FixedBooking,
    Instance,
    Job,
    Objective,
    Option,
    PlanningInputError,
    Resource,
    Site,
    Step,
    TransportMatrix,
    Window,
    haversine_km,
)

HOUR = 60
DAY = 24 * HOUR
WEEK = 7 * DAY

TOWNS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "limburg": (
        ("Hasselt", 50.930, 5.338),
        ("Genk", 50.965, 5.500),
        ("Sint-Truiden", 50.816, 5.186),
        ("Lommel", 51.230, 5.313),
        ("Tongeren", 50.781, 5.464),
        ("Beringen", 51.049, 5.226),
        ("Maasmechelen", 50.966, 5.694),
        ("Bilzen", 50.873, 5.519),
        ("Maaseik", 51.098, 5.785),
        ("Venlo", 51.370, 6.172),
        ("Roermond", 51.194, 5.987),
        ("Maastricht", 50.851, 5.691),
        ("Sittard", 51.000, 5.869),
        ("Heerlen", 50.888, 5.979),
        ("Weert", 51.252, 5.706),
    ),
    "west-flanders": (
        ("Kortrijk", 50.828, 3.265),
        ("Roeselare", 50.946, 3.123),
        ("Brugge", 51.209, 3.225),
        ("Ieper", 50.851, 2.885),
        ("Waregem", 50.889, 3.427),
        ("Menen", 50.797, 3.121),
        ("Oostende", 51.216, 2.927),
        ("Izegem", 50.914, 3.214),
        ("Tielt", 50.999, 3.326),
        ("Harelbeke", 50.855, 3.309),
        ("Poperinge", 50.855, 2.726),
        ("Diksmuide", 51.033, 2.864),
        ("Torhout", 51.065, 3.101),
        ("Wevelgem", 50.811, 3.183),
        ("Zwevegem", 50.812, 3.338),
    ),
    "north-nl": (
        ("Groningen", 53.219, 6.567),
        ("Leeuwarden", 53.201, 5.799),
        ("Assen", 52.993, 6.562),
        ("Emmen", 52.779, 6.907),
        ("Drachten", 53.107, 6.099),
        ("Heerenveen", 52.960, 5.920),
        ("Hoogezand", 53.161, 6.761),
        ("Veendam", 53.107, 6.879),
        ("Delfzijl", 53.330, 6.918),
        ("Sneek", 53.033, 5.659),
        ("Meppel", 52.696, 6.194),
        ("Hoogeveen", 52.722, 6.476),
        ("Stadskanaal", 52.990, 6.955),
        ("Winschoten", 53.144, 7.035),
        ("Harlingen", 53.175, 5.422),
    ),
}

# Process: (shortest, longest) duration of a typical batch in minutes, and whether the
# work is manual (an operator can stop at the end of a window and resume later).
PROCESSES: dict[str, tuple[int, int, bool]] = {
    "laser cutting": (60, 240, False),
    "press braking": (45, 180, False),
    "welding": (60, 360, True),
    "cnc milling": (90, 420, False),
    "cnc turning": (60, 300, False),
    "powder coating": (120, 300, False),
    "deburring": (30, 120, True),
    "cmm inspection": (30, 120, True),
    "additive manufacturing": (180, 600, False),
    "waterjet cutting": (60, 240, False),
}

ROUTES: tuple[tuple[str, ...], ...] = (
    ("laser cutting", "press braking", "welding", "powder coating"),
    ("laser cutting", "press braking", "powder coating"),
    ("laser cutting", "welding"),
    ("cnc turning", "cnc milling", "cmm inspection"),
    ("cnc milling", "deburring", "cmm inspection"),
    ("cnc milling", "deburring", "powder coating", "cmm inspection"),
    ("waterjet cutting", "press braking"),
    ("additive manufacturing", "cmm inspection"),
    ("cnc turning", "deburring"),
)


def _weekly(days: range | tuple[int, ...], start: int, end: int) -> list[tuple[int, int]]:
    """Windows on the given weekdays (0 = Monday) from `start` to `end` minutes after
    midnight; an `end` beyond 24 h runs into the next day."""
    return [(day * DAY + start, day * DAY + end) for day in days]


FREE_PATTERNS: dict[str, list[tuple[int, int]]] = {
    "evenings": _weekly(range(5), 16 * HOUR, 22 * HOUR),
    "nights": _weekly(range(4), 22 * HOUR, 30 * HOUR),
    "weekend": [(5 * DAY + 6 * HOUR, 6 * DAY + 18 * HOUR)],
    "mornings": _weekly(range(5), 6 * HOUR, 14 * HOUR),
    "monday and friday": _weekly((0, 4), 6 * HOUR, 22 * HOUR),
    "midweek": _weekly((1, 2), 6 * HOUR, 22 * HOUR),
}


@dataclass(frozen=True)
class NetworkShape:
    """Size of a generated network: jobs, machines, sites, weeks, region, options per step."""

    jobs: int = 50
    machines: int = 40
    sites: int = 15
    weeks: int = 4
    region: str = "limburg"
    max_options: int = 4


def generate_network(shape: NetworkShape | None = None, *, seed: int = 0) -> Instance:
    """A realistic regional instance; the same shape and seed give the same instance.
    O(jobs · machines + sites²)."""
    shape = shape or NetworkShape()
    if shape.region not in TOWNS:
        raise PlanningInputError(
            f"unknown region {shape.region!r}; choose one of {', '.join(sorted(TOWNS))}"
        )
    if shape.machines < len(PROCESSES):
        raise PlanningInputError(
            f"a network needs at least {len(PROCESSES)} machines (one per process), "
            f"got {shape.machines}"
        )
    if shape.jobs < 1 or shape.sites < 1 or shape.weeks < 1 or shape.max_options < 1:
        raise PlanningInputError("jobs, sites, weeks and max_options must be at least 1")
    rng = random.Random(seed)
    sites = _sites(rng, shape)
    resources, process_of, speed_of = _machines(rng, shape, sites)
    site_of = {r.id: r.site for r in resources}
    where = {s.id: (s.latitude, s.longitude) for s in sites}
    by_process: dict[str, list[str]] = {}
    for rid, process in process_of.items():
        by_process.setdefault(process, []).append(rid)

    horizon = shape.weeks * WEEK
    jobs = []
    for number in range(1, shape.jobs + 1):
        route = rng.choice(ROUTES)
        home = rng.choice(sites)
        steps = []
        total = 0
        for position, process in enumerate(route, 1):
            low, high, _ = PROCESSES[process]
            base = rng.randrange(low, high + 1, 15)
            total += base

            def distance(rid: str, home: Site = home) -> float:
                lat, lon = where[site_of[rid]]  # type: ignore[index]
                return haversine_km(home.latitude, home.longitude, lat, lon)  # type: ignore[arg-type]

            candidates = sorted(by_process[process], key=lambda rid: (distance(rid), rid))
            chosen = candidates[: shape.max_options]
            options = tuple(
                Option(
                    rid,
                    max(15, round(base * speed_of[rid] / 15) * 15),
                    cost=round(base * speed_of[rid] / 60 * _HOURLY_RATE[process]),
                )
                for rid in chosen
            )
            steps.append(Step(f"S{position}", options, name=process))
        release = rng.randrange(0, max(1, horizon // 2), HOUR)
        slack = rng.choice((2, 3, 4, 5, 7, 10)) * DAY
        deadline = min(horizon, release + max(slack, 2 * total))
        weight = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        jobs.append(
            Job(
                f"J{number}",
                tuple(steps),
                release=release,
                deadline=deadline,
                weight=weight,
                name=" → ".join(route),
            )
        )
    return Instance(
        jobs=tuple(jobs),
        resources=tuple(resources),
        sites=tuple(sites),
        transport=TransportMatrix.from_coordinates(sites),
        objective=Objective.MAKESPAN,
        horizon=horizon,
        name=f"{shape.region}-{shape.jobs}x{shape.machines}-seed{seed}",
    )


# Indicative hourly rates in euro, machine with operator.
_HOURLY_RATE = {
    "laser cutting": 120,
    "press braking": 85,
    "welding": 70,
    "cnc milling": 95,
    "cnc turning": 90,
    "powder coating": 75,
    "deburring": 55,
    "cmm inspection": 90,
    "additive manufacturing": 60,
    "waterjet cutting": 110,
}


def _sites(rng: random.Random, shape: NetworkShape) -> list[Site]:
    towns = TOWNS[shape.region]
    sites = []
    for number in range(1, shape.sites + 1):
        town, lat, lon = towns[(number - 1) % len(towns)]
        if number <= len(towns):
            name = f"{town} industrial zone"
        else:
            name = f"{town} industrial zone {(number - 1) // len(towns) + 1}"
        sites.append(
            Site(
                f"site-{number}",
                name,
                round(lat + rng.uniform(-0.03, 0.03), 5),
                round(lon + rng.uniform(-0.04, 0.04), 5),
            )
        )
    return sites


def _machines(
    rng: random.Random, shape: NetworkShape, sites: list[Site]
) -> tuple[list[Resource], dict[str, str], dict[str, float]]:
    processes = list(PROCESSES)
    rng.shuffle(processes)
    assigned = processes + [rng.choice(processes) for _ in range(shape.machines - len(processes))]
    resources = []
    process_of: dict[str, str] = {}
    speed_of: dict[str, float] = {}
    for number, process in enumerate(assigned, 1):
        rid = f"m-{number}"
        site = rng.choice(sites)
        patterns = rng.sample(sorted(FREE_PATTERNS), rng.choice((1, 1, 2)))
        windows: list[Window] = []
        fixed: list[FixedBooking] = []
        for week in range(shape.weeks):
            for pattern in patterns:
                for start, end in FREE_PATTERNS[pattern]:
                    if rng.random() < 0.1:
                        continue  # maintenance or own production this week
                    start, end = week * WEEK + start, week * WEEK + end
                    windows.append(Window(start, end))
                    if rng.random() < 0.35:
                        length = (end - start) // rng.choice((2, 3, 4)) // 15 * 15
                        at = start if rng.random() < 0.5 else end - length
                        fixed.append(FixedBooking(at, at + length, "booked"))
        process_of[rid] = process
        speed_of[rid] = rng.uniform(0.75, 1.3)
        resources.append(
            Resource(
                rid,
                site=site.id,
                windows=tuple(windows),
                fixed=tuple(fixed),
                splittable=PROCESSES[process][2] and rng.random() < 0.5,
                name=f"{process} {number}",
            )
        )
    return resources, process_of, speed_of
