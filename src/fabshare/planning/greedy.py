"""Earliest-finish dispatching: a fast plan used as baseline and as the solver's hint.

Also home of the free-time arithmetic both planners share: `Timeline` (the free time left
on one resource) and `reach` (the earliest each step of a job could run if the job had the
network to itself), which gives the solver its time bounds and the reasons for unserved
jobs.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass
from operator import itemgetter

from fabshare.planning.model import Assignment, Instance, Job, planning_horizon

_end = itemgetter(1)


class Timeline:
    """The free time of one resource as sorted, disjoint, non-adjacent [start, end) intervals.

    `base` is the resource's free time before anything is planned (windows minus fixed
    bookings). On a non-splittable resource an operation needs one free interval long
    enough; on a splittable one it may span gaps of `base` (pausing there) but never an
    interval taken by another operation. Finding a fit is O(log n + scanned intervals).
    """

    def __init__(self, base: list[tuple[int, int]], splittable: bool = False) -> None:
        self.base = list(base)
        self.splittable = splittable
        self.free = list(base)

    def fit(self, ready: int, duration: int) -> tuple[int, int] | None:
        """Earliest [start, end) at or after `ready` that can run `duration` units of work."""
        if self.splittable:
            return self._fit_splitting(ready, duration)
        free = self.free
        for a, b in free[bisect_right(free, ready, key=_end) :]:
            start = max(a, ready)
            if start + duration <= b:
                return start, start + duration
        return None

    def _fit_splitting(self, ready: int, duration: int) -> tuple[int, int] | None:
        free = self.free
        i = bisect_right(free, ready, key=_end)
        while i < len(free):
            start = cursor = max(free[i][0], ready)
            need = duration
            k = i
            while True:
                available = free[k][1] - cursor
                if available >= need:
                    return start, cursor + need
                need -= available
                if k + 1 >= len(free):
                    return None
                if self._base_free_between(free[k][1], free[k + 1][0]):
                    break  # another operation sits in between: start after it
                k += 1
                cursor = free[k][0]
            i = k + 1
        return None

    def _base_free_between(self, start: int, end: int) -> bool:
        j = bisect_right(self.base, start, key=_end)
        return j < len(self.base) and self.base[j][0] < end

    def reserve(self, start: int, end: int) -> None:
        """Take [start, end) out of the free time."""
        free = self.free
        i = bisect_right(free, start, key=_end)
        j = i
        replacement: list[tuple[int, int]] = []
        while j < len(free) and free[j][0] < end:
            a, b = free[j]
            if a < start:
                replacement.append((a, start))
            if b > end:
                replacement.append((end, b))
            j += 1
        free[i:j] = replacement

    def release(self, start: int, end: int) -> None:
        """Give back what `reserve(start, end)` took: the base free time inside [start, end)."""
        pieces = [(max(a, start), min(b, end)) for a, b in self.base if a < end and b > start]
        merged: list[tuple[int, int]] = []
        for a, b in sorted(self.free + pieces):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        self.free = merged

    def longest_free(self) -> int:
        """Longest stretch of work that fits: one interval, or all free time if splittable."""
        lengths = [b - a for a, b in self.free]
        return sum(lengths) if self.splittable else max(lengths, default=0)


def base_timelines(instance: Instance, horizon: int) -> dict[str, Timeline]:
    return {
        resource.id: Timeline(resource.free_intervals(horizon), resource.splittable)
        for resource in instance.resources
    }


@dataclass(frozen=True)
class Reach:
    """Earliest times of a job planned alone (no other job, same windows and bookings).

    `starts[k]` maps each resource on which step k can run to its earliest start there,
    `finishes[k]` to its earliest end; `completion` is the earliest end of the whole job,
    `None` when the job cannot be planned before the horizon, in which case `blocked` is
    the index of the first step that cannot be placed.
    """

    starts: tuple[dict[str, int], ...]
    finishes: tuple[dict[str, int], ...]
    completion: int | None
    blocked: int | None


def reach(instance: Instance, job: Job, timelines: dict[str, Timeline]) -> Reach:
    """Earliest start and finish of every (step, resource) pair for `job` alone.

    Dynamic programming over the steps in precedence order: a step on resource r is ready
    when every predecessor could have finished on some resource r' plus the transport from
    r' to r; it starts at the earliest fit in r's free time. Because the earliest fit is
    monotone in the ready time, this is exact for chains and a lower bound when a step has
    several predecessors. O(steps × options² × fit).
    """
    starts: list[dict[str, int]] = [{} for _ in job.steps]
    finishes: list[dict[str, int]] = [{} for _ in job.steps]
    blocked: int | None = None
    for k in job.order:
        for option in job.steps[k].options:
            ready: int | None = job.release
            for pred in job.predecessors[k]:
                arrivals = [
                    end + instance.lag(resource, option.resource)
                    for resource, end in finishes[pred].items()
                ]
                if not arrivals:
                    ready = None
                    break
                ready = max(ready, min(arrivals))  # type: ignore[type-var]
            if ready is None:
                continue
            placed = timelines[option.resource].fit(ready, option.duration)
            if placed is not None:
                starts[k][option.resource], finishes[k][option.resource] = placed
        if not finishes[k] and blocked is None:
            blocked = k
    completion = None
    if blocked is None:
        completion = max(min(finishes[k].values()) for k in job.sinks)
    return Reach(tuple(starts), tuple(finishes), completion, blocked)


@dataclass(frozen=True)
class GreedyPlan:
    assignments: tuple[Assignment, ...]
    unplanned: tuple[str, ...]


def greedy_plan(instance: Instance, *, horizon: int | None = None) -> GreedyPlan:
    """Earliest-finish dispatching (a list-scheduling heuristic in the style of Giffler and
    Thompson, 1960, with the "earliest completion time" machine choice common for flexible
    job shops, e.g. Brandimarte 1993).

    Repeatedly takes, among all steps whose predecessors are placed, the step and resource
    that would finish earliest (ties: earlier deadline, then instance order), and places it
    at its earliest fit after its release and its predecessors' ends plus transport. A job
    one of whose steps cannot be placed before the horizon is taken out again whole.

    Finishing times only grow as resources fill up, so a heap keyed by possibly stale
    finishing times, re-checked on pop, yields the true minimum (lazy evaluation).
    O(n log n · options · fit) for n steps in the usual case.
    """
    horizon = horizon if horizon is not None else planning_horizon(instance)
    timelines = base_timelines(instance, horizon)
    jobs = instance.jobs
    placed: list[dict[int, tuple[str, int, int]]] = [{} for _ in jobs]
    waiting = [[len(preds) for preds in job.predecessors] for job in jobs]
    dropped = [False] * len(jobs)
    never = horizon + 1
    heap: list[tuple[int, int, int, int]] = []

    def best(j: int, k: int) -> tuple[int, int, str] | None:
        job = jobs[j]
        found: tuple[int, int, int, str] | None = None
        for option in job.steps[k].options:
            ready = job.release
            for pred in job.predecessors[k]:
                resource, _, end = placed[j][pred]
                ready = max(ready, end + instance.lag(resource, option.resource))
            fit = timelines[option.resource].fit(ready, option.duration)
            if fit is not None:
                key = (fit[1], option.cost, fit[0], option.resource)
                if found is None or key < found:
                    found = key
        return None if found is None else (found[0], found[2], found[3])

    def drop(j: int) -> None:
        dropped[j] = True
        for resource, start, end in placed[j].values():
            timelines[resource].release(start, end)
        placed[j].clear()

    def offer(j: int, k: int) -> None:
        candidate = best(j, k)
        if candidate is None:
            drop(j)
        else:
            deadline = jobs[j].deadline
            heapq.heappush(heap, (candidate[0], never if deadline is None else deadline, j, k))

    for j in range(len(jobs)):
        for k, count in enumerate(waiting[j]):
            if count == 0 and not dropped[j]:
                offer(j, k)

    while heap:
        finish, deadline_key, j, k = heapq.heappop(heap)
        if dropped[j]:
            continue
        candidate = best(j, k)
        if candidate is None:
            drop(j)
            continue
        if candidate[0] > finish:
            heapq.heappush(heap, (candidate[0], deadline_key, j, k))
            continue
        end, start, resource = candidate
        timelines[resource].reserve(start, end)
        placed[j][k] = (resource, start, end)
        for succ in jobs[j].successors[k]:
            waiting[j][succ] -= 1
            if waiting[j][succ] == 0:
                offer(j, succ)
                if dropped[j]:
                    break

    assignments = [
        Assignment(jobs[j].id, jobs[j].steps[k].id, resource, start, end)
        for j in range(len(jobs))
        if not dropped[j]
        for k, (resource, start, end) in placed[j].items()
    ]
    unplanned = tuple(job.id for j, job in enumerate(jobs) if dropped[j])
    return GreedyPlan(tuple(sorted(assignments, key=lambda a: (a.start, a.job, a.step))), unplanned)
