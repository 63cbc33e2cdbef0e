"""Random small instances: every plan the greedy and the solver produce must pass the
independent validator, and the solver must never be worse than the greedy."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabshare.planning.greedy import greedy_plan
from fabshare.planning.model import (
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
from fabshare.planning.solver import SolveParameters, solve
from fabshare.planning.validate import validate_plan


@st.composite
def resources(draw: st.DrawFn, number: int) -> Resource:
    windows = None
    if draw(st.booleans()):
        gaps_and_lengths = draw(
            st.lists(st.tuples(st.integers(0, 8), st.integers(1, 15)), min_size=1, max_size=6)
        )
        windows, time = [], 0
        for gap, length in gaps_and_lengths:
            windows.append(Window(time + gap, time + gap + length))
            time += gap + length
    fixed = tuple(
        FixedBooking(start, start + length, "kept")
        for start, length in draw(
            st.lists(st.tuples(st.integers(0, 60), st.integers(1, 6)), max_size=2)
        )
    )
    return Resource(
        f"r{number}",
        site=draw(st.sampled_from(["a", "b"])),
        windows=None if windows is None else tuple(windows),
        fixed=fixed,
        splittable=windows is not None and draw(st.booleans()),
    )


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    pool = [draw(resources(n)) for n in range(draw(st.integers(1, 3)))]
    names = [r.id for r in pool]
    jobs = []
    for j in range(draw(st.integers(1, 4))):
        steps = []
        for k in range(draw(st.integers(1, 3))):
            chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
            steps.append(Step(f"s{k}", tuple(Option(r, draw(st.integers(1, 12))) for r in chosen)))
        jobs.append(
            Job(
                f"J{j}",
                tuple(steps),
                release=draw(st.integers(0, 10)),
                deadline=draw(st.none() | st.integers(5, 80)),
                weight=draw(st.integers(1, 3)),
            )
        )
    return Instance(
        jobs=tuple(jobs),
        resources=tuple(pool),
        sites=(Site("a"), Site("b")),
        transport=TransportMatrix({("a", "b"): draw(st.integers(0, 20))}),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_plan_is_valid_and_the_solver_is_no_worse_than_greedy(instance: Instance) -> None:
    greedy = greedy_plan(instance)
    assert validate_plan(instance, greedy.assignments) == []
    result = solve(instance, SolveParameters(time_limit=2, workers=1))
    assert validate_plan(instance, result.assignments) == []
    greedy_rank = measure_plan(instance, greedy.assignments).rank(instance.objective)
    assert result.metrics.rank(instance.objective) <= greedy_rank
    served = {a.job for a in result.assignments}
    unserved = {u.job for u in result.unserved}
    on_time = {j.id for j in instance.jobs} - unserved
    assert on_time <= served
