from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from fabshare.planning.model import (
    Assignment,
    FixedBooking,
    Instance,
    Job,
    Option,
    PlanningInputError,
    Resource,
    Site,
    Step,
    TransportMatrix,
    Window,
    haversine_km,
    measure_plan,
    planning_horizon,
)


def build(
    jobs: tuple[Job, ...] | None = None,
    resources: tuple[Resource, ...] | None = None,
    sites: tuple[Site, ...] = (),
    transport: TransportMatrix | None = None,
    **kwargs: object,
) -> Instance:
    return Instance(
        jobs=jobs if jobs is not None else (Job("J1", (Step("cut", (Option("m1", 10),)),)),),
        resources=resources if resources is not None else (Resource("m1"),),
        sites=sites,
        transport=transport or TransportMatrix(),
        **kwargs,  # type: ignore[arg-type]
    )


def one_step(*options: Option, **job: object) -> tuple[Job, ...]:
    return (Job("J1", (Step("cut", options),), **job),)  # type: ignore[arg-type]


TWO_SITES = (Site("a", "A", 50.9, 5.3), Site("b", "B", 51.0, 5.5))

BAD_INPUT: list[tuple[str, Callable[[], Instance], str]] = [
    ("zero duration", lambda: build(one_step(Option("m1", 0))),
     "job 'J1', step 'cut': duration on resource 'm1' must be a positive whole number, got 0"),
    ("negative duration", lambda: build(one_step(Option("m1", -5))),
     "duration on resource 'm1' must be a positive whole number, got -5"),
    ("fractional duration", lambda: build(one_step(Option("m1", 2.5))),  # type: ignore[arg-type]
     "must be a positive whole number, got 2.5"),
    ("empty job", lambda: build((Job("J1", ()),)), "job 'J1' has no steps"),
    ("unknown resource", lambda: build(one_step(Option("laser", 5))),
     "job 'J1', step 'cut': unknown resource 'laser'"),
    ("resource twice", lambda: build(one_step(Option("m1", 5), Option("m1", 6))),
     "resource 'm1' is listed twice"),
    ("negative cost", lambda: build(one_step(Option("m1", 5, cost=-1))),
     "cost on resource 'm1' must be a whole number >= 0"),
    ("cycle", lambda: build((Job("J1", (
        Step("a", (Option("m1", 1),), after=("c",)),
        Step("b", (Option("m1", 1),), after=("a",)),
        Step("c", (Option("m1", 1),), after=("b",)),
    )),)), "job 'J1': steps wait for each other in a cycle: "),
    ("self wait", lambda: build((Job("J1", (Step("a", (Option("m1", 1),), after=("a",)),)),)),
     "job 'J1', step 'a': waits for itself"),
    ("unknown predecessor", lambda: build((Job("J1", (
        Step("a", (Option("m1", 1),), after=("paint",)),
    )),)), "job 'J1', step 'a': waits for unknown step 'paint'"),
    ("duplicate job", lambda: build(one_step(Option("m1", 1)) * 2), "job 'J1' is listed twice"),
    ("duplicate step", lambda: build((Job("J1", (
        Step("a", (Option("m1", 1),)), Step("a", (Option("m1", 1),)),
    )),)), "job 'J1', step 'a' is listed twice"),
    ("empty job id", lambda: build((Job(" ", (Step("a", (Option("m1", 1),)),)),)),
     "job id must be a non-empty text"),
    ("negative release", lambda: build(one_step(Option("m1", 1), release=-1)),
     "job 'J1': release must be a whole number >= 0, got -1"),
    ("zero weight", lambda: build(one_step(Option("m1", 1), weight=0)),
     "job 'J1': weight must be a whole number >= 1, got 0"),
    ("reversed window", lambda: build(resources=(Resource("m1", windows=(Window(10, 5),)),)),
     "resource 'm1': window is empty or reversed: [10, 5)"),
    ("negative booking", lambda: build(
        resources=(Resource("m1", fixed=(FixedBooking(-5, 5, "service"),)),)),
     "resource 'm1': fixed booking 'service' starts before time 0"),
    ("duplicate resource", lambda: build(resources=(Resource("m1"), Resource("m1"))),
     "resource 'm1' is listed twice"),
    ("unknown site", lambda: build(resources=(Resource("m1", site="genk"),)),
     "resource 'm1': unknown site 'genk'"),
    ("missing transport", lambda: build(
        resources=(Resource("m1", site="a"), Resource("m2", site="b")), sites=TWO_SITES),
     "transport time from site 'a' to site 'b' is missing"),
    ("negative transport", lambda: build(
        resources=(Resource("m1", site="a"), Resource("m2", site="b")), sites=TWO_SITES,
        transport=TransportMatrix({("a", "b"): -3})),
     "transport time from site 'a' to site 'b' must be a whole number >= 0, got -3"),
    ("transport to unknown site", lambda: build(transport=TransportMatrix({("a", "x"): 3})),
     "transport time names unknown site 'a'"),
    ("latitude", lambda: build(sites=(Site("a", latitude=91.0, longitude=0.0),)),
     "site 'a': latitude 91.0 is out of range"),
    ("horizon", lambda: build(horizon=0), "horizon must be a positive whole number, got 0"),
]


