"""Stopping the solver early: `should_stop` ends the search and returns the best plan so far."""

import threading
import time

from fabshare.planning.generator import NetworkShape, generate_network
from fabshare.planning.solver import SolveParameters, solve
from fabshare.planning.validate import validate_plan


def _instance():
    return generate_network(NetworkShape(jobs=40, machines=20, sites=8), seed=3)


def test_a_stop_request_ends_the_search_long_before_the_time_limit() -> None:
    instance = _instance()
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    result = solve(instance, SolveParameters(time_limit=30, workers=1), should_stop=stop.is_set)
    assert time.monotonic() - started < 5
    assert result.stopped
    assert validate_plan(instance, result.assignments) == []
    assert result.metrics.jobs_planned > 0  # the greedy plan at least


def test_stopping_before_the_start_returns_the_greedy_plan_at_once() -> None:
    instance = _instance()
    started = time.monotonic()
    result = solve(instance, SolveParameters(time_limit=30, workers=1), should_stop=lambda: True)
    assert time.monotonic() - started < 3
    assert result.stopped and result.source == "greedy"
    assert {p.status for p in result.phases} <= {"stopped"}


def test_without_a_stop_request_the_run_is_not_marked_stopped() -> None:
    result = solve(_instance(), SolveParameters(time_limit=1, workers=1),
                   should_stop=lambda: False)
    assert not result.stopped
