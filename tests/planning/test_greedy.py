from __future__ import annotations

from pathlib import Path

from fabshare.planning.fjsp import read_fjsp
from fabshare.planning.greedy import Timeline, base_timelines, greedy_plan, reach
from fabshare.planning.model import (
    Assignment,
    FixedBooking,
    Instance,
    Job,
    Option,
    Resource,
    Site,
    Step,
    TransportMatrix,
    Window,
    measure_plan,
)
from fabshare.planning.validate import validate_plan


def test_timeline_finds_the_earliest_interval_long_enough() -> None:
    timeline = Timeline([(0, 10), (20, 50)])
    assert timeline.fit(0, 15) == (20, 35)
    assert timeline.fit(3, 5) == (3, 8)
    assert timeline.fit(8, 5) == (20, 25)
    assert timeline.fit(0, 40) is None


def test_timeline_reserve_and_release_restore_the_free_time() -> None:
    timeline = Timeline([(0, 10), (20, 50)])
    timeline.reserve(25, 30)
    assert timeline.free == [(0, 10), (20, 25), (30, 50)]
    assert timeline.fit(20, 10) == (30, 40)
    timeline.release(25, 30)
    assert timeline.free == [(0, 10), (20, 50)]


def test_splittable_timeline_pauses_over_gaps_but_not_over_other_work() -> None:
    timeline = Timeline([(0, 10), (20, 30), (40, 60)], splittable=True)
    assert timeline.fit(0, 15) == (0, 25)
    assert timeline.fit(5, 15) == (5, 30)  # 5 units, a pause, then 10 units
    timeline.reserve(22, 25)  # another operation inside the second window
    assert timeline.fit(0, 15) == (25, 50)
    assert timeline.longest_free() == 10 + 2 + 5 + 20


def test_greedy_respects_windows_bookings_transport_and_release() -> None:
    sites = (Site("a", "A", 50.9, 5.3), Site("b", "B", 51.0, 5.5))
    instance = Instance(
        jobs=(
            Job("J1", (Step("cut", (Option("laser", 10),)), Step("bend", (Option("press", 5),))),
                release=3),
            Job("J2", (Step("cut", (Option("laser", 10),)),)),
        ),
        resources=(
            Resource("laser", site="a", windows=(Window(0, 30),),
                     fixed=(FixedBooking(10, 15, "kept"),)),
            Resource("press", site="b", windows=(Window(0, 20), Window(40, 60))),
        ),
        sites=sites,
        transport=TransportMatrix({("a", "b"): 7}),
    )
    plan = greedy_plan(instance)
    assert validate_plan(instance, plan.assignments) == []
    assert set(plan.assignments) == {
        Assignment("J2", "cut", "laser", 0, 10),
        Assignment("J1", "cut", "laser", 15, 25),
        Assignment("J1", "bend", "press", 40, 45),  # ready at 25 + 7, window opens at 40
    }


def test_greedy_takes_a_job_out_whole_and_gives_its_time_back() -> None:
    instance = Instance(
        jobs=(
            # A's first step fits, its second never does (the press window is before it).
            Job("A", (Step("cut", (Option("laser", 5),)), Step("bend", (Option("press", 5),)))),
            Job("B", (Step("cut", (Option("laser", 10),)),)),
        ),
        resources=(
            Resource("laser", windows=(Window(0, 10),)),
            Resource("press", windows=(Window(0, 5),)),
        ),
    )
    plan = greedy_plan(instance)
    assert plan.unplanned == ("A",)
    assert plan.assignments == (Assignment("B", "cut", "laser", 0, 10),)


def test_reach_is_the_earliest_a_job_alone_can_get_through() -> None:
    sites = (Site("a", "A", 50.9, 5.3), Site("b", "B", 51.0, 5.5))
    instance = Instance(
        jobs=(Job("J", (Step("cut", (Option("m1", 10), Option("m2", 4))),
                        Step("bend", (Option("m1", 5),)))),),
        resources=(Resource("m1", site="a"), Resource("m2", site="b")),
        sites=sites,
        transport=TransportMatrix({("a", "b"): 20}),
    )
    result = reach(instance, instance.jobs[0], base_timelines(instance, 100))
    assert result.starts == ({"m1": 0, "m2": 0}, {"m1": 10})
    assert result.finishes == ({"m1": 10, "m2": 4}, {"m1": 15})
    assert result.completion == 15


def test_greedy_plans_every_shared_benchmark_validly(fjsp_dir: Path) -> None:
    for name in ("kacem1", "mk01", "la01_edata"):
        instance = read_fjsp(fjsp_dir / f"{name}.fjs")
        plan = greedy_plan(instance)
        assert plan.unplanned == ()
        assert validate_plan(instance, plan.assignments) == []
        assert measure_plan(instance, plan.assignments).jobs_planned == len(instance.jobs)
