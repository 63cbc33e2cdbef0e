"""The single-process demo's queue: with FABSHARE_PLANNING_THREAD a run starts in a thread of
the web process as soon as the transaction that created it commits."""

import threading

import pytest

from fabshare.planning import services
from fabshare.planning.models import PlanningRun, RunStatus


@pytest.mark.django_db(transaction=True)
def test_a_run_starts_in_a_thread_after_commit(plant, settings):
    settings.FABSHARE_PLANNING_THREAD = True
    run = services.run_create(actor=plant.founder, requests=[plant.two_step("Brackets")],
                              time_limit=2)
    (thread,) = [t for t in threading.enumerate() if t.name == f"planning-run-{run.pk}"]
    thread.join(timeout=60)
    run = PlanningRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.DONE, run.message
    assert len(run.proposal["operations"]) == 2


def test_the_thread_is_on_by_default_with_sqlite_only(settings):
    from django.db import connection

    settings.FABSHARE_PLANNING_THREAD = None
    assert services.thread_enabled() is (connection.vendor == "sqlite")
    settings.FABSHARE_PLANNING_THREAD = False
    assert services.thread_enabled() is False
