"""REST endpoints of machine connectivity: links, HTTP ingest, state history, ISO 22400 KPIs,
rejected messages and idle-time proposals.

Members of the resource's organization read; its admins change links and publish proposals.
``POST /telemetry/ingest`` authenticates with the link's ingest token
(``Authorization: Bearer fsm_…``), not a personal token: machines get only the right to send
their own states. Each message in the batch is answered (accepted, repeated or rejected with
its reason); bad messages never fail the batch.
"""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import Field

from fabshare.availability.api import Instant
from fabshare.catalog import selectors as catalog_selectors
from fabshare.core.errors import DomainError
from fabshare.network.api import In, Pagination, PathId, Text, errors
from fabshare.network.models import Role
from fabshare.telemetry import ingest, payloads, selectors, services
from fabshare.telemetry.kpi import PERIOD_KINDS
from fabshare.telemetry.models import IdleProposal, MachineLink, RejectedMessage

router = Router(tags=["telemetry"])

MAX_BATCH = 1000
MAX_BODY = 1_000_000  # bytes of one HTTP batch (below Django's 2.5 MB request limit)


class PayloadTooLarge(DomainError):  # noqa: N818 - named after the HTTP status
    status = 413
    title = "Payload too large"
MAX_RANGE = timedelta(days=92)


class IngestAuth(HttpBearer):
    """A link's ingest token; the request is bound to that link."""

    def authenticate(self, request: HttpRequest, token: str):
        link = MachineLink.objects.filter(token_digest=services.token_digest(token)).first() \
            if token.startswith("fsm_") else None
        if link is None:
            raise AuthenticationError(401, _("The ingest token is unknown."))
        request.machine_link = link
        return link


# --- schemas ---------------------------------------------------------------------------------

Protocol = Annotated[str, Field(pattern="^(mqtt|opcua|http)$")]
NodeId = Text(200)


class LinkIn(In):
    resource_id: int = Field(ge=1)
    name: Text(100, 1)
    protocol: Protocol
    mqtt_topic: Text(200) = ""
    opcua_endpoint: Text(300) = ""
    opcua_state_node: NodeId = ""
    opcua_mode_node: NodeId = ""
    opcua_good_node: NodeId = ""
    opcua_scrap_node: NodeId = ""
    mapping: dict[str, str] = Field(default_factory=dict, max_length=200)
    planned_seconds_per_unit: Decimal | None = Field(None, gt=0, le=1_000_000)
    time_zone: Text(64) = "Europe/Brussels"
    is_active: bool = True
    auto_publish: bool = False
    auto_publish_confidence: float = Field(0.9, ge=0.5, le=1)


class LinkPatch(In):
    name: Text(100, 1) | None = None
    mqtt_topic: Text(200) | None = None
    opcua_endpoint: Text(300) | None = None
    opcua_state_node: NodeId | None = None
    opcua_mode_node: NodeId | None = None
    opcua_good_node: NodeId | None = None
    opcua_scrap_node: NodeId | None = None
    mapping: dict[str, str] | None = Field(None, max_length=200)
    planned_seconds_per_unit: Decimal | None = Field(None, gt=0, le=1_000_000)
    time_zone: Text(64) | None = None
    is_active: bool | None = None
    auto_publish: bool | None = None
    auto_publish_confidence: float | None = Field(None, ge=0.5, le=1)


class LinkOut(Schema):
    id: int
    resource_id: int
    name: str
    protocol: str
    key: str = Field(..., description="The link's id in state messages (``link``)")
    token_prefix: str
    mqtt_topic: str
    opcua_endpoint: str
    opcua_state_node: str
    opcua_mode_node: str
    opcua_good_node: str
    opcua_scrap_node: str
    mapping: dict[str, str]
    planned_seconds_per_unit: Decimal | None
    time_zone: str
    is_active: bool
    auto_publish: bool
    auto_publish_confidence: float
    last_message_at: datetime | None
    last_payload: str
    accepted_count: int
    rejected_count: int


class LinkCreated(LinkOut):
    ingest_token: str = Field(..., description="Shown once: Authorization: Bearer fsm_…")


class IngestResult(Schema):
    index: int
    status: str = Field(..., description="accepted, repeated or rejected")
    reason: str | None = None
    detail: str | None = None


class IngestOut(Schema):
    accepted: int
    repeated: int
    rejected: int
    results: list[IngestResult]


class IntervalOut(Schema):
    start: datetime
    end: datetime
    state: str


