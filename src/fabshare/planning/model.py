"""Plain data of the network planner: what is to be planned and what a plan is.

An `Instance` holds jobs made of steps, the resources that can run each step (with a
duration per resource, since machines differ in speed), the sites the resources stand at,
the transport time between sites, and per resource its free windows and already-fixed
bookings. Times are whole numbers in one unit chosen by the caller (minutes for network
instances, abstract units for the flexible job shop benchmarks), counted from the start of
the planning period.

Constructing an `Instance` validates it: anything that cannot be planned as given raises
`PlanningInputError` naming the job, step, resource or site and the problem. A step without
any eligible resource, or a deadline that cannot be met, is *not* an input error: the
planner reports it as the reason the job is not served.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class PlanningInputError(ValueError):
    """An instance, a file or a parameter that cannot be planned; the message says why."""


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Window:
    """A half-open interval [start, end) of free time on a resource."""

    start: int
    end: int


@dataclass(frozen=True)
class FixedBooking:
    """Time [start, end) on a resource already taken by a booking the planner must keep."""

    start: int
    end: int
    label: str = ""


@dataclass(frozen=True)
class Site:
    """A place where resources stand; coordinates in decimal degrees (WGS 84)."""

    id: str
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Resource:
    """A machine, facility or expert that runs one operation at a time.

    `windows` lists the free time published for the resource; `None` means free all the
    time. `fixed` lists bookings already made, which the planner plans around. When
    `splittable` is true an operation may pause over the gaps between free windows (and
    over fixed bookings) and resume, otherwise it runs inside one free interval.
    """

    id: str
    site: str | None = None
    windows: tuple[Window, ...] | None = None
    fixed: tuple[FixedBooking, ...] = ()
    splittable: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        if self.windows is not None and not isinstance(self.windows, tuple):
            object.__setattr__(self, "windows", tuple(self.windows))
        if not isinstance(self.fixed, tuple):
            object.__setattr__(self, "fixed", tuple(self.fixed))

    def free_intervals(self, horizon: int) -> list[tuple[int, int]]:
        """Free time inside [0, horizon): the windows, merged, minus the fixed bookings.

        Returns sorted, disjoint, non-adjacent half-open intervals. O(k log k) for k
        windows and bookings.
        """
        if self.windows is None:
            spans = [(0, horizon)]
        else:
            spans = sorted((max(0, w.start), min(horizon, w.end)) for w in self.windows)
        merged: list[list[int]] = []
        for start, end in spans:
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        free = [(start, end) for start, end in merged]
        for booking in sorted(self.fixed, key=lambda b: b.start):
            free = _subtract(free, booking.start, booking.end)
        return free


def _subtract(intervals: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for a, b in intervals:
        if b <= start or a >= end:
            result.append((a, b))
            continue
        if a < start:
            result.append((a, start))
        if b > end:
            result.append((end, b))
    return result


@dataclass(frozen=True)
class Option:
    """One way to run a step: on `resource`, taking `duration`, costing `cost`."""

    resource: str
    duration: int
    cost: int = 0


@dataclass(frozen=True)
class Step:
    """One operation of a job, with the resources eligible to run it.

    `after` names the steps of the same job that must finish (and be transported) before
    this one starts; `None` means "the step listed before it", so a job whose steps all
    leave `after` unset is an ordered chain.
    """

    id: str
    options: tuple[Option, ...]
    after: tuple[str, ...] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.options, tuple):
            object.__setattr__(self, "options", tuple(self.options))
        if self.after is not None and not isinstance(self.after, tuple):
            object.__setattr__(self, "after", tuple(self.after))


@dataclass(frozen=True)
class Job:
    """A multi-step order: earliest start `release`, optional `deadline`, a priority `weight`."""

    id: str
    steps: tuple[Step, ...]
    release: int = 0
    deadline: int | None = None
    weight: int = 1
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.steps, tuple):
            object.__setattr__(self, "steps", tuple(self.steps))

    @cached_property
    def predecessors(self) -> tuple[tuple[int, ...], ...]:
        """For each step (by index), the indices of the steps that must precede it."""
        index = {step.id: position for position, step in enumerate(self.steps)}
        result: list[tuple[int, ...]] = []
        for position, step in enumerate(self.steps):
            if step.after is None:
                result.append((position - 1,) if position > 0 else ())
            else:
                result.append(tuple(index[name] for name in step.after if name in index))
        return tuple(result)

    @cached_property
    def successors(self) -> tuple[tuple[int, ...], ...]:
        """For each step (by index), the indices of the steps that wait for it."""
        result: list[list[int]] = [[] for _ in self.steps]
        for position, preds in enumerate(self.predecessors):
            for pred in preds:
                result[pred].append(position)
        return tuple(tuple(succ) for succ in result)

    @cached_property
    def order(self) -> tuple[int, ...]:
        """Step indices in an order where every step comes after its predecessors (Kahn)."""
        waiting = [len(preds) for preds in self.predecessors]
        ready = [position for position, count in enumerate(waiting) if count == 0]
        order: list[int] = []
        while ready:
            position = ready.pop(0)
            order.append(position)
            for succ in self.successors[position]:
                waiting[succ] -= 1
                if waiting[succ] == 0:
                    ready.append(succ)
        return tuple(order)

    @cached_property
    def sinks(self) -> tuple[int, ...]:
        """Indices of the steps no other step waits for; the job ends when they end."""
        return tuple(position for position, succ in enumerate(self.successors) if not succ)


EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees.

    Haversine formula (R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2),
    1984) with the IUGG mean Earth radius; O(1), accurate to about 0.5 % on Earth.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class TransportMatrix:
    """Time to move a part from one site to another, handling included.

    `lags` maps (from site, to site) to a time; a pair given in one direction also holds in
    the other. Moving within a site, or to or from a resource without a site, takes 0.
    """

    lags: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def lag(self, origin: str | None, destination: str | None) -> int:
        if origin is None or destination is None or origin == destination:
            return 0
        value = self.lags.get((origin, destination))
        if value is None:
            value = self.lags.get((destination, origin))
        if value is None:
            raise PlanningInputError(
                f"transport time from site {origin!r} to site {destination!r} is missing"
            )
        return value

    def has(self, origin: str, destination: str) -> bool:
        return (origin, destination) in self.lags or (destination, origin) in self.lags

    @classmethod
    def from_coordinates(
        cls,
        sites: Iterable[Site],
        *,
        speed_kmh: float = 50.0,
        road_factor: float = 1.3,
        handling: int = 45,
    ) -> TransportMatrix:
        """Transport time in minutes from straight-line distance: road distance is taken as
        `road_factor` times the haversine distance (circuity factors of 1.2–1.4 are typical
        for European road networks), driven at `speed_kmh`, plus `handling` minutes for
        loading and unloading. O(s²) for s sites.
        """
        located = list(sites)
        for site in located:
            if site.latitude is None or site.longitude is None:
                raise PlanningInputError(f"site {site.id!r}: coordinates are missing")
        lags: dict[tuple[str, str], int] = {}
        for i, a in enumerate(located):
            for b in located[i + 1 :]:
                km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]
                lags[(a.id, b.id)] = handling + math.ceil(km * road_factor / speed_kmh * 60)
        return cls(lags)


class Objective(StrEnum):
    """What the planner minimises once jobs served on time and tardiness are settled."""

    MAKESPAN = "makespan"
    COST = "cost"


@dataclass(frozen=True)
class Instance:
    """A planning problem; validated on construction (raises `PlanningInputError`).

    `horizon`, when given, is the end of the planning period: nothing is planned at or
    after it. When omitted it is computed by `planning_horizon`.
    """

    jobs: tuple[Job, ...]
    resources: tuple[Resource, ...]
    sites: tuple[Site, ...] = ()
    transport: TransportMatrix = field(default_factory=TransportMatrix)
    objective: Objective = Objective.MAKESPAN
    horizon: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        for name in ("jobs", "resources", "sites"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "objective", Objective(self.objective))
        validate_instance(self)

    @cached_property
    def resource_index(self) -> dict[str, Resource]:
        return {resource.id: resource for resource in self.resources}

    @cached_property
    def job_index(self) -> dict[str, Job]:
        return {job.id: job for job in self.jobs}

    def lag(self, origin: str, destination: str) -> int:
        """Transport time from resource `origin` to resource `destination`."""
        index = self.resource_index
        return self.transport.lag(index[origin].site, index[destination].site)


def validate_instance(instance: Instance) -> None:
    """Raise `PlanningInputError` for the first problem found, naming where it is.

    Checks identifiers, windows, bookings, durations, costs, release dates, weights,
    precedence (unknown steps, cycles), sites and transport times. O(size of the instance
    + s² for s sites with resources).
    """
    horizon = instance.horizon
    if horizon is not None and (not _is_whole(horizon) or horizon <= 0):
        raise PlanningInputError(f"horizon must be a positive whole number, got {horizon!r}")

    site_ids: set[str] = set()
    for site in instance.sites:
        _check_id("site", site.id)
        if site.id in site_ids:
            raise PlanningInputError(f"site {site.id!r} is listed twice")
        site_ids.add(site.id)
        if site.latitude is not None and not -90 <= site.latitude <= 90:
            raise PlanningInputError(f"site {site.id!r}: latitude {site.latitude} is out of range")
        if site.longitude is not None and not -180 <= site.longitude <= 180:
            raise PlanningInputError(
                f"site {site.id!r}: longitude {site.longitude} is out of range"
            )

    resource_ids: set[str] = set()
    used_sites: set[str] = set()
    for resource in instance.resources:
        _check_id("resource", resource.id)
        where = f"resource {resource.id!r}"
        if resource.id in resource_ids:
            raise PlanningInputError(f"{where} is listed twice")
        resource_ids.add(resource.id)
        if resource.site is not None:
            if resource.site not in site_ids:
                raise PlanningInputError(f"{where}: unknown site {resource.site!r}")
            used_sites.add(resource.site)
        for window in resource.windows or ():
            _check_span(f"{where}: window", window.start, window.end)
        for booking in resource.fixed:
            _check_span(f"{where}: fixed booking {booking.label!r}", booking.start, booking.end)

    job_ids: set[str] = set()
    for job in instance.jobs:
        _check_id("job", job.id)
        where = f"job {job.id!r}"
        if job.id in job_ids:
            raise PlanningInputError(f"{where} is listed twice")
        job_ids.add(job.id)
        if not job.steps:
            raise PlanningInputError(f"{where} has no steps")
        if not _is_whole(job.release) or job.release < 0:
            raise PlanningInputError(
                f"{where}: release must be a whole number >= 0, got {job.release!r}"
            )
        if job.deadline is not None and not _is_whole(job.deadline):
            raise PlanningInputError(
                f"{where}: deadline must be a whole number, got {job.deadline!r}"
            )
        if not _is_whole(job.weight) or job.weight < 1:
            raise PlanningInputError(
                f"{where}: weight must be a whole number >= 1, got {job.weight!r}"
            )
        _check_steps(job, resource_ids)

    for (origin, destination), lag in instance.transport.lags.items():
        for site in (origin, destination):
            if site not in site_ids:
                raise PlanningInputError(f"transport time names unknown site {site!r}")
        if not _is_whole(lag) or lag < 0:
            raise PlanningInputError(
                f"transport time from site {origin!r} to site {destination!r} must be a "
                f"whole number >= 0, got {lag!r}"
            )
    ordered = sorted(used_sites)
    for i, origin in enumerate(ordered):
        for destination in ordered[i + 1 :]:
            if not instance.transport.has(origin, destination):
                raise PlanningInputError(
                    f"transport time from site {origin!r} to site {destination!r} is missing"
                )


def _check_id(kind: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise PlanningInputError(f"{kind} id must be a non-empty text, got {value!r}")


def _check_span(where: str, start: object, end: object) -> None:
    if not _is_whole(start) or not _is_whole(end):
        raise PlanningInputError(f"{where} must have whole-number times, got [{start!r}, {end!r})")
    if start < 0:  # type: ignore[operator]
        raise PlanningInputError(f"{where} starts before time 0: [{start}, {end})")
    if start >= end:  # type: ignore[operator]
        raise PlanningInputError(f"{where} is empty or reversed: [{start}, {end})")


def _check_steps(job: Job, resource_ids: set[str]) -> None:
    step_ids: set[str] = set()
    for step in job.steps:
        _check_id(f"job {job.id!r}: step", step.id)
        where = f"job {job.id!r}, step {step.id!r}"
        if step.id in step_ids:
            raise PlanningInputError(f"{where} is listed twice")
        step_ids.add(step.id)
        seen: set[str] = set()
        for option in step.options:
            if option.resource not in resource_ids:
                raise PlanningInputError(f"{where}: unknown resource {option.resource!r}")
            if option.resource in seen:
                raise PlanningInputError(f"{where}: resource {option.resource!r} is listed twice")
            seen.add(option.resource)
            if not _is_whole(option.duration) or option.duration <= 0:
                raise PlanningInputError(
                    f"{where}: duration on resource {option.resource!r} must be a positive "
                    f"whole number, got {option.duration!r}"
                )
            if not _is_whole(option.cost) or option.cost < 0:
                raise PlanningInputError(
                    f"{where}: cost on resource {option.resource!r} must be a whole number "
                    f">= 0, got {option.cost!r}"
                )
    for step in job.steps:
        for name in step.after or ():
            if name not in step_ids:
                raise PlanningInputError(
                    f"job {job.id!r}, step {step.id!r}: waits for unknown step {name!r}"
                )
            if name == step.id:
                raise PlanningInputError(f"job {job.id!r}, step {step.id!r}: waits for itself")
    if len(job.order) != len(job.steps):
        cycle = _find_cycle(job)
        raise PlanningInputError(
            f"job {job.id!r}: steps wait for each other in a cycle: {' -> '.join(cycle)}"
        )


def _find_cycle(job: Job) -> list[str]:
    """A cycle of step ids in the precedence graph (depth-first search, O(steps + arcs))."""
    state = [0] * len(job.steps)  # 0 unseen, 1 on the stack, 2 done
    stack: list[int] = []

    def visit(node: int) -> list[int] | None:
        state[node] = 1
        stack.append(node)
        for pred in job.predecessors[node]:
            if state[pred] == 1:
                return stack[stack.index(pred) :] + [pred]
            if state[pred] == 0 and (found := visit(pred)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in range(len(job.steps)):
        if state[start] == 0 and (found := visit(start)):
            # The stack follows "waits for" arcs; print in execution order.
            return [job.steps[node].id for node in reversed(found)]
    return []


def planning_horizon(instance: Instance) -> int:
    """End of the planning period: `instance.horizon`, or else a time by which every job
    that can be planned at all can be finished.

    Without a given horizon: the latest of all release dates, window ends and booking ends,
    plus, for every step, its longest duration and the longest transport time. A
    left-shifted plan never needs more (each operation starts at a release, a window start,
    a booking end, or the end of another operation plus a transport). O(size).
    """
    if instance.horizon is not None:
        return instance.horizon
    latest = 0
    for resource in instance.resources:
        for window in resource.windows or ():
            latest = max(latest, window.end)
        for booking in resource.fixed:
            latest = max(latest, booking.end)
    longest_lag = max(instance.transport.lags.values(), default=0)
    work = 0
    for job in instance.jobs:
        latest = max(latest, job.release)
        for step in job.steps:
            work += max((option.duration for option in step.options), default=0) + longest_lag
    return max(1, latest + work)


@dataclass(frozen=True, order=True)
class Assignment:
    """Step `step` of job `job` runs on `resource` during [start, end)."""

    job: str
    step: str
    resource: str
    start: int
    end: int


class Reason(StrEnum):
    """Why a job is not served by its deadline (or not planned at all)."""

    NO_ELIGIBLE_RESOURCE = "no eligible resource"
    NO_WINDOW_LONG_ENOUGH = "no window long enough"
    DEADLINE_TOO_EARLY = "deadline too early"
    CAPACITY_TAKEN = "capacity taken"


@dataclass(frozen=True)
class Unserved:
    """A job not served on time: the reason, a sentence with the figures, and whether the
    plan still includes it (late)."""

    job: str
    reason: Reason
    detail: str
    planned_late: bool = False


@dataclass(frozen=True)
class PlanMetrics:
    """What a plan achieves, computed from its assignments alone by `measure_plan`."""

    jobs_on_time: int
    weight_on_time: int
    jobs_planned: int
    weight_planned: int
    total_tardiness: int
    makespan: int
    cost: int

    def rank(self, objective: Objective) -> tuple[int, int, int, int, int]:
        """Lexicographic key, smaller is better: weighted jobs on time, weighted jobs
        planned, total tardiness, then makespan or cost (the other one breaks ties)."""
        last = (
            (self.makespan, self.cost)
            if objective is Objective.MAKESPAN
            else (self.cost, self.makespan)
        )
        return (-self.weight_on_time, -self.weight_planned, self.total_tardiness, *last)


def measure_plan(instance: Instance, assignments: Sequence[Assignment]) -> PlanMetrics:
    """Metrics of a plan. A job counts as planned when every one of its steps is assigned;
    it is on time when it has no deadline or its last step ends by the deadline.
    O(assignments + steps)."""
    by_job: dict[str, dict[str, Assignment]] = {}
    for assignment in assignments:
        by_job.setdefault(assignment.job, {})[assignment.step] = assignment
    on_time = weight_on_time = planned = weight_planned = tardiness = makespan = cost = 0
    for job in instance.jobs:
        steps = by_job.get(job.id, {})
        if len(steps) != len(job.steps) or any(step.id not in steps for step in job.steps):
            continue
        end = max(assignment.end for assignment in steps.values())
        planned += 1
        weight_planned += job.weight
        makespan = max(makespan, end)
        late = 0 if job.deadline is None else max(0, end - job.deadline)
        tardiness += late
        if late == 0:
            on_time += 1
            weight_on_time += job.weight
        for step in job.steps:
            chosen = steps[step.id].resource
            cost += next((o.cost for o in step.options if o.resource == chosen), 0)
    return PlanMetrics(on_time, weight_on_time, planned, weight_planned, tardiness, makespan, cost)
