"""Reads of organizations, networks and memberships, always scoped to the acting user.

A protected object the user may not see raises ``NotFound``, exactly like a missing one, so
existence does not leak. Querysets come with their relations loaded so a page costs a fixed
number of queries whatever the data size.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.core.errors import NotFound, PermissionDenied
from fabshare.core.geo import bounding_box, haversine_km
from fabshare.network.models import (
    ROLE_RANK,
    AuditEntry,
    Certification,
    Cluster,
    Invitation,
    JoinRequest,
    Membership,
    Network,
    NetworkMembership,
    NetworkMembershipStatus,
    Notification,
    Organization,
    PersonalAccessToken,
    RequestStatus,
    Role,
    Site,
)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- organizations ---------------------------------------------------------------------------


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Organizations whose profile the user may read.

    Everyone sees organizations admitted to at least one network (the public profile). Members
    see their own organizations; operators see every organization that applied to their network.
    """
    approved = Q(network_memberships__status=NetworkMembershipStatus.APPROVED)
    if not _authenticated(user):
        return Organization.objects.filter(approved).distinct()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        approved
        | Q(memberships__user=user)
        | Q(network_memberships__network__operators=user)
    ).distinct()


def get_organization_for_user(user, *, slug: str | None = None, pk: int | None = None):
    """One organization the user may read, with its sites and networks loaded (or NotFound)."""
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    organization = (
        Organization.objects.filter(
            pk__in=organizations_visible_to(user).filter(**lookup).values("pk")
        )
        .prefetch_related(
            "sites",
            "certifications",
            Prefetch(
                "network_memberships",
                queryset=NetworkMembership.objects.select_related("network").prefetch_related(
                    "clusters"
                ),
            ),
        )
        .first()
    )
    if organization is None:
        raise NotFound(_("Organization not found."))
    return organization


def role_of(user, organization: Organization) -> str | None:
    if not _authenticated(user):
        return None
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def operates_any_network_of(user, organization: Organization) -> bool:
    if not _authenticated(user):
        return False
    return user.is_superuser or NetworkMembership.objects.filter(
        organization=organization, network__operators=user
    ).exists()


def can_see_members(user, organization: Organization) -> bool:
    return role_of(user, organization) is not None or operates_any_network_of(user, organization)


def get_organization_for_admin(user, *, slug: str | None = None, pk: int | None = None):
    """An organization the user administers: NotFound if invisible, PermissionDenied if they
    may read it but are not an admin or owner."""
    organization = get_organization_for_user(user, slug=slug, pk=pk)
    role = role_of(user, organization)
    if role is None or ROLE_RANK[role] < ROLE_RANK[Role.ADMIN]:
        raise PermissionDenied(_("Only an admin or owner of %(org)s can do this.")
                               % {"org": organization.name})
    return organization


def memberships_of(user, organization: Organization) -> QuerySet[Membership]:
    """The people of an organization: for its members and its networks' operators only."""
    if not can_see_members(user, organization):
        raise PermissionDenied(_("Only members of %(org)s can see who works there.")
                               % {"org": organization.name})
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def get_membership_for_user(user, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(pk=pk, organization__memberships__user=user if _authenticated(user) else None)
        .first()
    )
    if membership is None:
        raise NotFound(_("Membership not found."))
    return membership


def get_site_for_user(user, pk: int) -> Site:
    site = Site.objects.select_related("organization").filter(
        pk=pk, organization__in=organizations_visible_to(user)
    ).first()
    if site is None:
        raise NotFound(_("Site not found."))
    return site


def open_invitations_of(organization: Organization) -> QuerySet[Invitation]:
    return organization.invitations.filter(
        status=RequestStatus.PENDING, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def pending_join_requests_of(organization: Organization) -> QuerySet[JoinRequest]:
    return organization.join_requests.filter(status=RequestStatus.PENDING).select_related("user")


def invitations_for(user) -> QuerySet[Invitation]:
    """Open invitations addressed to the user's e-mail address."""
    return Invitation.objects.filter(
        email__iexact=user.email, status=RequestStatus.PENDING, expires_at__gt=timezone.now()
    ).select_related("organization", "invited_by")


def get_invitation_by_token(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("organization", "invited_by").filter(
        token=token
    ).first()
    if invitation is None:
        raise NotFound(_("Invitation not found."))
    return invitation


def get_join_request_for_admin(user, pk: int) -> JoinRequest:
    join_request = JoinRequest.objects.select_related("organization", "user").filter(pk=pk).first()
    if join_request is None or role_of(user, join_request.organization) is None:
        raise NotFound(_("Join request not found."))
    return join_request


# --- networks --------------------------------------------------------------------------------


def networks() -> QuerySet[Network]:
    """Every network, with its clusters and the number of admitted members."""
    return Network.objects.prefetch_related("clusters").annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__status=NetworkMembershipStatus.APPROVED),
        )
    )


def get_network(*, slug: str | None = None, pk: int | None = None) -> Network:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    network = networks().filter(**lookup).first()
    if network is None:
        raise NotFound(_("Network not found."))
    return network


def operated_networks(user) -> QuerySet[Network]:
    if not _authenticated(user):
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    return Network.objects.filter(operators=user)


def get_network_for_operator(user, *, slug: str | None = None, pk: int | None = None) -> Network:
    network = get_network(slug=slug, pk=pk)
    if not operated_networks(user).filter(pk=network.pk).exists():
        raise PermissionDenied(_("Only the operators of %(network)s can do this.")
                               % {"network": network.name})
    return network