@pytest.mark.parametrize(("case", "make", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_with_a_clear_message(case: str, make, message: str) -> None:
    with pytest.raises(PlanningInputError) as raised:
        make()
    assert message in str(raised.value)


def test_cycle_message_lists_the_steps_in_order() -> None:
    with pytest.raises(PlanningInputError, match=r"cycle: (a -> b -> c -> a|b -> c -> a -> b|"
                                                 r"c -> a -> b -> c)"):
        {case: make for case, make, _ in BAD_INPUT}["cycle"]()


def test_a_step_without_options_or_a_hopeless_deadline_is_not_an_input_error() -> None:
    instance = build(
        (
            Job("J1", (Step("cut", ()),)),
            Job("J2", (Step("cut", (Option("m1", 10),)),), release=5, deadline=3),
        )
    )
    assert len(instance.jobs) == 2


def test_steps_default_to_a_chain_and_may_form_a_graph() -> None:
    chain = Job("J", (Step("a", ()), Step("b", ()), Step("c", ())))
    assert chain.predecessors == ((), (0,), (1,))
    assert chain.sinks == (2,)
    graph = Job("J", (Step("a", ()), Step("b", (), after=()), Step("c", (), after=("a", "b"))))
    assert graph.predecessors == ((), (), (0, 1))
    assert graph.order == (0, 1, 2)
    assert graph.sinks == (2,)


def test_free_intervals_merge_windows_and_cut_out_fixed_bookings() -> None:
    resource = Resource(
        "m1",
        windows=(Window(20, 40), Window(0, 10), Window(10, 15), Window(35, 60)),
        fixed=(FixedBooking(25, 30), FixedBooking(55, 70)),
    )
    assert resource.free_intervals(100) == [(0, 15), (20, 25), (30, 55)]
    assert resource.free_intervals(50) == [(0, 15), (20, 25), (30, 50)]
    assert Resource("m2", fixed=(FixedBooking(5, 8),)).free_intervals(20) == [(0, 5), (8, 20)]


def test_haversine_matches_a_known_distance() -> None:
    # Brussels Grand-Place to Antwerp Grote Markt, about 41.8 km as the crow flies.
    assert haversine_km(50.8467, 4.3525, 51.2211, 4.3997) == pytest.approx(41.8, abs=0.5)
    assert haversine_km(51.0, 5.0, 51.0, 5.0) == 0


def test_transport_from_coordinates_adds_handling_and_is_symmetric() -> None:
    matrix = TransportMatrix.from_coordinates(TWO_SITES, speed_kmh=50, road_factor=1.3,
                                              handling=45)
    km = haversine_km(50.9, 5.3, 51.0, 5.5)
    assert matrix.lag("a", "b") == matrix.lag("b", "a") == 45 + math.ceil(km * 1.3 / 50 * 60)
    assert matrix.lag("a", "a") == 0
    assert matrix.lag(None, "b") == 0
    with pytest.raises(PlanningInputError, match="coordinates are missing"):
        TransportMatrix.from_coordinates([Site("x")])


def test_measure_plan_counts_on_time_late_and_partial_jobs() -> None:
    instance = build(
        (
            Job("A", (Step("s", (Option("m1", 10, cost=7),)),), deadline=10, weight=2),
            Job("B", (Step("s", (Option("m1", 10, cost=3),)),), deadline=15),
            Job("C", (Step("s", (Option("m1", 5),)), Step("t", (Option("m1", 5),)))),
        )
    )
    metrics = measure_plan(
        instance,
        [
            Assignment("A", "s", "m1", 0, 10),
            Assignment("B", "s", "m1", 10, 20),
            Assignment("C", "s", "m1", 20, 25),  # C is missing step t: not planned
        ],
    )
    assert (metrics.jobs_on_time, metrics.weight_on_time) == (1, 2)
    assert (metrics.jobs_planned, metrics.weight_planned) == (2, 3)
    assert metrics.total_tardiness == 5
    assert metrics.makespan == 20
    assert metrics.cost == 10


def test_planning_horizon_leaves_room_for_every_job() -> None:
    instance = build(
        (Job("J1", (Step("a", (Option("m1", 10), Option("m2", 30))),), release=100),),
        resources=(Resource("m1", windows=(Window(0, 50),)), Resource("m2")),
    )
    assert planning_horizon(instance) == 100 + 30
    assert planning_horizon(build(horizon=77)) == 77
