from __future__ import annotations

import math

import pytest

from fabshare.planning.generator import TOWNS, WEEK, NetworkShape, generate_network
from fabshare.planning.greedy import greedy_plan
from fabshare.planning.model import PlanningInputError, haversine_km
from fabshare.planning.validate import validate_plan

SHAPE = NetworkShape(jobs=30, machines=20, sites=8, weeks=2, region="west-flanders")


def test_the_same_seed_gives_the_same_network_and_another_seed_another() -> None:
    assert generate_network(SHAPE, seed=1) == generate_network(SHAPE, seed=1)
    assert generate_network(SHAPE, seed=1).jobs != generate_network(SHAPE, seed=2).jobs


@pytest.mark.parametrize("region", sorted(TOWNS))
def test_a_network_has_the_asked_shape_and_lies_in_its_region(region: str) -> None:
    shape = NetworkShape(jobs=30, machines=20, sites=8, weeks=2, region=region)
    instance = generate_network(shape, seed=4)
    assert (len(instance.jobs), len(instance.resources), len(instance.sites)) == (30, 20, 8)
    assert instance.horizon == 2 * WEEK
    lats = [lat for _, lat, _ in TOWNS[region]]
    lons = [lon for _, _, lon in TOWNS[region]]
    for site in instance.sites:
        assert min(lats) - 0.05 <= site.latitude <= max(lats) + 0.05
        assert min(lons) - 0.05 <= site.longitude <= max(lons) + 0.05
    for job in instance.jobs:
        assert 2 <= len(job.steps) <= 4
        assert job.deadline is not None and job.release < job.deadline <= instance.horizon
        assert all(1 <= len(step.options) <= shape.max_options for step in job.steps)
    for resource in instance.resources:
        assert resource.windows
        assert all(0 <= w.start < w.end <= instance.horizon + 6 * 60 for w in resource.windows)


def test_transport_time_grows_with_distance_and_includes_handling() -> None:
    instance = generate_network(SHAPE, seed=0)
    a, b = instance.sites[0], instance.sites[1]
    km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
    assert instance.transport.lag(a.id, b.id) == 45 + math.ceil(km * 1.3 / 50 * 60)
    assert instance.transport.lag(b.id, a.id) == instance.transport.lag(a.id, b.id)


def test_a_generated_network_can_be_planned_by_the_greedy() -> None:
    instance = generate_network(SHAPE, seed=0)
    plan = greedy_plan(instance)
    assert validate_plan(instance, plan.assignments) == []
    assert len(plan.unplanned) < len(instance.jobs) // 2


def test_impossible_shapes_are_refused() -> None:
    with pytest.raises(PlanningInputError, match="at least 10 machines"):
        generate_network(NetworkShape(machines=3))
    with pytest.raises(PlanningInputError, match="unknown region 'atlantis'"):
        generate_network(NetworkShape(region="atlantis"))