def network_memberships_for(user, network: Network, *, status: str | None = None):
    """Applications and memberships of a network: all for its operators, else the user's own
    organizations' rows only."""
    rows = NetworkMembership.objects.filter(network=network).select_related(
        "organization", "applied_by", "decided_by"
    ).prefetch_related("clusters", "organization__sites").order_by("-created_at")
    if not operated_networks(user).filter(pk=network.pk).exists():
        if not _authenticated(user):
            return rows.none()
        rows = rows.filter(organization__memberships__user=user)
    if status:
        rows = rows.filter(status=status)
    return rows


def get_network_membership_for_user(user, pk: int) -> NetworkMembership:
    membership = NetworkMembership.objects.select_related("network", "organization").filter(
        pk=pk
    ).first()
    if membership is None or not (
        operated_networks(user).filter(pk=membership.network_id).exists()
        or role_of(user, membership.organization) is not None
    ):
        raise NotFound(_("Network membership not found."))
    return membership


@dataclass
class DirectoryEntry:
    organization: Organization
    clusters: list[Cluster]
    distance_km: float | None
    site: Site | None  # the site nearest to the place searched from, or the main site


def directory(
    network: Network,
    *,
    q: str = "",
    kind: str = "",
    cluster: str = "",
    certification: str = "",
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
) -> list[DirectoryEntry]:
    """The admitted members of a network, filtered, nearest first when a place is given.

    The SQL narrows by text, kind, cluster, certification and a bounding box around the
    place; the exact great-circle distance is then computed per site. Four queries in all.
    """
    rows = (
        NetworkMembership.objects.filter(
            network=network, status=NetworkMembershipStatus.APPROVED
        )
        .select_related("organization")
        .prefetch_related("clusters", "organization__sites", "organization__certifications")
        .order_by("organization__name")
    )
    if q:
        rows = rows.filter(
            Q(organization__name__icontains=q)
            | Q(organization__description__icontains=q)
            | Q(organization__sites__city__icontains=q)
            | Q(organization__sectors__icontains=q)
        ).distinct()
    if kind:
        rows = rows.filter(organization__kind=kind)
    if cluster:
        rows = rows.filter(clusters__slug=cluster)
    if certification:
        rows = rows.filter(
            Q(organization__certifications__code=certification)
            | Q(organization__certifications__name__iexact=certification)
        ).distinct()
    if near and radius_km is not None:
        box = bounding_box(near[0], near[1], radius_km)
        rows = rows.filter(
            organization__sites__latitude__range=(box.min_lat, box.max_lat),
            organization__sites__longitude__range=(box.min_lon, box.max_lon),
        ).distinct()
    entries = []
    for row in rows:
        sites = list(row.organization.sites.all())
        site, distance = (sites[0] if sites else None), None
        if near and sites:
            distance, site = min(
                ((haversine_km(near[0], near[1], s.latitude, s.longitude), s) for s in sites),
                key=lambda pair: pair[0],
            )
            if radius_km is not None and distance > radius_km:
                continue
        entries.append(DirectoryEntry(row.organization, list(row.clusters.all()), distance, site))
    if near:
        entries.sort(key=lambda e: (e.distance_km is None, e.distance_km or 0))
    return entries


def certifications_in(network: Network) -> QuerySet[Certification]:
    """Every certification held by an admitted member, for the directory's filter."""
    return Certification.objects.filter(
        organizations__network_memberships__network=network,
        organizations__network_memberships__status=NetworkMembershipStatus.APPROVED,
    ).distinct()


# --- home, audit, tokens ---------------------------------------------------------------------


def my_memberships(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization").prefetch_related(
        Prefetch("organization__network_memberships",
                 queryset=NetworkMembership.objects.select_related("network"))
    ).order_by("organization__name")


@dataclass
class HomeSummary:
    memberships: list[Membership]
    invitations: list[Invitation]
    join_requests: list[JoinRequest]  # waiting for this user's decision as an admin
    my_join_requests: list[JoinRequest]
    pending_applications: list[NetworkMembership]  # waiting for this user's decision (operator)
    networks: list[Network]
    operated: list[Network]


def home_summary(user) -> HomeSummary:
    """What the signed-in user can do next, in a fixed number of queries."""
    memberships = list(my_memberships(user))
    admin_of = [m.organization_id for m in memberships if ROLE_RANK[m.role] >= ROLE_RANK["admin"]]
    operated = list(operated_networks(user))
    return HomeSummary(
        memberships=memberships,
        invitations=list(invitations_for(user)),
        join_requests=list(
            JoinRequest.objects.filter(organization_id__in=admin_of, status=RequestStatus.PENDING)
            .select_related("organization", "user")
        ),
        my_join_requests=list(
            JoinRequest.objects.filter(user=user, status=RequestStatus.PENDING)
            .select_related("organization")
        ),
        pending_applications=list(
            NetworkMembership.objects.filter(
                network__in=operated, status=NetworkMembershipStatus.PENDING
            ).select_related("organization", "network")
        ),
        networks=list(networks()),
        operated=operated,
    )


def audit_entries_for(user, *, organization: Organization | None = None,
                      network: Network | None = None) -> QuerySet[AuditEntry]:
    """The audit log of an organization (for its admins) or a network (for its operators)."""
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if organization is not None:
        role = role_of(user, organization)
        if not (getattr(user, "is_superuser", False)
                or (role and ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN])):
            raise PermissionDenied(_("Only admins of %(org)s can read its audit log.")
                                   % {"org": organization.name})
        return entries.filter(organization=organization)
    if network is not None:
        get_network_for_operator(user, pk=network.pk)
        return entries.filter(network=network)
    raise NotFound(_("Audit log not found."))


def tokens_of(user) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at")


def get_token_for_user(user, pk: int) -> PersonalAccessToken:
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise NotFound(_("Token not found."))
    return token


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_notification_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def get_notification_for_user(user, pk: int) -> Notification:
    notification = Notification.objects.filter(user=user, pk=pk).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    return notification