class TimeElementsOut(Schema):
    period: float
    unknown: float
    pot: float
    pdot: float
    pbt: float
    apt: float
    aust: float
    adot: float
    aubt: float
    idle: float
    offline: float


class KpiOut(Schema):
    label: str
    start: datetime
    end: datetime
    seconds: TimeElementsOut
    good: int
    scrap: int
    availability: float | None
    utilisation_efficiency: float | None
    setup_rate: float | None
    quality_ratio: float | None
    effectiveness: float | None
    oee: float | None


class RejectedOut(Schema):
    id: int
    source: str
    reason: str
    detail: str
    payload: str
    received_at: datetime


class ProposalOut(Schema):
    id: int
    link_id: int
    start: datetime
    end: datetime
    confidence: float
    status: str
    window_id: int | None


class RangeQuery(Schema):
    start: Instant | None = None
    end: Instant | None = None


class KpiQuery(RangeQuery):
    period: str = Field("day", pattern="^(day|shift|week)$",
                        description=f"One of {', '.join(PERIOD_KINDS)}")


def _range(query: RangeQuery, default: timedelta) -> tuple[datetime, datetime]:
    end = query.end or timezone.now()
    start = query.start or end - default
    if end <= start:
        raise DomainError(_("The end must come after the start."), field="end")
    if end - start > MAX_RANGE:
        raise DomainError(_("Ask for at most 92 days at a time."), field="start")
    return start, end


# --- links -----------------------------------------------------------------------------------


@router.get("/telemetry/links", response={200: list[LinkOut], **errors(401, 403, 404, 422)})
@paginate(Pagination)
def list_links(request, resource_id: Annotated[int, Query(ge=1)]):
    """The machine links of a resource (members of its organization)."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id,
                                                       minimum=Role.MEMBER)
    return selectors.links_of(resource)


@router.post("/telemetry/links", response={201: LinkCreated, **errors(400, 401, 403, 404, 422)})
def create_link(request, payload: LinkIn):
    """Connect a machine (admins). The answer holds the HTTP ingest token, once."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=payload.resource_id)
    data = payload.dict(exclude={"resource_id"})
    link, token = services.link_create(actor=request.auth, resource=resource, **data)
    link.ingest_token = token
    return Status(201, link)


@router.get("/telemetry/links/{link_id}", response={200: LinkOut, **errors(401, 403, 404, 422)})
def get_link(request, link_id: PathId):
    return selectors.get_link_for_role(request.auth, link_id, Role.MEMBER)


@router.patch("/telemetry/links/{link_id}",
              response={200: LinkOut, **errors(400, 401, 403, 404, 422)})
def update_link(request, link_id: PathId, payload: LinkPatch):
    link = selectors.get_link_for_role(request.auth, link_id)
    return services.link_update(actor=request.auth, link=link,
                                **payload.dict(exclude_unset=True))


@router.delete("/telemetry/links/{link_id}", response={204: None, **errors(401, 403, 404, 422)})
def delete_link(request, link_id: PathId):
    """Remove a link with its history (admins)."""
    services.link_delete(actor=request.auth,
                         link=selectors.get_link_for_role(request.auth, link_id))
    return Status(204, None)


# --- ingest ----------------------------------------------------------------------------------


class StateMessage(Schema):
    link: str | None = Field(None, description="The link's key (optional here: the token's)")
    state: str = Field(..., examples=["Executing"])
    ts: datetime | float = Field(..., description="ISO 8601 with zone, or epoch seconds")
    id: str | None = Field(None, max_length=64, description="Unique per link: repeats ignored")
    good: int | None = Field(None, ge=0)
    scrap: int | None = Field(None, ge=0)


_MESSAGE = StateMessage.model_json_schema()
INGEST_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "oneOf": [_MESSAGE, {"type": "array", "maxItems": MAX_BATCH, "items": _MESSAGE}]}}}}}


@router.post("/telemetry/ingest", auth=IngestAuth(), openapi_extra=INGEST_BODY,
             response={200: IngestOut, **errors(400, 401, 413, 422)})
