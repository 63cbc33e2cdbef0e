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
