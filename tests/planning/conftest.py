"""Fixtures for the planning engine's tests: no Django, no database."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fabshare.planning.model import Instance
from fabshare.planning.solver import PlanResult, SolveParameters, solve
from fabshare.planning.validate import validate_plan

# The benchmark instances live next to the repository (../shared/data/fjsp, see issue 8);
# FABSHARE_FJSP_DIR points elsewhere.
DEFAULT_FJSP_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fjsp"


@pytest.fixture(scope="session")
def fjsp_dir() -> Path:
    directory = Path(os.environ.get("FABSHARE_FJSP_DIR", DEFAULT_FJSP_DIR))
    if not (directory / "kacem1.fjs").is_file():
        pytest.skip(f"FJSP benchmark instances not found in {directory}")
    return directory


@pytest.fixture
def plan() -> Callable[..., PlanResult]:
    """Solve with small limits and check the plan with the independent validator."""

    def run(instance: Instance, **parameters: object) -> PlanResult:
        options: dict[str, object] = {"time_limit": 5.0, "workers": 2}
        options.update(parameters)
        result = solve(instance, SolveParameters(**options))  # type: ignore[arg-type]
        assert validate_plan(instance, result.assignments) == []
        return result

    return run


# --- the platform side (database): a small network with a laser in Genk and a press brake in
# Hasselt, free 08:00–16:00 UTC for ten days from Monday 2 March 2026 (tests/market.py) --------


def _bending(resource) -> None:
    from fabshare.catalog.models import Capability, Process

    Capability.objects.create(resource=resource,
                              process=Process.objects.get(code="press-brake-bending"))


@pytest.fixture
def plant(market):
    """The market plus a press brake at Hasselt (in the network), and a helper making open
    two-step requests (laser cutting, then bending) for the startup."""
    from datetime import timedelta

    from fabshare.catalog.models import Material, Process
    from fabshare.demand import services as demand
    from tests.factories import ResourceFactory
    from tests.market import NOW, offer

    w = market
    w.bender = ResourceFactory(organization=w.thin_org, site=w.thin_org.sites.first(),
                               name="Safan press brake", visibility="public",
                               price_per_hour_cents=8000)
    _bending(w.bender)
    offer(w.bender)

    def two_step(title, *, laser_hours="6", bend_hours="4", deadline_days=12,
                 organization=None, actor=None):
        request = demand.request_create(
            actor=actor or w.founder, organization=organization or w.startup, title=title,
            earliest_start=NOW.date(), deadline=(NOW + timedelta(days=deadline_days)).date(),
            max_distance_km=60,
            steps=[{"process": Process.objects.get(code="laser-cutting"),
                    "material": Material.objects.get(code="stainless-304"),
                    "estimated_hours": laser_hours, "thickness_mm": "3",
                    "part_x_mm": "200", "part_y_mm": "80"},
                   {"process": Process.objects.get(code="press-brake-bending"),
                    "estimated_hours": bend_hours}])
        return demand.request_open(actor=actor or w.founder, request=request)

    w.two_step = two_step
    return w
