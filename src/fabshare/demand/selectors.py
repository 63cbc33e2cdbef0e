"""Reads of capacity requests, with who may see what.

- Members of the requesting organization see its requests in every state.
- Published (open or matched) requests are seen by the members of organizations admitted to
  a network the requester is admitted to, and by those networks' operators.
- Attachments are seen by the requester, and by others only once their organization has
  accepted the current NDA text where the request requires one.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from fabshare.core.errors import NotFound
from fabshare.demand.models import (
    CapacityRequest,
    NdaAcceptance,
    RequestAttachment,
    RequestStatus,
    RequestStep,
)
from fabshare.network.models import Membership, NetworkMembership, NetworkMembershipStatus

PUBLISHED = (RequestStatus.OPEN, RequestStatus.MATCHED)


def _my_org_ids(user):
    return Membership.objects.filter(user=user).values("organization_id")


def requests_visible_to(user) -> QuerySet[CapacityRequest]:
    if not getattr(user, "is_authenticated", False):
        return CapacityRequest.objects.none()
    if user.is_superuser:
        return CapacityRequest.objects.all()
    approved = NetworkMembership.objects.filter(status=NetworkMembershipStatus.APPROVED)
    my_networks = approved.filter(organization__in=_my_org_ids(user)).values("network_id")
    operated = user.operated_networks.values("pk")
    requesters = approved.filter(
        Q(network__in=my_networks) | Q(network__in=operated)).values("organization_id")
    return CapacityRequest.objects.filter(
        Q(organization__in=_my_org_ids(user))
        | Q(status__in=PUBLISHED, organization__in=requesters))


def with_details(rows: QuerySet[CapacityRequest]) -> QuerySet[CapacityRequest]:
    return rows.select_related("organization", "site", "created_by").prefetch_related(
        Prefetch("steps", queryset=RequestStep.objects.select_related("process", "material")),
        "certifications", "attachments")


def get_request_for_user(user, pk: int) -> CapacityRequest:
    request = with_details(requests_visible_to(user)).filter(pk=pk).first()
    if request is None:
        raise NotFound(_("Capacity request not found."))
    return request


def is_requester(user, request: CapacityRequest) -> bool:
    return Membership.objects.filter(user=user, organization_id=request.organization_id).exists()


def get_request_for_requester(user, pk: int) -> CapacityRequest:
    request = get_request_for_user(user, pk)
    if not is_requester(user, request):
        raise NotFound(_("Capacity request not found."))
    return request


def requests_of_user(user) -> QuerySet[CapacityRequest]:
    """The requests of the user's own organizations, newest first."""
    return with_details(CapacityRequest.objects.filter(organization__in=_my_org_ids(user)))


def nda_accepted_by(user, request: CapacityRequest) -> bool:
    return NdaAcceptance.objects.filter(
        request=request, version=request.nda_version,
        organization__in=_my_org_ids(user)).exists()


def can_see_attachments(user, request: CapacityRequest) -> bool:
    if is_requester(user, request) or getattr(user, "is_superuser", False):
        return True
    if request.status not in PUBLISHED:
        return False
    return not request.nda_required or nda_accepted_by(user, request)


def get_attachment_for_user(user, request_pk: int, pk: int) -> RequestAttachment:
    request = get_request_for_user(user, request_pk)
    attachment = request.attachments.filter(pk=pk).first()
    if attachment is None or not can_see_attachments(user, request):
        raise NotFound(_("Attachment not found."))
    return attachment


def open_requests_for_providers(user) -> QuerySet[CapacityRequest]:
    """Published, still open requests of other organizations the user may see."""
    return with_details(requests_visible_to(user).filter(status=RequestStatus.OPEN)
                        .exclude(organization__in=_my_org_ids(user)))
