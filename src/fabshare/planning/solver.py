"""The network planner: a CP-SAT model of the instance, optimised lexicographically.

Model (constraint programming with optional intervals; Laborie et al., "IBM ILOG CP
optimizer for scheduling", Constraints 23, 2018, §3; the OR-Tools flexible job shop
example follows the same pattern):

- per job a literal `planned` and, if it has a deadline, a literal `on_time`;
- per step a start and an end, and per eligible resource an optional interval whose
  presence literal says "the step runs here"; exactly one is present iff the job is planned;
- when an option is present, the step's start may only take values at which the
  operation fits in one free interval of the resource (windows minus fixed bookings),
  bounded below by the earliest time the job could reach that step alone
  (`greedy.reach`); on a splittable resource it picks a (start piece, end piece) pair of
  free intervals and its length is the work plus the gaps spanned;
- per resource one no-overlap over its options' intervals and, for non-splittable
  resources, fixed intervals covering the gaps between free windows and the fixed bookings;
- precedence: a step starts no earlier than each predecessor's end plus the transport time
  between the two chosen resources' sites (a linear term per predecessor option, enforced
  by the successor's option literal);
- objectives, in order: maximise the weight of jobs on time, then the weight of jobs
  planned at all (late ones), then minimise total tardiness, then makespan or cost.

The objectives are optimised one after the other on the same model (each phase fixes the
level reached before moving on), each phase hinted with the best plan so far, starting
from the greedy plan. A phase whose value the incumbent already proves optimal (e.g. every
job on time) is skipped. The planner never returns a plan worse than greedy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ortools.sat.python import cp_model

from fabshare.planning.greedy import Reach, Timeline, base_timelines, greedy_plan, reach
from fabshare.planning.model import (
    Assignment,
    Instance,
    Job,
    Objective,
    PlanMetrics,
    PlanningInputError,
    Reason,
    Unserved,
    measure_plan,
    planning_horizon,
)


@dataclass(frozen=True)
class SolveParameters:
    """`time_limit` in seconds covers the whole solve (model building included); `workers`
    is the number of CP-SAT search threads; `seed` makes single-worker runs repeatable;
    `allow_late` lets the plan include jobs that miss their deadline (counted as tardy)
    rather than leave them out."""

    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    allow_late: bool = True
    log: bool = False

    def __post_init__(self) -> None:
        if not self.time_limit > 0:
            raise PlanningInputError(f"time limit must be positive, got {self.time_limit!r}")
        if not isinstance(self.workers, int) or self.workers < 1:
            raise PlanningInputError(f"workers must be a whole number >= 1, got {self.workers!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise PlanningInputError(f"seed must be a whole number >= 0, got {self.seed!r}")


class Status(StrEnum):
    OPTIMAL = "optimal"
    """Every objective level is proven optimal."""
    FEASIBLE = "feasible"
    """A valid plan, not proven optimal within the time limit."""


@dataclass(frozen=True)
class PhaseReport:
    """One objective level: what was reached, the proven bound, how long it took."""

    name: str
    status: str
    value: int
    bound: int
    seconds: float


@dataclass(frozen=True)
class Progress:
    """Sent to `on_progress` whenever the solver finds a better plan in a phase."""

    phase: str
    elapsed: float
    value: float


@dataclass(frozen=True)
class PlanResult:
    """The planner's answer.

    `objective_value` and `bound` are the last objective level (makespan or cost, per
    `objective`), the bound holding given the earlier levels; `gap` is
    (value - bound) / value. `unserved` explains every job not served on time.
    """

    status: Status
    objective: Objective
    objective_value: int
    bound: int
    gap: float
    metrics: PlanMetrics
    assignments: tuple[Assignment, ...]
    unserved: tuple[Unserved, ...]
    source: str
    wall_time: float
    phases: tuple[PhaseReport, ...]
    stopped: bool = False
    """True when `should_stop` ended the search early: the plan is the best found so far."""


def explain_unserved(
    instance: Instance,
    assignments: Sequence[Assignment],
    *,
    horizon: int | None = None,
    reaches: Sequence[Reach] | None = None,
) -> list[Unserved]:
    """For every job not served on time by `assignments`, why.

    No eligible resource: a step lists none. No window long enough: a step cannot be
    placed in any free window of its resources after its release and earlier steps, even
    with the network to itself. Deadline too early: alone on the network the job still
    ends after its deadline. Capacity taken: otherwise; other jobs and fixed bookings hold
    the time it would need. O(instance) plus one `reach` per job.
    """
    horizon = horizon if horizon is not None else planning_horizon(instance)
    timelines: dict[str, Timeline] | None = None
    ends: dict[str, dict[str, int]] = {}
    for a in assignments:
        ends.setdefault(a.job, {})[a.step] = a.end
    result = []
    for index, job in enumerate(instance.jobs):
        steps = ends.get(job.id, {})
        planned = len(steps) == len(job.steps)
        end = max(steps.values()) if planned else None
        if planned and (job.deadline is None or end <= job.deadline):  # type: ignore[operator]
            continue
        if reaches is not None:
            job_reach = reaches[index]
        else:
            timelines = timelines or base_timelines(instance, horizon)
            job_reach = reach(instance, job, timelines)
        result.append(_reason(instance, job, job_reach, horizon, end))
    return result


def _reason(
    instance: Instance, job: Job, job_reach: Reach, horizon: int, end: int | None
) -> Unserved:
    for step in job.steps:
        if not step.options:
            return Unserved(job.id, Reason.NO_ELIGIBLE_RESOURCE,
                            f"step {step.id!r} has no eligible resource")
    if job_reach.completion is None:
        step = job.steps[job_reach.blocked]  # type: ignore[index]
        timelines = base_timelines(instance, horizon)
        longest = max(timelines[o.resource].longest_free() for o in step.options)
        needed = min(o.duration for o in step.options)
        if all(timelines[o.resource].longest_free() < o.duration for o in step.options):
            detail = (
                f"step {step.id!r} needs {needed} at least, the longest free window of its "
                f"{len(step.options)} eligible resources before {horizon} is {longest}"
            )
        else:
            detail = (
                f"step {step.id!r} fits in no free window of its eligible resources after the "
                f"job's release and earlier steps, before the end of the planning period "
                f"({horizon})"
            )
        return Unserved(job.id, Reason.NO_WINDOW_LONG_ENOUGH, detail)
    late = end is not None
    if job.deadline is not None and job_reach.completion > job.deadline:
        return Unserved(
            job.id,
            Reason.DEADLINE_TOO_EARLY,
            f"alone on the network it ends at {job_reach.completion} at the earliest, after "
            f"its deadline {job.deadline}",
            planned_late=late,
        )
    if late:
        detail = (
            f"alone it could end by {job_reach.completion}; other work holds that capacity, "
            f"so it is planned to end at {end}, {end - job.deadline} late"  # type: ignore[operator]
        )
    else:
        detail = (
            f"alone it could end by {job_reach.completion}; other work and fixed bookings "
            "hold the capacity it needs"
        )
    return Unserved(job.id, Reason.CAPACITY_TAKEN, detail, planned_late=late)


@dataclass
class _OptionVars:
    resource: str
    duration: int
    cost: int
    present: cp_model.IntVar
    start: cp_model.IntVar
    end: cp_model.LinearExprT
    interval: cp_model.IntervalVar
    # splittable only: ((start piece, end piece), literal, gap time spanned)
    pieces: list[tuple[tuple[int, int], cp_model.IntVar, int]]
    size: cp_model.IntVar | None
    split_end: cp_model.IntVar | None


@dataclass
class _StepVars:
    start: cp_model.IntVar
    end: cp_model.IntVar
    options: list[_OptionVars]


@dataclass
class _JobVars:
    planned: cp_model.IntVar
    on_time: cp_model.IntVar | None
    tardiness: cp_model.IntVar | None
    steps: list[_StepVars]


class _PlanModel:
    """The CP-SAT model of one instance (see the module docstring)."""

    def __init__(
        self,
        instance: Instance,
        horizon: int,
        reaches: Sequence[Reach],
        parameters: SolveParameters,
    ) -> None:
        self.instance = instance
        self.horizon = horizon
        self.model = cp_model.CpModel()
        self.free = {r.id: r.free_intervals(horizon) for r in instance.resources}
        self.splittable = {r.id: r.splittable for r in instance.resources}
        self.by_resource: dict[str, list[cp_model.IntervalVar]] = {
            r.id: [] for r in instance.resources
        }
        self.jobs: list[_JobVars | None] = [
            self._add_job(job, job_reach, parameters.allow_late)
            for job, job_reach in zip(instance.jobs, reaches, strict=True)
        ]
        self._add_resources()
        self._add_objective_terms()

    # -- variables and constraints ------------------------------------------------------

    def _add_job(self, job: Job, job_reach: Reach, allow_late: bool) -> _JobVars | None:
        m, horizon = self.model, self.horizon
        if job_reach.completion is None:
            return None
        can_be_on_time = job.deadline is None or job_reach.completion <= job.deadline
        if not allow_late and not can_be_on_time:
            return None
        planned = m.new_bool_var(f"planned[{job.id}]")
        on_time: cp_model.IntVar | None
        tardiness: cp_model.IntVar | None = None
        if job.deadline is None:
            on_time = planned
        elif can_be_on_time:
            on_time = m.new_bool_var(f"on_time[{job.id}]")
            m.add_implication(on_time, planned)
            if not allow_late:
                m.add_implication(planned, on_time)
        else:
            on_time = None
        if job.deadline is not None and allow_late and horizon > job.deadline:
            tardiness = m.new_int_var(0, horizon - max(0, job.deadline), f"tardiness[{job.id}]")
            m.add(tardiness == 0).only_enforce_if(~planned)

        steps: list[_StepVars] = []
        for k, step in enumerate(job.steps):
            earliest = job_reach.starts[k]
            viable = [o for o in step.options if o.resource in earliest]
            start = m.new_int_var(min(earliest.values()), horizon, f"start[{job.id},{step.id}]")
            end = m.new_int_var(
                min(job_reach.finishes[k].values()), horizon, f"end[{job.id},{step.id}]"
            )
            options = []
            for option in viable:
                present = planned if len(viable) == 1 else m.new_bool_var(
                    f"on[{job.id},{step.id},{option.resource}]"
                )
                variables = self._add_option(
                    f"{job.id},{step.id},{option.resource}",
                    option.resource,
                    option.duration,
                    option.cost,
                    present,
                    earliest[option.resource],
                    start,
                )
                if variables.start is not start:
                    m.add(start == variables.start).only_enforce_if(present)
                m.add(end == variables.end).only_enforce_if(present)
                options.append(variables)
            if len(viable) > 1:
                m.add(sum(o.present for o in options) == planned)
            steps.append(_StepVars(start, end, options))

        for k, step_vars in enumerate(steps):
            for pred in job.predecessors[k]:
                self._add_precedence(steps[pred], step_vars, planned)
        for k in job.sinks:
            if on_time is not None and job.deadline is not None:
                m.add(steps[k].end <= job.deadline).only_enforce_if(on_time)
            if tardiness is not None:
                m.add(tardiness >= steps[k].end - job.deadline).only_enforce_if(planned)
        return _JobVars(planned, on_time, tardiness, steps)

    def _add_option(
        self,
        name: str,
        resource: str,
        duration: int,
        cost: int,
        present: cp_model.IntVar,
        earliest: int,
        step_start: cp_model.IntVar,
    ) -> _OptionVars:
        m = self.model
        free = self.free[resource]
        if not self.splittable[resource]:
            # Where the resource is free in one stretch, the option's interval shares the
            # step's start variable (as PyJobShop and the OR-Tools examples do), its bounds
            # enforced by its presence; with several free windows it gets its own start
            # variable whose domain is exactly the slots that fit. Measured: sharing
            # searches better on the Brandimarte instances, own domains on the networks.
            slots = [
                [max(a, earliest), b - duration]
                for a, b in free
                if b - duration >= max(a, earliest)
            ]
            if len(slots) == 1:
                start = step_start
                m.add_linear_constraint(start, *slots[0]).only_enforce_if(present)
            else:
                start = m.new_int_var_from_domain(
                    cp_model.Domain.from_intervals(slots), f"s[{name}]"
                )
            interval = m.new_optional_fixed_size_interval_var(
                start, duration, present, f"i[{name}]"
            )
            self.by_resource[resource].append(interval)
            return _OptionVars(resource, duration, cost, present, start, start + duration,
                               interval, [], None, None)

        # Splittable: choose the free piece the operation starts in and the one it ends in.
        cumulative = [0]
        for a, b in free:
            cumulative.append(cumulative[-1] + b - a)

        # In "work time" (free time counted from 0), a start s in piece i sits at
        # W(s) = C_i + s - a_i and the end at W(s) + duration, which must fall in
        # (C_j, C_j+1] for the end piece j.
        pairs: list[tuple[int, int, int, int]] = []  # start piece, end piece, start lo, hi
        for i, (a, b) in enumerate(free):
            lo_start = max(a, earliest)
            if lo_start >= b:
                continue
            latest_end_work = cumulative[i] + (b - 1 - a) + duration
            for j in range(i, len(free)):
                if cumulative[j] >= latest_end_work:
                    break
                lo = max(lo_start, a + cumulative[j] + 1 - duration - cumulative[i])
                hi = min(b - 1, a + cumulative[j + 1] - duration - cumulative[i])
                if lo <= hi:
                    pairs.append((i, j, lo, hi))
        start = m.new_int_var_from_domain(
            cp_model.Domain.from_intervals([[lo, hi] for _, _, lo, hi in pairs]), f"s[{name}]"
        )
        spans = [free[j][0] - cumulative[j] - (free[i][0] - cumulative[i]) for i, j, _, _ in pairs]
        size = m.new_int_var(duration + min(spans), duration + max(spans), f"size[{name}]")
        end = m.new_int_var(0, self.horizon, f"e[{name}]")
        interval = m.new_optional_interval_var(start, size, end, present, f"i[{name}]")
        self.by_resource[resource].append(interval)
        pieces: list[tuple[tuple[int, int], cp_model.IntVar, int]] = []
        literals = []
        for (i, j, lo, hi), span in zip(pairs, spans, strict=True):
            literal = m.new_bool_var(f"piece[{name},{i},{j}]")
            m.add_linear_constraint(start, lo, hi).only_enforce_if(literal)
            m.add(size == duration + span).only_enforce_if(literal)
            literals.append(literal)
            pieces.append(((i, j), literal, span))
        m.add(sum(literals) == 1).only_enforce_if(present)
        return _OptionVars(
            resource, duration, cost, present, start, end, interval, pieces, size, end
        )

    def _add_precedence(self, pred: _StepVars, succ: _StepVars, planned: cp_model.IntVar) -> None:
        m, lag = self.model, self.instance.lag
        least = min(
            lag(o1.resource, o2.resource) for o1 in pred.options for o2 in succ.options
        )
        m.add(succ.start >= pred.end + least).only_enforce_if(planned)
        for o2 in succ.options:
            lags = [lag(o1.resource, o2.resource) - least for o1 in pred.options]
            if not any(lags):
                continue
            if len(set(lags)) == 1 or len(pred.options) == 1:
                m.add(succ.start >= pred.end + least + lags[0]).only_enforce_if(o2.present)
            else:
                transport = sum(
                    extra * o1.present for extra, o1 in zip(lags, pred.options, strict=True)
                )
                m.add(succ.start >= pred.end + least + transport).only_enforce_if(o2.present)

    def _add_resources(self) -> None:
        m = self.model
        for resource in self.instance.resources:
            intervals = self.by_resource[resource.id]
            if not intervals:
                continue
            if not resource.splittable:
                previous = 0
                for a, b in self.free[resource.id] + [(self.horizon, self.horizon)]:
                    if a > previous:
                        intervals.append(m.new_fixed_size_interval_var(previous, a - previous, ""))
                    previous = b
            if len(intervals) > 1:
                m.add_no_overlap(intervals)

    def _add_objective_terms(self) -> None:
        m = self.model
        present = [(job, v) for job, v in zip(self.instance.jobs, self.jobs, strict=True) if v]
        self.on_time = sum(job.weight * v.on_time for job, v in present if v.on_time is not None)
        self.planned = sum(job.weight * v.planned for job, v in present)
        self.tardiness = sum(v.tardiness for _, v in present if v.tardiness is not None)
        self.cost = sum(o.cost * o.present for _, v in present for s in v.steps for o in s.options)
        self.makespan = m.new_int_var(0, self.horizon, "makespan")
        for job, v in present:
            for k in job.sinks:
                m.add(self.makespan >= v.steps[k].end).only_enforce_if(v.planned)
        # Redundant load cuts for resources free all the time (machine-based lower bounds of
        # the job shop, e.g. Brucker, "Scheduling Algorithms", §6): every operation ends by
        # the makespan, so the work planned on one machine, or on all of them divided by
        # their number, fits before it. They give the LP relaxation a makespan bound.
        always_free = {
            r.id for r in self.instance.resources if r.windows is None and not r.fixed
        }
        load: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
        for _, v in present:
            for s in v.steps:
                for o in s.options:
                    if o.resource in always_free:
                        load.setdefault(o.resource, []).append((o.duration, o.present))
        for terms in load.values():
            m.add(self.makespan >= sum(d * p for d, p in terms))
        if len(load) == len(self.instance.resources) and len(load) > 1:
            everything = [term for terms in load.values() for term in terms]
            m.add(len(load) * self.makespan >= sum(d * p for d, p in everything))

    # -- hints and solutions ------------------------------------------------------------

    def hint(self, assignments: Sequence[Assignment], metrics: PlanMetrics) -> None:
        """Hint every variable with the plan `assignments` (complete hints are checked
        and used by CP-SAT as its first solution)."""
        m = self.model
        m.clear_hints()
        chosen = {(a.job, a.step): a for a in assignments}
        for job, v in zip(self.instance.jobs, self.jobs, strict=True):
            if v is None:
                continue
            placed = [chosen.get((job.id, step.id)) for step in job.steps]
            ends = [a.end for a in placed if a is not None]
            planned = len(ends) == len(placed)
            m.add_hint(v.planned, planned)
            if job.deadline is not None and v.on_time is not None and v.on_time is not v.planned:
                m.add_hint(v.on_time, planned and max(ends) <= job.deadline)
            if job.deadline is not None and v.tardiness is not None:
                m.add_hint(v.tardiness, max(0, max(ends) - job.deadline) if planned else 0)
            for a, step_vars in zip(placed, v.steps, strict=True):
                self._hint_step(step_vars, a if planned else None, v.planned)
        m.add_hint(self.makespan, metrics.makespan)

    def _hint_step(self, s: _StepVars, a: Assignment | None, planned: cp_model.IntVar) -> None:
        m = self.model
        m.add_hint(s.start, a.start if a is not None else _lowest(s.start))
        m.add_hint(s.end, a.end if a is not None else _lowest(s.end))
        for o in s.options:
            on = a is not None and a.resource == o.resource
            if o.present is not planned:
                m.add_hint(o.present, on)
            if o.start is not s.start:
                m.add_hint(o.start, a.start if a is not None and on else _lowest(o.start))
            if o.size is None or o.split_end is None:
                continue
            free = self.free[o.resource]
            if a is not None and on:
                m.add_hint(o.split_end, a.end)
                m.add_hint(o.size, a.end - a.start)
                first = next(i for i, (lo, hi) in enumerate(free) if lo <= a.start < hi)
                last = next(j for j, (lo, hi) in enumerate(free) if lo < a.end <= hi)
                which: tuple[int, int] | None = (first, last)
            else:
                m.add_hint(o.size, _lowest(o.size))
                m.add_hint(o.split_end, min(self.horizon, _lowest(o.start) + _lowest(o.size)))
                which = None
            for pair, literal, _ in o.pieces:
                m.add_hint(literal, pair == which)

    def assignments(self, solver: cp_model.CpSolver) -> list[Assignment]:
        result = []
        for job, v in zip(self.instance.jobs, self.jobs, strict=True):
            if v is None or not solver.boolean_value(v.planned):
                continue
            for step, s in zip(job.steps, v.steps, strict=True):
                for o in s.options:
                    if solver.boolean_value(o.present):
                        start = solver.value(o.start)
                        result.append(
                            Assignment(job.id, step.id, o.resource, start, solver.value(o.end))
                        )
                        break
        return result


def _lowest(variable: cp_model.IntVar) -> int:
    return variable.proto.domain[0]


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: str, started: float, report: Callable[[Progress], None] | None,
                 should_stop: Callable[[], bool] | None) -> None:
        super().__init__()
        self.phase, self.started, self.report = phase, started, report
        self.should_stop = should_stop

    def on_solution_callback(self) -> None:
        if self.report is not None:
            self.report(Progress(self.phase, time.monotonic() - self.started,
                                 self.objective_value))
        if self.should_stop is not None and self.should_stop():
            self.stop_search()


class _StopWatch:
    """Calls `solver.stop_search()` as soon as `should_stop()` turns true, polled every
    `interval` seconds from a daemon thread: a search that finds no new solution (so never
    enters the solution callback) still stops within about `interval`."""

    def __init__(self, solver: cp_model.CpSolver, should_stop: Callable[[], bool],
                 interval: float = 0.05) -> None:
        self.solver, self.should_stop, self.interval = solver, should_stop, interval
        self.done = threading.Event()
        self.fired = False
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.done.wait(self.interval):
            if self.should_stop():
                self.fired = True
                self.solver.stop_search()
                return

    def __enter__(self) -> _StopWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.done.set()
        self.thread.join()


@dataclass
class _Phase:
    name: str
    expression: cp_model.LinearExprT
    maximize: bool
    best_possible: int | None
    value: Callable[[PlanMetrics], int]
    share: float = 0.25
    settled: bool = False


def solve(
    instance: Instance,
    parameters: SolveParameters | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PlanResult:
    """Plan `instance` (see the module docstring). Returns within about `time_limit`
    seconds plus the time to build the model; always returns a valid plan (possibly empty,
    with every job explained in `unserved`).

    `should_stop`, when given, is asked between phases, at every solution found and every
    50 ms during a search (from another thread, so it must be cheap and thread-safe); once
    it answers true the search ends and the best plan so far is returned with
    `stopped=True`."""
    parameters = parameters or SolveParameters()
    started = time.monotonic()
    deadline = started + parameters.time_limit
    horizon = planning_horizon(instance)
    greedy_assignments = list(greedy_plan(instance, horizon=horizon).assignments)
    if not parameters.allow_late:
        greedy_assignments = _without_late_jobs(instance, greedy_assignments)
    greedy_metrics = measure_plan(instance, greedy_assignments)
    total_weight = sum(job.weight for job in instance.jobs)
    if greedy_metrics.weight_on_time == total_weight and instance.objective is Objective.MAKESPAN:
        # Every job on time: the optimum is no longer than the greedy plan.
        horizon = max(1, greedy_metrics.makespan)
    timelines = base_timelines(instance, horizon)
    reaches = [reach(instance, job, timelines) for job in instance.jobs]

    plan_model = _PlanModel(instance, horizon, reaches, parameters)
    incumbent = greedy_assignments
    incumbent_metrics = greedy_metrics
    source = "greedy"

    reachable_on_time = sum(
        job.weight
        for job, r in zip(instance.jobs, reaches, strict=True)
        if r.completion is not None and (job.deadline is None or r.completion <= job.deadline)
    )
    reachable = sum(
        job.weight for job, v in zip(instance.jobs, plan_model.jobs, strict=True) if v is not None
    )
    final_name = instance.objective.value
    phases = [
        _Phase("on time", plan_model.on_time, True, reachable_on_time, lambda x: x.weight_on_time,
               share=0.4),
        _Phase("planned", plan_model.planned, True, reachable, lambda x: x.weight_planned,
               share=0.15),
        _Phase("tardiness", plan_model.tardiness, False, 0, lambda x: x.total_tardiness,
               share=0.25),
        _Phase(
            final_name,
            plan_model.makespan if instance.objective is Objective.MAKESPAN else plan_model.cost,
            False,
            None,
            (lambda x: x.makespan) if instance.objective is Objective.MAKESPAN
            else (lambda x: x.cost),
            share=0.2,
        ),
    ]
    if not parameters.allow_late:
        # Only jobs on time are planned: "planned" equals "on time", tardiness is 0.
        phases[1].settled = phases[2].settled = True
    if instance.objective is Objective.MAKESPAN:
        phases[-1].best_possible = max(
            (r.completion for r in reaches if r.completion is not None), default=0
        ) if incumbent_metrics.jobs_planned == len(instance.jobs) else None

    reports: list[PhaseReport] = []
    all_proven = True
    stopped = False
    for index, phase in enumerate(phases):
        phase_started = time.monotonic()
        value = phase.value(incumbent_metrics)
        if not stopped and should_stop is not None and should_stop():
            stopped = True
        if stopped:
            reports.append(PhaseReport(phase.name, "stopped", value, _unknown_bound(phase), 0.0))
            all_proven = False
            _fix(plan_model.model, phase, value)
            continue
        if phase.settled or isinstance(phase.expression, int) or value == phase.best_possible:
            bound = value
            reports.append(PhaseReport(phase.name, "trivial", value, bound, 0.0))
            _fix(plan_model.model, phase, value)
            continue
        remaining = deadline - time.monotonic()
        share = sum(p.share for p in phases[index:] if not p.settled)
        budget = remaining * phase.share / share
        if budget < 0.05:
            reports.append(PhaseReport(phase.name, "skipped", value, _unknown_bound(phase), 0.0))
            all_proven = False
            _fix(plan_model.model, phase, value)
            continue
        if phase.maximize:
            plan_model.model.maximize(phase.expression)
        else:
            plan_model.model.minimize(phase.expression)
        plan_model.hint(incumbent, incumbent_metrics)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = budget if index < len(phases) - 1 else remaining
        solver.parameters.num_workers = parameters.workers
        solver.parameters.random_seed = parameters.seed
        solver.parameters.log_search_progress = parameters.log
        # Probing in presolve is worth a second on a small model but can eat a whole phase
        # on a large one; cap it at 1 % of the phase's time (deterministic seconds).
        solver.parameters.probing_deterministic_time_limit = min(1.0, 0.01 * budget)
        callback = (
            _ProgressCallback(phase.name, started, on_progress, should_stop)
            if on_progress or should_stop else None
        )
        if should_stop is not None:
            with _StopWatch(solver, should_stop) as watch:
                status = solver.solve(plan_model.model, callback)
            stopped = watch.fired or should_stop()
        else:
            status = solver.solve(plan_model.model, callback)
        status_name = solver.status_name(status)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = plan_model.assignments(solver)
            found_metrics = measure_plan(instance, found)
            rank = incumbent_metrics.rank(instance.objective)[: index + 1]
            if found_metrics.rank(instance.objective)[: index + 1] <= rank:
                incumbent, incumbent_metrics, source = found, found_metrics, "solver"
            value = phase.value(incumbent_metrics)
            bound = round(solver.best_objective_bound)
            bound = min(bound, value) if not phase.maximize else max(bound, value)
        else:
            bound = _unknown_bound(phase)
        if status != cp_model.OPTIMAL:
            all_proven = False
        if status == cp_model.OPTIMAL:
            bound = value
        reports.append(
            PhaseReport(phase.name, status_name.lower(), value, bound,
                        round(time.monotonic() - phase_started, 3))
        )
        _fix(plan_model.model, phase, value)

    final = reports[-1]
    objective_value, bound = final.value, final.bound
    gap = 0.0 if objective_value <= 0 else max(0.0, (objective_value - bound) / objective_value)
    unserved = explain_unserved(instance, incumbent, horizon=horizon, reaches=reaches)
    return PlanResult(
        status=Status.OPTIMAL if all_proven else Status.FEASIBLE,
        objective=instance.objective,
        objective_value=objective_value,
        bound=bound,
        gap=gap,
        metrics=incumbent_metrics,
        assignments=tuple(sorted(incumbent, key=lambda a: (a.start, a.job, a.step))),
        unserved=tuple(unserved),
        source=source,
        wall_time=round(time.monotonic() - started, 3),
        phases=tuple(reports),
        stopped=stopped,
    )


def _without_late_jobs(instance: Instance, assignments: list[Assignment]) -> list[Assignment]:
    ends: dict[str, int] = {}
    for a in assignments:
        ends[a.job] = max(ends.get(a.job, 0), a.end)
    late = {
        job.id
        for job in instance.jobs
        if job.deadline is not None and ends.get(job.id, 0) > job.deadline
    }
    return [a for a in assignments if a.job not in late]


def _unknown_bound(phase: _Phase) -> int:
    return phase.best_possible if phase.best_possible is not None else 0


def _fix(model: cp_model.CpModel, phase: _Phase, value: int) -> None:
    if isinstance(phase.expression, int):
        return
    if phase.maximize:
        model.add(phase.expression >= value)
    else:
        model.add(phase.expression <= value)
