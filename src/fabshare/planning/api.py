"""REST endpoints of the network planner: start a planning run over open requests, follow its
progress, read the proposal, cancel it, accept it.

The same rules as the pages (see ``services``): a seeker plans their organizations' open
requests, a network operator those of the network's members; the proposal is read by whoever
may see the run; accepting sends one booking request per planned operation, all or nothing.
"""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fabshare.core.errors import Conflict, NotFound
from fabshare.demand.models import CapacityRequest
from fabshare.network.api import MAX_ID, In, PathId, errors
from fabshare.network.selectors import get_network
from fabshare.planning import selectors, services
from fabshare.planning.models import MAX_TIME_LIMIT, PlanObjective, RunStatus

router = Router(tags=["planning"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class RunIn(In):
    requests: list[Id] = Field(..., min_length=1, max_length=services.MAX_REQUESTS,
                                description="Ids of open requests to plan together")
    network_id: Id | None = Field(
        None, description="Plan as an operator of this network (default: your own "
                                "organizations' requests, else a network you operate)")
    time_limit: int = Field(10, ge=1, le=MAX_TIME_LIMIT, description="Seconds of search")
    objective: PlanObjective = PlanObjective.MAKESPAN


class RunOut(Schema):
    id: int
    status: RunStatus
    progress: float = Field(..., description="0 to 1")
    phase: str
    message: str
    network_id: int | None
    requests: list[int]
    objective: PlanObjective
    time_limit: int
    cancel_requested: bool
    solver_status: str = Field(..., description="optimal or feasible once done")
    objective_value: int | None
    bound: int | None
    gap: float | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    accepted_at: datetime | None
    bookings: list[int] = Field(..., description="Booking requests made on acceptance")

    @staticmethod
    def resolve_requests(obj) -> list[int]:
        return sorted(r.pk for r in obj.requests.all())

    @staticmethod
    def resolve_bookings(obj) -> list[int]:
        return sorted(b.pk for b in obj.bookings.all())


class ProposalStepOut(Schema):
    step: int
    position: int
    process: str
    hours: float
    eligible: int = Field(..., description="Eligible resources the planner considered")


class ProposalJobOut(Schema):
    request: int
    title: str
    organization: str
    organization_id: int
    release: datetime
    deadline: datetime | None
    steps: list[ProposalStepOut]


class OperationOut(Schema):
    request: int
    title: str
    step: int
    position: int
    process: str
    resource: int
    resource_name: str
    provider: str
    provider_id: int
    site: str
    start: datetime
    end: datetime
    price_cents: int
    currency: str


class TransportOut(Schema):
    request: int
    from_site: str
    to_site: str
    from_resource: str
    to_resource: str
    start: datetime
    end: datetime
    minutes: int


class BlockedStepOut(Schema):
    position: int | str
    process: str


class UnservedOut(Schema):
    request: int
    title: str
    organization: str
    reason: str = Field(..., description="no_eligible_resource, no_window_long_enough, "
                                         "deadline_too_early or capacity_taken")
    explanation: str
    detail: str = Field(..., description="The planner's figures, in minutes from the start "
                                         "of the planning period")
    planned_late: bool
    step: BlockedStepOut | None
    earliest_end: datetime | None
    deadline: datetime | None


class MetricsOut(Schema):
    jobs: int
    jobs_planned: int
    jobs_on_time: int
    tardiness_minutes: int
    end: datetime | None
    price_cents: int


class ProposalOut(Schema):
    run: int
    status: RunStatus
    origin: datetime
    end: datetime
    jobs: list[ProposalJobOut]
    operations: list[OperationOut]
    transports: list[TransportOut]
    unserved: list[UnservedOut]
    metrics: MetricsOut
    solver: dict


def _run(user, pk: int):
    return selectors.get_run_for_user(user, pk)


@router.post("/planning-runs", response={201: RunOut, **errors(400, 401, 403, 404, 422)})
def create_run(request, payload: RunIn):
    """Queue a plan over open requests; it runs in the background (follow ``GET``)."""
    visible = selectors.plannable_requests(request.auth).filter(pk__in=payload.requests)
    found = {r.pk: r for r in CapacityRequest.objects.filter(pk__in=visible.values("pk"))}
    missing = [pk for pk in payload.requests if pk not in found]
    if missing:
        raise NotFound(_("No open request you may plan has the id %(ids)s.")
                       % {"ids": ", ".join(map(str, missing))})
    network = get_network(pk=payload.network_id) if payload.network_id else None
    run = services.run_create(actor=request.auth, requests=[found[pk] for pk in payload.requests],
                              network=network, time_limit=payload.time_limit,
                              objective=payload.objective)
    return Status(201, _run(request.auth, run.pk))


@router.get("/planning-runs/{run_id}", response={200: RunOut, **errors(401, 404, 422)})
def get_run(request, run_id: PathId):
    """A run's status and progress (0–1)."""
    return _run(request.auth, run_id)


@router.get("/planning-runs/{run_id}/proposal",
            response={200: ProposalOut, **errors(401, 404, 409, 422)})
def get_proposal(request, run_id: PathId):
    """The proposed plan: operations, transport legs, and why requests are not served on time.
    409 while the run has no proposal (queued, running, failed or cancelled)."""
    from fabshare.planning.proposal import reason_text

    run = _run(request.auth, run_id)
    if not run.proposal:
        raise Conflict(_("This run has no proposal (it is %(status)s).")
                       % {"status": run.get_status_display()})
    proposal = dict(run.proposal)
    proposal["unserved"] = [dict(item, explanation=reason_text(item))
                            for item in proposal["unserved"]]
    return {"run": run.pk, "status": run.status, **proposal}


@router.post("/planning-runs/{run_id}/cancel",
             response={200: RunOut, **errors(401, 403, 404, 409, 422)})
def cancel_run(request, run_id: PathId):
    """Stop a queued or running run (it ends ``cancelled`` within about a second)."""
    services.run_cancel(actor=request.auth, run=_run(request.auth, run_id))
    return _run(request.auth, run_id)


@router.post("/planning-runs/{run_id}/accept",
             response={200: RunOut, **errors(400, 401, 403, 404, 409, 422)})
def accept_run(request, run_id: PathId):
    """Send one booking request per planned operation, on behalf of each requester; all or
    nothing (409 naming the operation whose period was taken meanwhile)."""
    services.run_accept(actor=request.auth, run=_run(request.auth, run_id))
    return _run(request.auth, run_id)
