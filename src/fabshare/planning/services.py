"""Every write to planning runs: create one, run it (in a worker, a thread or a test), cancel
it, accept its proposal.

Permissions:

- A seeker plans open requests of their own organizations (any member); the run has no
  network. A network operator plans open requests of organizations admitted to a network they
  operate; the run belongs to that network.
- The run's creator and, for a network run, its operators may cancel it.
- Accepting a proposal makes one booking request per planned operation through
  ``bookings.services.booking_request``, on behalf of the requesting organization of each job:
  for a seeker's run the actor must be a member of every requesting organization; for a
  network run the actor must operate the network (bookings lets a network operator request on
  behalf of an admitted organization and records the operator as the requester). The
  requesting organizations' admins are told. All booking requests are made in one
  transaction: if one fails (the period was taken meanwhile: 409, or it is no longer
  bookable: 400), none is made and the error names the operation.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fabshare.bookings import services as bookings
from fabshare.catalog.models import Resource
from fabshare.core.errors import Conflict, DomainError, PermissionDenied
from fabshare.demand.models import CapacityRequest, RequestStatus, RequestStep
from fabshare.network.audit import audit_record
from fabshare.network.models import (
    Membership,
    Network,
    NetworkMembership,
    NetworkMembershipStatus,
    Role,
    User,
)
from fabshare.network.services import is_operator, notify
from fabshare.planning import proposal as proposals
from fabshare.planning import selectors
from fabshare.planning.model import PlanningInputError
from fabshare.planning.models import MAX_TIME_LIMIT, PlanningRun, PlanObjective, RunStatus
from fabshare.planning.solver import Progress, SolveParameters, solve

logger = logging.getLogger(__name__)

MAX_REQUESTS = 50
POLL_SECONDS = 0.5
STALE_AFTER = timedelta(minutes=5)


def thread_enabled() -> bool:
    """Whether runs start in a thread of the web process (``FABSHARE_PLANNING_THREAD``;
    default: on SQLite, i.e. the single-process demo, and off on PostgreSQL, where the
    ``planning_worker`` command runs them)."""
    value = getattr(settings, "FABSHARE_PLANNING_THREAD", None)
    if value is None:
        return connection.vendor == "sqlite"
    return bool(value)


# --- create ------------------------------------------------------------------------------------


def _member_org_ids(actor: User) -> set[int]:
    return set(Membership.objects.filter(user=actor).values_list("organization_id", flat=True))


def _network_for(actor: User, requests: list[CapacityRequest],
                 network: Network | None) -> Network | None:
    """The network a run plans in: None when every request is the actor's own, else a network
    the actor operates that has admitted every requester."""
    own = _member_org_ids(actor)
    if network is None and all(r.organization_id in own for r in requests):
        return None
    candidates = ([network] if network is not None else
                  list(Network.objects.filter(operators=actor)) if not actor.is_superuser
                  else list(Network.objects.all()))
    for candidate in candidates:
        if not is_operator(actor, candidate):
            continue
        admitted = set(NetworkMembership.objects.filter(
            network=candidate, status=NetworkMembershipStatus.APPROVED,
            organization_id__in={r.organization_id for r in requests},
        ).values_list("organization_id", flat=True))
        outside = [r for r in requests if r.organization_id not in admitted]
        if not outside:
            return candidate
        if network is not None:
            raise PermissionDenied(
                _("Request “%(title)s” is not from an organization admitted to %(network)s.")
                % {"title": outside[0].title, "network": candidate.name})
    if network is not None:
        raise PermissionDenied(_("Only the network's operators plan its requests."))
    foreign = next(r for r in requests if r.organization_id not in own)
    raise PermissionDenied(
        _("You may not plan request “%(title)s”: it is not your organization's, and you do not "
          "operate a network it belongs to.") % {"title": foreign.title})


@transaction.atomic
def run_create(*, actor: User, requests: list[CapacityRequest], network: Network | None = None,
               time_limit: int = 10, objective: str = PlanObjective.MAKESPAN,
               background: bool = True) -> PlanningRun:
    """Queue a plan over ``requests`` (open, with steps); with ``background``, starts it in a
    thread after commit when ``thread_enabled()`` (else a worker or the caller runs it)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to plan."))
    requests = list({r.pk: r for r in requests}.values())
    if not requests:
        raise DomainError(_("Choose at least one open request."), field="requests")
    if len(requests) > MAX_REQUESTS:
        raise DomainError(_("Choose at most %(n)s requests.") % {"n": MAX_REQUESTS},
                          field="requests")
    if not isinstance(time_limit, int) or not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise DomainError(_("The time limit is between 1 and %(max)s seconds.")
                          % {"max": MAX_TIME_LIMIT}, field="time_limit")
    if objective not in PlanObjective.values:
        raise DomainError(_("Unknown objective: %(value)s") % {"value": objective},
                          field="objective")
    fresh = {r.pk: r for r in CapacityRequest.objects.filter(pk__in=[r.pk for r in requests])
             .prefetch_related("steps")}
    for request in requests:
        current = fresh.get(request.pk)
        if current is None or current.status != RequestStatus.OPEN:
            raise DomainError(_("Request “%(title)s” is not open; only open requests are "
                                "planned.") % {"title": request.title}, field="requests")
        if not current.steps.all():
            raise DomainError(_("Request “%(title)s” has no steps to plan.")
                              % {"title": request.title}, field="requests")
    network = _network_for(actor, requests, network)
    run = PlanningRun.objects.create(created_by=actor, network=network, time_limit=time_limit,
                                     objective=objective)
    run.requests.set(requests)
    if background and thread_enabled():
        transaction.on_commit(lambda: start_thread(run.pk))
    return run


