"""REST endpoints for matches (ranked, with explanations) and saved searches."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fabshare.core.errors import NotFound
from fabshare.demand import selectors as demand_selectors
from fabshare.matching import selectors, services
from fabshare.matching.explain import sentence
from fabshare.matching.models import SavedSearch
from fabshare.network.api import In, PathId, Text, errors

router = Router(tags=["matching"])


class ReasonOut(Schema):
    kind: str = Field(..., description="fit, tight, missing or info")
    code: str = Field(..., description="The criterion: envelope, thickness, free_time, …")
    text: str = Field(..., description="The reason as a sentence in your language")


class MatchOut(Schema):
    resource_id: int
    resource_name: str
    resource_slug: str
    organization_id: int
    organization_name: str
    score: float = Field(..., description="0–100")
    near_miss: bool = Field(..., description="Fails exactly one hard requirement")
    distance_km: float | None
    free_hours: float = Field(..., description="Free hours between earliest start and deadline")
    estimated_price_cents: int | None = Field(..., description="Excluding VAT")
    reasons: list[ReasonOut]


class StepMatchesOut(Schema):
    position: int
    process: str
    matches: list[MatchOut]


class SavedSearchIn(In):
    request_id: int = Field(..., ge=1)
    name: Text(160) = ""
    email_digest: bool = True


class SavedSearchPatch(In):
    name: Text(160, 1) | None = None
    email_digest: bool | None = None
    is_active: bool | None = None


class SavedSearchOut(Schema):
    id: int
    request_id: int
    name: str
    email_digest: bool
    is_active: bool
    created_at: datetime
    last_checked_at: datetime | None


def _match(row) -> dict:
    m, resource = row.match, row.resource
    return {
        "resource_id": resource.pk, "resource_name": resource.name,
        "resource_slug": resource.slug, "organization_id": resource.organization_id,
        "organization_name": resource.organization.name, "score": m.score,
        "near_miss": m.near_miss, "distance_km": m.candidate.distance_km,
        "free_hours": round(m.candidate.free_hours, 1),
        "estimated_price_cents": m.estimated_price_cents,
        "reasons": [{"kind": r.kind, "code": r.code, "text": sentence(r)} for r in m.reasons],
    }


@router.get("/requests/{request_id}/matches",
            response={200: list[StepMatchesOut], **errors(401, 404, 422)})
def list_matches(request, request_id: PathId, near_misses: bool = True):
    """Per step, the resources that fit (best first), then near misses that fail exactly one
    requirement — each with its reasons (requester's members)."""
    capacity_request = demand_selectors.get_request_for_requester(request.auth, request_id)
    result = []
    for step in capacity_request.steps.all():
        step.request = capacity_request
        rows = selectors.matches_for_step(step, user=request.auth)
        result.append({"position": step.position, "process": step.process.code,
                       "matches": [_match(r) for r in rows if near_misses or not r.near_miss]})
    return result


def _saved(user, pk: int) -> SavedSearch:
    saved = SavedSearch.objects.filter(user=user, pk=pk).first()
    if saved is None:
        raise NotFound(_("Saved search not found."))
    return saved


@router.get("/saved-searches", response={200: list[SavedSearchOut], **errors(401)})
def list_saved_searches(request):
    return list(SavedSearch.objects.filter(user=request.auth).order_by("-created_at"))


@router.post("/saved-searches",
             response={201: SavedSearchOut, **errors(400, 401, 404, 409, 422)})
def create_saved_search(request, payload: SavedSearchIn):
    """Watch a published request: resources that fit it later are announced once each."""
    capacity_request = demand_selectors.get_request_for_requester(request.auth,
                                                                  payload.request_id)
    saved = services.saved_search_create(actor=request.auth, request=capacity_request,
                                         name=payload.name, email_digest=payload.email_digest)
    return Status(201, saved)


@router.patch("/saved-searches/{saved_search_id}",
              response={200: SavedSearchOut, **errors(400, 401, 404, 422)})
def update_saved_search(request, saved_search_id: PathId, payload: SavedSearchPatch):
    saved = _saved(request.auth, saved_search_id)
    return services.saved_search_update(actor=request.auth, saved=saved,
                                        **payload.model_dump(exclude_unset=True))


@router.delete("/saved-searches/{saved_search_id}", response={204: None, **errors(401, 404, 422)})
def delete_saved_search(request, saved_search_id: PathId):
    services.saved_search_delete(actor=request.auth, saved=_saved(request.auth, saved_search_id))
    return Status(204, None)
