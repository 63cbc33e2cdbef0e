"""The demo plan: the network operator's finished plan over the members' multi-step requests."""

import pytest

from fabshare.network.demo import DemoContext
from fabshare.planning import demo
from fabshare.planning.models import PlanningRun, RunStatus

pytestmark = pytest.mark.django_db


def test_the_demo_opens_on_a_finished_operator_plan(plant):
    w = plant
    requests = [w.two_step("Brackets"), w.two_step("Covers")]
    ctx = DemoContext(networks={"limburg": w.network})
    demo.seed(ctx)
    run = PlanningRun.objects.get()
    assert run.network == w.network and run.created_by == w.operator
    assert run.status == RunStatus.DONE
    assert set(run.requests.all()) == set(requests)
    assert len(run.proposal["operations"]) == 4
    assert ctx.summary == [f"planning: plan #{run.pk} of 2 multi-step requests by the Limburg "
                           "Maakt operator (done, 2 planned)"]


def test_without_multi_step_requests_there_is_no_demo_plan(world):
    demo.seed(DemoContext(networks={"limburg": world.network}))
    assert not PlanningRun.objects.exists()