def start_thread(pk: int) -> threading.Thread:
    """Run the planning run ``pk`` in a daemon thread of this process (the demo's "queue")."""

    def target():
        try:
            execute(pk)
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=f"planning-run-{pk}", daemon=True)
    thread.start()
    return thread


# --- run -----------------------------------------------------------------------------------------


def claim(pk: int) -> bool:
    """Mark the run running if it is still queued; False if someone else took it."""
    return bool(PlanningRun.objects.filter(pk=pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0.0))


def claim_next() -> int | None:
    """The oldest queued run, claimed (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL)."""
    with transaction.atomic():
        row = (PlanningRun.objects.select_for_update(skip_locked=True)
               .filter(status=RunStatus.QUEUED).order_by("created_at", "pk").first())
        if row is None or not claim(row.pk):
            return None
        return row.pk


def _finish(pk: int, **fields) -> None:
    PlanningRun.objects.filter(pk=pk).update(finished_at=timezone.now(), **fields)


def execute(pk: int, *, claimed: bool = False, now=None) -> PlanningRun:
    """Compute the plan of run ``pk``, claiming it first unless ``claimed`` (nothing happens
    when another worker has it). The solver works in a thread of
    its own; this thread writes the progress twice a second and watches for a cancel request,
    so the database is used from one thread only. Never raises for a bad plan: the run ends
    ``failed`` with the message."""
    if not claimed and not claim(pk):
        return PlanningRun.objects.get(pk=pk)
    run = PlanningRun.objects.get(pk=pk)
    origin = (now or timezone.now()).replace(second=0, microsecond=0) + timedelta(minutes=1)
    try:
        requests = list(run.requests.select_related("organization", "site")
                        .prefetch_related("steps__process", "certifications").order_by("pk"))
        data = selectors.planning_input(requests, user=run.created_by, origin=origin,
                                        objective=run.objective)
    except PlanningInputError as exc:
        _finish(pk, status=RunStatus.FAILED, message=_("The plan could not be set up: %(e)s")
                % {"e": exc})
        return PlanningRun.objects.get(pk=pk)
    except Exception:
        logger.exception("planning run %s: building the input failed", pk)
        _finish(pk, status=RunStatus.FAILED,
                message=_("The plan could not be set up because of an internal error."))
        return PlanningRun.objects.get(pk=pk)
    PlanningRun.objects.filter(pk=pk).update(origin=origin, phase="greedy")

    stop = threading.Event()
    latest: dict = {}
    outcome: dict = {}

    def work():
        try:
            outcome["result"] = solve(
                data.instance,
                SolveParameters(time_limit=float(run.time_limit), workers=1, seed=0),
                on_progress=lambda p: latest.__setitem__("progress", p),
                should_stop=stop.is_set)
        except Exception as exc:  # reported below, from this run's own thread
            outcome["error"] = exc

    started = time.monotonic()
    solver_thread = threading.Thread(target=work, name=f"planning-solve-{pk}", daemon=True)
    solver_thread.start()
    while solver_thread.is_alive():
        solver_thread.join(POLL_SECONDS)
        if PlanningRun.objects.filter(pk=pk, cancel_requested=True).exists():
            stop.set()
        progress: Progress | None = latest.get("progress")
        elapsed = time.monotonic() - started
        PlanningRun.objects.filter(pk=pk, status=RunStatus.RUNNING).update(
            progress=min(0.99, elapsed / run.time_limit),
            phase=progress.phase if progress else "greedy")
    if stop.is_set() or PlanningRun.objects.filter(pk=pk, cancel_requested=True).exists():
        _finish(pk, status=RunStatus.CANCELLED, message=_("Cancelled before the plan was ready."))
        return PlanningRun.objects.get(pk=pk)
    if "error" in outcome:
        logger.error("planning run %s failed", pk, exc_info=outcome["error"])
        _finish(pk, status=RunStatus.FAILED,
                message=_("The planner failed: %(e)s") % {"e": outcome["error"]})
        return PlanningRun.objects.get(pk=pk)
    result = outcome["result"]
    proposal = proposals.build(data, result)
    planned = result.metrics.jobs_planned
    if planned == 0:
        message = _("No request could be planned; the reasons are listed below.")
    else:
        message = _("%(planned)s of %(total)s requests planned, %(on_time)s on time.") % {
            "planned": planned, "total": len(data.instance.jobs),
            "on_time": result.metrics.jobs_on_time}
    _finish(pk, status=RunStatus.DONE, progress=1.0, phase="", proposal=proposal,
            message=message, solver_status=result.status.value,
            objective_value=result.objective_value, bound=result.bound, gap=result.gap)
    return PlanningRun.objects.get(pk=pk)


