"""Hand-made instances whose optimal plans are known, and the shared benchmarks.

The `plan` fixture checks every plan with the independent validator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fabshare.planning.fjsp import read_fjsp
from fabshare.planning.generator import NetworkShape, generate_network
from fabshare.planning.greedy import greedy_plan
from fabshare.planning.model import (
    Assignment,
    FixedBooking,
    Instance,
    Job,
    Objective,
    Option,
    PlanningInputError,
    Reason,
    Resource,
    Site,
    Step,
    TransportMatrix,
    Window,
    measure_plan,
)
from fabshare.planning.solver import PlanResult, Progress, SolveParameters, Status, solve

Plan = Callable[..., PlanResult]
SITES = (Site("a", "Genk", 50.965, 5.500), Site("b", "Hasselt", 50.930, 5.338))
LAG = 30


def network(jobs: tuple[Job, ...], resources: tuple[Resource, ...], **kwargs: object) -> Instance:
    return Instance(
        jobs=jobs,
        resources=resources,
        sites=SITES,
        transport=TransportMatrix({("a", "b"): LAG}),
        **kwargs,  # type: ignore[arg-type]
    )


def test_transport_makes_the_nearby_slower_machine_the_better_choice(plan: Plan) -> None:
    # Cutting at b is faster (5 instead of 10) but the part then travels 30 to bend at a.
    instance = network(
        (Job("J", (Step("cut", (Option("laser-a", 10), Option("laser-b", 5))),
                   Step("bend", (Option("press-a", 10),)))),),
        (Resource("laser-a", site="a"), Resource("laser-b", site="b"),
         Resource("press-a", site="a")),
    )
    result = plan(instance)
    assert result.status is Status.OPTIMAL
    assert result.objective_value == result.bound == 20
    assert set(result.assignments) == {
        Assignment("J", "cut", "laser-a", 0, 10),
        Assignment("J", "bend", "press-a", 10, 20),
    }


def test_transport_lag_delays_the_next_step(plan: Plan) -> None:
    instance = network(
        (Job("J", (Step("cut", (Option("laser-b", 5),)), Step("bend", (Option("press-a", 10),)))),),
        (Resource("laser-b", site="b"), Resource("press-a", site="a")),
    )
    result = plan(instance)
    assert set(result.assignments) == {
        Assignment("J", "cut", "laser-b", 0, 5),
        Assignment("J", "bend", "press-a", 5 + LAG, 5 + LAG + 10),
    }
    assert result.metrics.makespan == 45


def test_an_operation_waits_for_a_window_long_enough(plan: Plan) -> None:
    instance = network(
        (Job("J", (Step("mill", (Option("mill", 15),)),)),),
        (Resource("mill", windows=(Window(0, 10), Window(20, 50))),),
    )
    result = plan(instance)
    assert result.assignments == (Assignment("J", "mill", "mill", 20, 35),)
    assert result.status is Status.OPTIMAL


def test_a_splittable_operation_pauses_between_windows(plan: Plan) -> None:
    instance = network(
        (Job("J", (Step("weld", (Option("welder", 15),)),)),),
        (Resource("welder", windows=(Window(0, 10), Window(20, 30), Window(40, 60)),
                  fixed=(FixedBooking(22, 24, "kept"),), splittable=True),),
    )
    result = plan(instance)
    # 10 units in [0, 10), pause, 2 in [20, 22), pause over the booking, 3 in [24, 27).
    assert result.assignments == (Assignment("J", "weld", "welder", 0, 27),)


def test_splittable_and_whole_operations_share_a_resource(plan: Plan) -> None:
    instance = network(
        tuple(
            Job(f"J{n}", (Step("weld", (Option("welder", d),)),), deadline=60)
            for n, d in enumerate((12, 9, 7, 5), 1)
        ),
        (Resource("welder", windows=(Window(0, 10), Window(20, 30), Window(40, 60)),
                  splittable=True),),
    )
    result = plan(instance)
    assert result.metrics.jobs_on_time == 4
    assert result.metrics.makespan == 53  # 33 units of work: 10, 10, then 13 from 40
    assert result.status is Status.OPTIMAL


def test_fixed_bookings_are_planned_around(plan: Plan) -> None:
    instance = network(
        (
            Job("J1", (Step("cut", (Option("fast", 10), Option("slow", 20))),)),
            Job("J2", (Step("cut", (Option("fast", 10),)),)),
        ),
        (
            Resource("fast", fixed=(FixedBooking(5, 15, "maintenance"), FixedBooking(25, 100))),
            Resource("slow"),
        ),
    )
    result = plan(instance)
    assert result.objective_value == 25
    assert set(result.assignments) == {
        Assignment("J1", "cut", "slow", 0, 20),
        Assignment("J2", "cut", "fast", 15, 25),
    }


def test_the_heavier_job_gets_the_deadline_and_the_other_is_late(plan: Plan) -> None:
    instance = network(
        (
            Job("light", (Step("cut", (Option("laser", 10),)),), deadline=10, weight=1),
            Job("heavy", (Step("cut", (Option("laser", 10),)),), deadline=10, weight=3),
        ),
        (Resource("laser"),),
    )
    result = plan(instance)
    assert set(result.assignments) == {
        Assignment("heavy", "cut", "laser", 0, 10),
        Assignment("light", "cut", "laser", 10, 20),
    }
    assert (result.metrics.weight_on_time, result.metrics.total_tardiness) == (3, 10)
    (unserved,) = result.unserved
    assert (unserved.job, unserved.reason, unserved.planned_late) == (
        "light", Reason.CAPACITY_TAKEN, True
    )
    assert "10 late" in unserved.detail


def test_the_solver_serves_deadlines_the_greedy_misses(plan: Plan) -> None:
    instance = network(
        (
            Job("short", (Step("s", (Option("m", 5),)),), deadline=100),
            Job("urgent", (Step("s", (Option("m", 10),)),), deadline=10),
        ),
        (Resource("m"),),
    )
    greedy = measure_plan(instance, greedy_plan(instance).assignments)
    assert greedy.jobs_on_time == 1
    result = plan(instance)
    assert result.metrics.jobs_on_time == 2
    assert result.unserved == ()
    assert result.assignments[0] == Assignment("urgent", "s", "m", 0, 10)


def test_parallel_steps_then_assembly(plan: Plan) -> None:
    instance = network(
        (Job("J", (
            Step("frame", (Option("m1", 5),)),
            Step("panel", (Option("m2", 7),), after=()),
            Step("assemble", (Option("m1", 3),), after=("frame", "panel")),
        )),),
        (Resource("m1"), Resource("m2")),
    )
    result = plan(instance)
    assert result.objective_value == 10
    assert Assignment("J", "assemble", "m1", 7, 10) in result.assignments


def test_reasons_for_jobs_that_cannot_be_served(plan: Plan) -> None:
    instance = network(
        (
            Job("nobody", (Step("anodise", ()),)),
            Job("too-long", (Step("mill", (Option("mill", 30),)),)),
            Job("too-late", (Step("cut", (Option("laser", 10),)),), release=5, deadline=12),
            Job("two-steps", (Step("cut", (Option("laser", 5),)),
                                     Step("mill", (Option("mill", 5),)))),
            Job("fits", (Step("cut", (Option("laser", 10),)),), deadline=40),
        ),
        (
            Resource("laser", windows=(Window(0, 40),)),
            Resource("mill", windows=(Window(0, 20),)),
        ),
        horizon=40,
    )
    result = plan(instance)
    reasons = {u.job: u for u in result.unserved}
    assert reasons["nobody"].reason is Reason.NO_ELIGIBLE_RESOURCE
    assert reasons["too-long"].reason is Reason.NO_WINDOW_LONG_ENOUGH
    assert "needs 30" in reasons["too-long"].detail
    assert "is 20" in reasons["too-long"].detail
    assert reasons["too-late"].reason is Reason.DEADLINE_TOO_EARLY
    assert reasons["too-late"].planned_late
    assert "ends at 15 at the earliest, after its deadline 12" in reasons["too-late"].detail
    # Served on time: a job with no deadline and one within its deadline.
    assert "two-steps" not in reasons
    assert "fits" not in reasons
    assert result.metrics.jobs_on_time == 2


def test_a_job_crowded_out_of_the_period_is_explained(plan: Plan) -> None:
    instance = network(
        (Job("A", (Step("cut", (Option("laser", 10),)),)),
         Job("B", (Step("cut", (Option("laser", 10),)),), weight=2)),
        (Resource("laser", windows=(Window(0, 10),)),),
    )
    result = plan(instance)
    assert result.assignments == (Assignment("B", "cut", "laser", 0, 10),)
    (unserved,) = result.unserved
    assert (unserved.job, unserved.reason, unserved.planned_late) == (
        "A", Reason.CAPACITY_TAKEN, False
    )


def test_late_jobs_can_be_left_out(plan: Plan) -> None:
    instance = network(
        (Job("late", (Step("cut", (Option("laser", 10),)),), release=5, deadline=12),
         Job("ok", (Step("cut", (Option("laser", 10),)),), deadline=30)),
        (Resource("laser"),),
    )
    result = plan(instance, allow_late=False)
    assert [a.job for a in result.assignments] == ["ok"]
    (unserved,) = result.unserved
    assert (unserved.reason, unserved.planned_late) == (Reason.DEADLINE_TOO_EARLY, False)


@pytest.mark.parametrize(
    ("objective", "machine"), [(Objective.MAKESPAN, "fast"), (Objective.COST, "cheap")]
)
def test_cost_or_makespan_decides_last(plan: Plan, objective: Objective, machine: str) -> None:
    instance = network(
        (Job("J", (Step("cut", (Option("fast", 5, cost=100), Option("cheap", 10, cost=10))),),
             deadline=20),),
        (Resource("fast"), Resource("cheap")),
        objective=objective,
    )
    result = plan(instance)
    assert result.assignments[0].resource == machine
    assert result.objective is objective


def test_an_empty_plan_is_explained_not_silent(plan: Plan) -> None:
    instance = network((Job("J", (Step("cut", ()),)),), (Resource("m"),))
    result = plan(instance)
    assert result.assignments == ()
    assert [u.reason for u in result.unserved] == [Reason.NO_ELIGIBLE_RESOURCE]
    assert result.status is Status.OPTIMAL


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(PlanningInputError, match="time limit must be positive"):
        SolveParameters(time_limit=0)
    with pytest.raises(PlanningInputError, match="workers must be a whole number >= 1"):
        SolveParameters(workers=0)
    with pytest.raises(PlanningInputError, match="seed must be a whole number >= 0"):
        SolveParameters(seed=-1)


def test_kacem1_is_solved_to_its_optimum(plan: Plan, fjsp_dir: Path) -> None:
    progress: list[Progress] = []
    instance = read_fjsp(fjsp_dir / "kacem1.fjs")
    result = solve(instance, SolveParameters(time_limit=10, workers=2),
                   on_progress=progress.append)
    assert (result.status, result.objective_value, result.bound, result.gap) == (
        Status.OPTIMAL, 11, 11, 0.0
    )
    assert progress and progress[-1].value == 11
    assert plan(instance).objective_value == 11


def test_mk01_gets_a_good_plan_quickly(plan: Plan, fjsp_dir: Path) -> None:
    instance = read_fjsp(fjsp_dir / "mk01.fjs")
    greedy = measure_plan(instance, greedy_plan(instance).assignments).makespan
    result = plan(instance, time_limit=3)
    assert 40 <= result.objective_value <= greedy
    assert result.bound <= 40
    assert result.wall_time < 10
    assert len(result.assignments) == sum(len(job.steps) for job in instance.jobs)


def test_a_generated_network_is_planned_no_worse_than_greedy(plan: Plan) -> None:
    instance = generate_network(NetworkShape(jobs=15, machines=12, sites=5, weeks=2), seed=3)
    greedy = measure_plan(instance, greedy_plan(instance).assignments)
    result = plan(instance, time_limit=4)
    assert result.metrics.rank(instance.objective) <= greedy.rank(instance.objective)
    served = {a.job for a in result.assignments}
    for unserved in result.unserved:
        assert unserved.planned_late == (unserved.job in served)
    assert result.metrics.jobs_on_time + len(result.unserved) == len(instance.jobs)


def test_one_worker_and_a_seed_repeat_the_same_plan(plan: Plan) -> None:
    instance = generate_network(NetworkShape(jobs=8, machines=10, sites=4, weeks=1), seed=5)
    first = plan(instance, workers=1, seed=7, time_limit=2)
    second = plan(instance, workers=1, seed=7, time_limit=2)
    if first.status is Status.OPTIMAL and second.status is Status.OPTIMAL:
        assert first.metrics == second.metrics
