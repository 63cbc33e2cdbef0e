"""The validator must catch every kind of broken plan, or the other tests prove nothing."""

from __future__ import annotations

import dataclasses

import pytest

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
)
from fabshare.planning.validate import validate_plan

INSTANCE = Instance(
    jobs=(
        Job("J1", (Step("cut", (Option("laser", 10),)), Step("bend", (Option("press", 5),))),
            release=2),
        Job("J2", (Step("weld", (Option("welder", 15),)),)),
    ),
    resources=(
        Resource("laser", site="a", windows=(Window(0, 40),), fixed=(FixedBooking(20, 25),)),
        Resource("press", site="b", windows=(Window(0, 100),)),
        Resource("welder", site="a", windows=(Window(0, 10), Window(20, 30)), splittable=True),
    ),
    sites=(Site("a"), Site("b")),
    transport=TransportMatrix({("a", "b"): 7}),
    horizon=100,
)

VALID = [
    Assignment("J1", "cut", "laser", 2, 12),
    Assignment("J1", "bend", "press", 19, 24),
    Assignment("J2", "weld", "welder", 0, 25),
]


def test_a_valid_plan_has_no_violation() -> None:
    assert validate_plan(INSTANCE, VALID) == []
    assert validate_plan(INSTANCE, []) == []


def replace(index: int, **changes: object) -> list[Assignment]:
    plan = list(VALID)
    plan[index] = dataclasses.replace(plan[index], **changes)  # type: ignore[arg-type]
    return plan


BROKEN = [
    ("precedence", replace(1, start=18, end=23)),  # transport 7 not respected
    ("release", replace(0, start=1, end=11)),
    ("duration", replace(0, end=13)),
    ("window", replace(1, start=96, end=101)),
    ("horizon", replace(1, start=96, end=101)),
    ("fixed booking", replace(0, start=15, end=25)),
    ("not eligible", replace(0, resource="press")),
    ("unknown", replace(0, job="J9")),
    ("unknown", replace(0, step="paint")),
    ("incomplete job", VALID[1:]),
    ("duplicate", [*VALID, VALID[0]]),
    ("duration", [*VALID[:2], Assignment("J2", "weld", "welder", 0, 24)]),  # 14 units only
    ("window", [*VALID[:2], Assignment("J2", "weld", "welder", 12, 37)]),
    ("time", replace(0, start=12, end=2)),
]


@pytest.mark.parametrize(("kind", "plan"), BROKEN, ids=[kind for kind, _ in BROKEN])
def test_each_broken_rule_is_reported(kind: str, plan: list[Assignment]) -> None:
    violations = validate_plan(INSTANCE, plan)
    assert kind in {v.kind for v in violations}, violations
    assert all(v.message for v in violations)


def test_overlapping_operations_are_reported() -> None:
    instance = Instance(
        jobs=INSTANCE.jobs + (Job("J3", (Step("cut", (Option("laser", 5),)),)),),
        resources=INSTANCE.resources,
        sites=INSTANCE.sites,
        transport=INSTANCE.transport,
        horizon=100,
    )
    violations = validate_plan(instance, [*VALID, Assignment("J3", "cut", "laser", 8, 13)])
    assert [v.kind for v in violations] == ["overlap"]
    assert "'J1' step 'cut' [2, 12) overlaps job 'J3' step 'cut' [8, 13)" in violations[0].message


def test_messages_name_the_job_step_and_resource() -> None:
    (violation,) = validate_plan(INSTANCE, replace(1, start=18, end=23))
    assert violation.message == (
        "job 'J1': step 'bend' starts at 18, before step 'cut' ends at 12 plus transport 7"
    )