def ingest_batch(request):
    """Send one state message or a JSON array of up to 1000 (see docs/telemetry.md). The link
    is the token's; a ``link`` field, if sent, must be its key."""
    link: MachineLink = request.machine_link
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise PayloadTooLarge(_("The batch is larger than %(n)d bytes; send fewer messages "
                                "at a time.") % {"n": MAX_BODY})
    body = request.body
    try:
        value = payloads.decode(body, max_bytes=MAX_BODY)
    except payloads.Rejection as rejection:
        ingest.store([ingest.Incoming(payload=body, source="http", default_link=link.key)])
        raise DomainError(rejection.detail) from None
    rows = value if isinstance(value, list) else [value]
    if len(rows) > MAX_BATCH:
        raise DomainError(_("Send at most %(n)d messages at a time.") % {"n": MAX_BATCH})
    items = []
    for row in rows:
        text = json.dumps(row).encode()
        if isinstance(row, dict) and row.get("link", link.key) != link.key:
            row = {**row, "link": "(another link's key)"}
        items.append(ingest.Incoming(payload=text, source="http", default_link=link.key,
                                     decoded=row if len(text) <= payloads.MAX_BYTES else None))
    result = ingest.store(items)
    rejected = {index: (reason, detail) for index, reason, detail in result.rejected}
    results = []
    for index in range(len(items)):
        if index in rejected:
            reason, detail = rejected[index]
            results.append(IngestResult(index=index, status="rejected", reason=reason,
                                        detail=detail))
        else:
            results.append(IngestResult(index=index, status="accepted"))
    # Which of the accepted were repeats is known only in total.
    return IngestOut(accepted=result.accepted, repeated=result.repeated,
                     rejected=len(rejected), results=results)


# --- history, KPIs, rejected messages ----------------------------------------------------------


@router.get("/telemetry/links/{link_id}/intervals",
            response={200: list[IntervalOut], **errors(400, 401, 403, 404, 422)})
def list_intervals(request, link_id: PathId, query: Query[RangeQuery]):
    """States in [start, end) (default: the last 7 days); time without data is absent."""
    link = selectors.get_link_for_role(request.auth, link_id, Role.MEMBER)
    start, end = _range(query, timedelta(days=7))
    return selectors.spans(link, start, end)


@router.get("/telemetry/links/{link_id}/kpis",
            response={200: list[KpiOut], **errors(400, 401, 403, 404, 422)})
def list_kpis(request, link_id: PathId, query: Query[KpiQuery]):
    """ISO 22400-2 KPIs per local day, shift or ISO week (default: the last 7 days); ratios
    without a denominator are null. Seconds of each time element are included."""
    link = selectors.get_link_for_role(request.auth, link_id, Role.MEMBER)
    start, end = _range(query, timedelta(days=7))
    out = []
    for k in selectors.kpis(link, query.period, start, end):
        el = k.elements
        seconds = {name: getattr(el, name) for name in TimeElementsOut.model_fields}
        out.append({**k.__dict__, "seconds": seconds})
    return out


@router.get("/telemetry/links/{link_id}/rejected",
            response={200: list[RejectedOut], **errors(401, 403, 404, 422)})
@paginate(Pagination)
def list_rejected(request, link_id: PathId):
    """Messages that were not accepted, newest first, with their reason."""
    link = selectors.get_link_for_role(request.auth, link_id, Role.MEMBER)
    return RejectedMessage.objects.filter(link=link)


# --- proposals -------------------------------------------------------------------------------


@router.get("/telemetry/links/{link_id}/proposals",
            response={200: list[ProposalOut], **errors(401, 403, 404, 422)})
def list_proposals(request, link_id: PathId):
    """Coming idle windows learned from the machine's history, with their confidence."""
    link = selectors.get_link_for_role(request.auth, link_id, Role.MEMBER)
    return selectors.proposals(link)


@router.post("/telemetry/links/{link_id}/proposals/refresh",
             response={200: list[ProposalOut], **errors(401, 403, 404, 422)})
def refresh_proposals(request, link_id: PathId):
    """Learn again from the last weeks and replace the open proposals (admins)."""
    link = selectors.get_link_for_role(request.auth, link_id)
    services.proposals_refresh(link=link)
    return selectors.proposals(link)


@router.post("/telemetry/proposals/{proposal_id}/publish",
             response={200: ProposalOut, **errors(401, 403, 404, 409, 422)})
def publish_proposal(request, proposal_id: PathId):
    """Offer the window as availability, marked as coming from machine data (admins)."""
    proposal = selectors.get_proposal_for_role(request.auth, proposal_id)
    services.proposal_publish(actor=request.auth, proposal=proposal)
    return IdleProposal.objects.get(pk=proposal.pk)


@router.post("/telemetry/proposals/{proposal_id}/dismiss",
             response={200: ProposalOut, **errors(401, 403, 404, 409, 422)})
def dismiss_proposal(request, proposal_id: PathId):
    proposal = selectors.get_proposal_for_role(request.auth, proposal_id)
    services.proposal_dismiss(actor=request.auth, proposal=proposal)
    return IdleProposal.objects.get(pk=proposal.pk)