def fail_stale(*, now=None) -> int:
    """Runs left ``running`` by a process that died: failed, with a message, once they are
    well past their time limit."""
    now = now or timezone.now()
    count = 0
    for run in PlanningRun.objects.filter(status=RunStatus.RUNNING):
        if run.started_at and run.started_at + timedelta(seconds=run.time_limit) \
                + STALE_AFTER < now:
            count += PlanningRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, finished_at=now,
                message=_("The planner stopped without finishing; start the plan again."))
    return count


def work_queue() -> str:
    """Run every queued run, oldest first (the worker's job)."""
    failed = fail_stale()
    done = 0
    while (pk := claim_next()) is not None:
        execute(pk, claimed=True)
        done += 1
    line = f"Planning runs finished: {done}."
    return line + (f" Interrupted runs failed: {failed}." if failed else "")


# --- cancel --------------------------------------------------------------------------------------


def may_manage(actor: User, run: PlanningRun) -> bool:
    if run.created_by_id == actor.pk or actor.is_superuser:
        return True
    return run.network is not None and is_operator(actor, run.network)


@transaction.atomic
def run_cancel(*, actor: User, run: PlanningRun) -> PlanningRun:
    """Ask a queued or running run to stop; a queued one stops at once."""
    run = PlanningRun.objects.select_for_update().get(pk=run.pk)
    if not may_manage(actor, run):
        raise PermissionDenied(_("Only whoever started the plan, or the network's operators, "
                                 "may cancel it."))
    if run.is_finished:
        raise Conflict(_("The plan has already finished (%(status)s).")
                       % {"status": run.get_status_display()})
    run.cancel_requested = True
    fields = ["cancel_requested", "updated_at"]
    if run.status == RunStatus.QUEUED:
        run.status, run.finished_at = RunStatus.CANCELLED, timezone.now()
        run.message = _("Cancelled before the plan was ready.")
        fields += ["status", "finished_at", "message"]
    run.save(update_fields=fields)
    return run


