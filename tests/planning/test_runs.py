"""Planning runs on the platform: who may plan what, the proposal built from requests, free
time and sites, reasons for requests that cannot be served, cancel, and accepting a plan as
booking requests (all or nothing)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils.dateparse import parse_datetime

from fabshare.bookings.models import Booking, Status
from fabshare.core.errors import Conflict, DomainError, PermissionDenied
from fabshare.planning import services
from fabshare.planning.models import PlanningRun, RunStatus
from tests.market import NOW

pytestmark = pytest.mark.django_db


def _run(actor, requests, **kwargs):
    kwargs.setdefault("time_limit", 2)
    return services.run_create(actor=actor, requests=requests, background=False, **kwargs)


def _ops(run):
    return run.proposal["operations"]


def test_a_seeker_plans_two_requests_through_cutting_bending_and_transport(plant):
    w = plant
    a = w.two_step("Brackets")
    b = w.two_step("Covers", laser_hours="8", bend_hours="8")
    run = _run(w.founder, [a, b])
    assert run.network is None and run.status == RunStatus.QUEUED
    run = services.execute(run.pk)
    assert run.status == RunStatus.DONE, run.message
    assert run.progress == 1.0
    assert run.proposal["metrics"]["jobs_on_time"] == 2
    ops = _ops(run)
    assert len(ops) == 4
    # Cutting only on the Genk laser (the thin one is a near miss), bending in Hasselt.
    assert {op["resource_name"] for op in ops if op["position"] == 1} == {"Trumpf TruLaser 3030"}
    assert {op["resource_name"] for op in ops if op["position"] == 2} == {"Safan press brake"}
    # The laser runs one job at a time, inside its 08:00-16:00 windows.
    lasers = sorted((op["start"], op["end"]) for op in ops if op["position"] == 1)
    assert lasers[0][1] <= lasers[1][0]
    for op in ops:
        start, end = (parse_datetime(op[k]) for k in ("start", "end"))
        assert start.date() == end.date() and start.hour >= 8 and end.hour <= 16
    # Bending waits for cutting plus the trip from Genk to Hasselt.
    legs = run.proposal["transports"]
    assert {(t["from_site"], t["to_site"]) for t in legs} == {("Genk", "Hasselt")}
    for leg in legs:
        assert 45 < leg["minutes"] < 90
        bend = next(op for op in ops if op["request"] == leg["request"] and op["position"] == 2)
        assert bend["start"] >= leg["end"]
    assert run.proposal["unserved"] == []


def test_an_infeasible_deadline_is_explained_not_dropped_silently(plant):
    w = plant
    # Six hours of cutting and 8 of bending cannot be done by the end of today.
    rushed = w.two_step("Rush job", laser_hours="6", bend_hours="8", deadline_days=0)
    run = services.execute(_run(w.founder, [rushed]).pk)
    assert run.status == RunStatus.DONE
    (item,) = run.proposal["unserved"]
    assert item["reason"] == "deadline_too_early"
    assert item["earliest_end"] > item["deadline"]
    assert item["planned_late"]  # still planned, late, so it can be booked if wanted
    assert "1 of 1 requests planned, 0 on time" in run.message


def test_a_step_nobody_can_do_is_the_reason(plant):
    w = plant
    w.bender.delete()
    request = w.two_step("No bender")
    run = services.execute(_run(w.founder, [request]).pk)
    assert run.status == RunStatus.DONE
    assert _ops(run) == []
    (item,) = run.proposal["unserved"]
    assert item["reason"] == "no_eligible_resource"
    assert item["step"]["position"] == 2
    assert run.message == "No request could be planned; the reasons are listed below."
    with pytest.raises(DomainError, match="no operations"):
        services.run_accept(actor=w.founder, run=run)


def test_only_open_requests_with_steps_and_your_own_are_planned(plant):
    w = plant
    request = w.two_step("Brackets")
    with pytest.raises(PermissionDenied, match="Brackets"):
        _run(w.owner, [request])  # the factory's owner: not theirs, not an operator
    with pytest.raises(DomainError, match="at least one"):
        _run(w.founder, [])
    with pytest.raises(DomainError, match="time limit"):
        _run(w.founder, [request], time_limit=121)
    from fabshare.demand import services as demand

    demand.request_close(actor=w.founder, request=request)
    with pytest.raises(DomainError, match="not open"):
        _run(w.founder, [request])
    assert not PlanningRun.objects.exists()


def test_an_operator_plans_requests_of_their_network_only(plant):
    w = plant
    request = w.two_step("Brackets")
    run = _run(w.operator, [request])
    assert run.network == w.network
    other = type(w.network).objects.create(name="Elsewhere", slug="elsewhere")
    other.operators.add(w.outsider)
    with pytest.raises(PermissionDenied):
        _run(w.outsider, [request])


def test_cancel_stops_a_queued_run_at_once_and_a_running_one_between_polls(plant):
    w = plant
    run = _run(w.founder, [w.two_step("Brackets")])
    with pytest.raises(PermissionDenied):
        services.run_cancel(actor=w.owner, run=run)
    run = services.run_cancel(actor=w.founder, run=run)
    assert run.status == RunStatus.CANCELLED
    assert services.execute(run.pk).status == RunStatus.CANCELLED  # not claimed again
    with pytest.raises(Conflict):
        services.run_cancel(actor=w.founder, run=run)

    # A running run whose cancel flag is set stops at the next poll, long before its limit.
    running = _run(w.founder, [w.two_step("Covers")], time_limit=60)
    PlanningRun.objects.filter(pk=running.pk).update(cancel_requested=True)
    import time

    started = time.monotonic()
    running = services.execute(running.pk)
    assert time.monotonic() - started < 10
    assert running.status == RunStatus.CANCELLED and running.proposal is None


def test_accepting_makes_one_held_booking_request_per_operation(plant):
    w = plant
    a, b = w.two_step("Brackets"), w.two_step("Covers")
    run = services.execute(_run(w.founder, [a, b]).pk)
    run = services.run_accept(actor=w.founder, run=run)
    assert run.status == RunStatus.ACCEPTED
    bookings = list(run.bookings.order_by("start"))
    assert len(bookings) == 4
    for booking in bookings:
        assert booking.status == Status.REQUESTED and booking.seeker == w.startup
        assert booking.requested_by == w.founder
        assert booking.step.request in (a, b)
    assert {b.provider for b in bookings} == {w.factory, w.thin_org}
    with pytest.raises(Conflict, match="already been accepted"):
        services.run_accept(actor=w.founder, run=run)


def test_an_operator_accepts_on_behalf_of_the_requesters(plant):
    w = plant
    run = services.execute(_run(w.operator, [w.two_step("Brackets")]).pk)
    with pytest.raises(PermissionDenied):
        services.run_accept(actor=w.founder, run=run)  # a network run: the operators accept
    run = services.run_accept(actor=w.operator, run=run)
    bookings = list(run.bookings.all())
    assert len(bookings) == 2
    assert {b.seeker for b in bookings} == {w.startup}
    assert {b.requested_by for b in bookings} == {w.operator}
    # The startup's owner hears about it; the providers' admins about their booking request.
    from fabshare.network.models import Notification

    assert Notification.objects.filter(user=w.founder, kind="planning.accept").exists()
    assert Notification.objects.filter(user=w.thin_admin, kind="booking.request").exists()


def test_a_period_taken_meanwhile_refuses_the_whole_plan(plant):
    w = plant
    a, b = w.two_step("Brackets"), w.two_step("Covers")
    run = services.execute(_run(w.founder, [a, b]).pk)
    last = max(_ops(run), key=lambda op: op["start"])
    from fabshare.bookings.services import booking_request

    # Someone else takes the period of the plan's last operation first.
    booking_request(actor=w.thin_admin if last["provider_id"] != w.thin_org.pk else w.owner,
                    resource=type(w.bender).objects.get(pk=last["resource"]),
                    start=parse_datetime(last["start"]),
                    end=parse_datetime(last["end"]))
    before = Booking.objects.count()
    with pytest.raises(Conflict) as error:
        services.run_accept(actor=w.founder, run=run)
    assert last["resource_name"] in error.value.message
    assert Booking.objects.count() == before  # nothing half-written
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and not run.bookings.exists()


def test_an_outdated_plan_is_refused_with_the_reason(plant, clock):
    w = plant
    run = services.execute(_run(w.founder, [w.two_step("Brackets")]).pk)
    with pytest.raises(DomainError, match="in the past"):
        services.run_accept(actor=w.founder, run=run, now=NOW + timedelta(days=11))
    assert not Booking.objects.exists()


def test_the_worker_runs_queued_runs_and_fails_interrupted_ones(plant):
    w = plant
    queued = _run(w.founder, [w.two_step("Brackets")])
    stale = _run(w.founder, [w.two_step("Covers")])
    PlanningRun.objects.filter(pk=stale.pk).update(status=RunStatus.RUNNING,
                                                   started_at=NOW - timedelta(hours=1))
    call_command("planning_worker")
    queued.refresh_from_db()
    stale.refresh_from_db()
    assert queued.status == RunStatus.DONE and len(_ops(queued)) == 2
    assert stale.status == RunStatus.FAILED and "start the plan again" in stale.message


def test_runs_are_seen_by_the_creator_operators_and_requesters_only(plant):
    from fabshare.planning.selectors import runs_visible_to

    w = plant
    run = _run(w.operator, [w.two_step("Brackets")])
    assert run in runs_visible_to(w.operator)
    assert run in runs_visible_to(w.founder)
    assert run not in runs_visible_to(w.owner)
    assert run not in runs_visible_to(w.outsider)


def test_workers_claim_each_queued_run_once_oldest_first(plant):
    w = plant
    first = _run(w.founder, [w.two_step("Brackets")])
    second = _run(w.founder, [w.two_step("Covers")])
    assert services.claim_next() == first.pk
    assert services.claim_next() == second.pk
    assert services.claim_next() is None
    assert services.execute(first.pk).status == RunStatus.RUNNING  # claimed by another worker


def test_bookings_let_an_operator_request_for_an_admitted_organization_only(plant):
    from fabshare.bookings.services import booking_request
    from fabshare.core.errors import NotFound

    w = plant
    start = NOW.replace(hour=8) + timedelta(days=1)
    with pytest.raises(NotFound):
        booking_request(actor=w.outsider, resource=w.genk_laser, start=start,
                        end=start + timedelta(hours=2), organization=w.startup)
    # The laser is visible to the network only: checked as the startup sees it.
    booking = booking_request(actor=w.operator, resource=w.genk_laser, start=start,
                              end=start + timedelta(hours=2), organization=w.startup)
    assert booking.seeker == w.startup and booking.requested_by == w.operator
