"""An independent check of a plan against its instance.

Written apart from the planners (it shares only the data classes) so that a bug in the
solver's model or in the greedy's free-time arithmetic cannot hide itself: tests run every
plan they produce through `validate_plan`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fabshare.planning.model import Assignment, Instance, Job, Resource


@dataclass(frozen=True)
class Violation:
    """One broken rule: `kind` is a short category, `message` names what and where."""

    kind: str
    message: str


def _union(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(spans: Sequence[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(b, end) - max(a, start)) for a, b in spans)


def _contains(spans: Sequence[tuple[int, int]], time: int) -> bool:
    return any(a <= time < b for a, b in spans)


class _Calendar:
    """Windows and fixed bookings of one resource, as unions of intervals."""

    def __init__(self, resource: Resource, horizon: int | None) -> None:
        if resource.windows is None:
            self.windows = [(0, horizon if horizon is not None else 2**62)]
        else:
            self.windows = _union([(w.start, w.end) for w in resource.windows])
        self.fixed = _union([(b.start, b.end) for b in resource.fixed])
        self.blocked_inside_windows = _union(
            [
                (max(a, c), min(b, d))
                for a, b in self.windows
                for c, d in self.fixed
                if max(a, c) < min(b, d)
            ]
        )

    def working_time(self, start: int, end: int) -> int:
        blocked = _overlap(self.blocked_inside_windows, start, end)
        return _overlap(self.windows, start, end) - blocked

    def is_free(self, time: int) -> bool:
        return _contains(self.windows, time) and not _contains(self.fixed, time)


def validate_plan(instance: Instance, assignments: Sequence[Assignment]) -> list[Violation]:
    """Every rule the plan breaks; an empty list means the plan is valid.

    Checks: known job, step and resource; the resource is eligible for the step; a step is
    assigned at most once and a job either whole or not at all; durations match (on a
    splittable resource: the free time inside the span equals the duration); a
    non-splittable operation lies inside one window and touches no fixed booking; a
    splittable one starts and ends in free time; nothing starts before the job's release,
    before 0 or ends after the instance's horizon; no two operations on a resource overlap;
    every step starts after each predecessor ends plus the transport time between their
    sites. O(a log a + a · (w + b)) for a assignments, w windows and b bookings a resource.
    """
    problems: list[Violation] = []
    resources = {resource.id: resource for resource in instance.resources}
    jobs = {job.id: job for job in instance.jobs}
    calendars = {rid: _Calendar(resource, instance.horizon) for rid, resource in resources.items()}
    chosen: dict[tuple[str, str], Assignment] = {}

    for a in assignments:
        where = f"job {a.job!r}, step {a.step!r} on {a.resource!r} [{a.start}, {a.end})"
        job = jobs.get(a.job)
        if job is None:
            problems.append(Violation("unknown", f"{where}: unknown job"))
            continue
        step = next((s for s in job.steps if s.id == a.step), None)
        if step is None:
            problems.append(Violation("unknown", f"{where}: unknown step"))
            continue
        if a.resource not in resources:
            problems.append(Violation("unknown", f"{where}: unknown resource"))
            continue
        option = next((o for o in step.options if o.resource == a.resource), None)
        if option is None:
            problems.append(Violation("not eligible", f"{where}: resource is not eligible"))
            continue
        if (a.job, a.step) in chosen:
            problems.append(Violation("duplicate", f"{where}: step is assigned twice"))
            continue
        chosen[(a.job, a.step)] = a
        if a.start < 0 or a.end <= a.start:
            problems.append(Violation("time", f"{where}: empty, reversed or before time 0"))
            continue
        if instance.horizon is not None and a.end > instance.horizon:
            problems.append(Violation("horizon", f"{where}: ends after the horizon"))
        if a.start < job.release:
            problems.append(Violation("release", f"{where}: starts before release {job.release}"))
        problems.extend(_check_calendar(a, where, option.duration, resources[a.resource],
                                        calendars[a.resource]))

    for job in instance.jobs:
        present = [s.id for s in job.steps if (job.id, s.id) in chosen]
        if present and len(present) != len(job.steps):
            missing = [s.id for s in job.steps if (job.id, s.id) not in chosen]
            problems.append(
                Violation("incomplete job", f"job {job.id!r}: steps {missing} are not assigned")
            )
        elif present:
            problems.extend(_check_precedence(instance, job, chosen))

    by_resource: dict[str, list[Assignment]] = {}
    for a in chosen.values():
        by_resource.setdefault(a.resource, []).append(a)
    for resource, planned in by_resource.items():
        planned.sort(key=lambda a: (a.start, a.end))
        latest: Assignment | None = None
        for a in planned:
            if latest is not None and a.start < latest.end:
                problems.append(
                    Violation(
                        "overlap",
                        f"resource {resource!r}: job {latest.job!r} step {latest.step!r} "
                        f"[{latest.start}, {latest.end}) overlaps job {a.job!r} step {a.step!r} "
                        f"[{a.start}, {a.end})",
                    )
                )
            if latest is None or a.end > latest.end:
                latest = a
    return problems


def _check_calendar(
    a: Assignment, where: str, duration: int, resource: Resource, calendar: _Calendar
) -> list[Violation]:
    problems = []
    if resource.splittable:
        work = calendar.working_time(a.start, a.end)
        if work != duration:
            problems.append(
                Violation("duration", f"{where}: {work} units of free time, needs {duration}")
            )
        if not calendar.is_free(a.start) or not calendar.is_free(a.end - 1):
            problems.append(Violation("window", f"{where}: starts or ends outside free time"))
        return problems
    if a.end - a.start != duration:
        problems.append(
            Violation("duration", f"{where}: lasts {a.end - a.start}, the duration is {duration}")
        )
    if not any(w_start <= a.start and a.end <= w_end for w_start, w_end in calendar.windows):
        problems.append(Violation("window", f"{where}: not inside one free window"))
    for booking in resource.fixed:
        if booking.start < a.end and a.start < booking.end:
            problems.append(
                Violation(
                    "fixed booking",
                    f"{where}: overlaps fixed booking {booking.label!r} "
                    f"[{booking.start}, {booking.end})",
                )
            )
    return problems


def _check_precedence(
    instance: Instance, job: Job, chosen: dict[tuple[str, str], Assignment]
) -> list[Violation]:
    problems = []
    site = {resource.id: resource.site for resource in instance.resources}
    lags = instance.transport.lags
    for position, step in enumerate(job.steps):
        names = step.after if step.after is not None else (
            (job.steps[position - 1].id,) if position else ()
        )
        succ = chosen[(job.id, step.id)]
        for name in names:
            pred = chosen[(job.id, name)]
            origin, destination = site[pred.resource], site[succ.resource]
            lag = 0
            if origin is not None and destination is not None and origin != destination:
                lag = lags.get((origin, destination), lags.get((destination, origin), 0))
            if succ.start < pred.end + lag:
                problems.append(
                    Violation(
                        "precedence",
                        f"job {job.id!r}: step {step.id!r} starts at {succ.start}, before step "
                        f"{name!r} ends at {pred.end} plus transport {lag}",
                    )
                )
    return problems