# --- accept --------------------------------------------------------------------------------------


def _check_accept(actor: User, run: PlanningRun) -> None:
    if run.network is not None:
        if not is_operator(actor, run.network):
            raise PermissionDenied(_("Only the network's operators accept its plans."))
        return
    own = _member_org_ids(actor)
    orgs = {job["organization_id"] for job in (run.proposal or {}).get("jobs", [])}
    if not actor.is_superuser and not orgs <= own:
        raise PermissionDenied(_("Only members of the requesting organizations accept this "
                                 "plan."))


@transaction.atomic
def run_accept(*, actor: User, run: PlanningRun, now=None) -> PlanningRun:
    """Turn every planned operation into a booking request (all or nothing, see the module
    docstring)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to accept a plan."))
    run = (PlanningRun.objects.select_for_update(of=("self",)).select_related("network")
           .get(pk=run.pk))
    _check_accept(actor, run)
    if run.status == RunStatus.ACCEPTED:
        raise Conflict(_("This plan has already been accepted."))
    if run.status != RunStatus.DONE:
        raise Conflict(_("Only a finished plan can be accepted (this one is %(status)s).")
                       % {"status": run.get_status_display()})
    operations = run.proposal.get("operations", [])
    if not operations:
        raise DomainError(_("The plan has no operations to book; see why the requests could "
                            "not be planned."))
    now = now or timezone.now()
    requests = {r.pk: r for r in CapacityRequest.objects.filter(
        pk__in={op["request"] for op in operations}).select_related("organization")}
    steps = RequestStep.objects.in_bulk({op["step"] for op in operations})
    resources = Resource.objects.in_bulk({op["resource"] for op in operations})
    made = []
    for op in operations:
        request = requests.get(op["request"])
        where = _("Request “%(title)s”, step %(position)s on %(resource)s: ") % {
            "title": op["title"], "position": op["position"], "resource": op["resource_name"]}
        if request is None or request.status != RequestStatus.OPEN:
            raise Conflict(where + _("the request is no longer open."))
        if op["step"] not in steps or op["resource"] not in resources:
            raise Conflict(where + _("the step or the resource no longer exists."))
        try:
            booking = bookings.booking_request(
                actor=actor, resource=resources[op["resource"]],
                start=parse_datetime(op["start"]), end=parse_datetime(op["end"]),
                organization=request.organization, step=steps[op["step"]],
                note=_("Planned with the network planner (plan #%(pk)s).") % {"pk": run.pk},
                now=now)
        except DomainError as exc:
            error = type(exc)(where + exc.message, field=exc.field)
            raise error from None
        made.append(booking)
    run.status, run.accepted_by, run.accepted_at = RunStatus.ACCEPTED, actor, now
    run.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    run.bookings.set(made)
    audit_record(actor=actor, action="planning.accept", target=run,
                 network=run.network,
                 summary=f"accepted plan #{run.pk}: {len(made)} booking requests")
    _tell_requesters(actor, run, requests.values(), len(made))
    return run


def _tell_requesters(actor: User, run: PlanningRun, requests, count: int) -> None:
    url = reverse("planning_run", args=[run.pk])
    org_ids = {r.organization_id for r in requests}
    memberships = (Membership.objects.filter(organization_id__in=org_ids,
                                             role__in=[Role.OWNER, Role.ADMIN],
                                             user__is_active=True)
                   .select_related("user").exclude(user=actor))
    for user in {m.user.pk: m.user for m in memberships}.values():
        with translation.override(user.language):
            notify(user=user, kind="planning.accept", key=f"planning:{run.pk}:accept",
                   title=_("A plan was accepted for your requests"),
                   body=_("%(name)s accepted plan #%(pk)s: booking requests were sent to the "
                          "providers, who confirm them as usual.")
                   % {"name": actor.get_short_name() or actor.email, "pk": run.pk},
                   url=url, email="now")
