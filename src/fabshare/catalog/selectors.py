"""Reads of the taxonomy and of resources, scoped to the acting user.

Visibility of a resource:
- its own organization's members see it always (also inactive);
- everyone sees active **public** resources;
- members of an organization admitted to a network the owner is admitted to see active
  **network** resources;
- members of a selected partner organization see active **partners** resources.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from fabshare.catalog.models import (
    Capability,
    CapabilityMaterial,
    Material,
    Process,
    Resource,
    Visibility,
)
from fabshare.core.errors import NotFound, PermissionDenied
from fabshare.network.models import (
    ROLE_RANK,
    Membership,
    NetworkMembership,
    NetworkMembershipStatus,
    Organization,
    Role,
)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def visibility_q(user) -> Q:
    """A filter on Resource for what ``user`` may see (see the module docstring)."""
    public = Q(is_active=True, visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return public
    if user.is_superuser:
        return Q()
    my_orgs = Membership.objects.filter(user=user).values("organization_id")
    my_networks = NetworkMembership.objects.filter(
        organization__in=my_orgs, status=NetworkMembershipStatus.APPROVED
    ).values("network_id")
    peers = NetworkMembership.objects.filter(
        network__in=my_networks, status=NetworkMembershipStatus.APPROVED
    ).values("organization_id")
    return (
        public
        | Q(organization__in=my_orgs)
        | Q(is_active=True, visibility=Visibility.NETWORK, organization__in=peers)
        | Q(is_active=True, visibility=Visibility.PARTNERS, partners__in=my_orgs)
    )


def resources_visible_to(user) -> QuerySet[Resource]:
    return Resource.objects.filter(
        pk__in=Resource.objects.filter(visibility_q(user)).values("pk")
    )


def with_details(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    """Load what a resource page or card shows, in a fixed number of queries."""
    return resources.select_related("organization", "site").prefetch_related(
        Prefetch("capabilities", queryset=Capability.objects.select_related("process")
                 .prefetch_related(Prefetch(
                     "material_limits",
                     queryset=CapabilityMaterial.objects.select_related("material")))),
        "accreditations", "skills", "photos", "documents",
    )


def get_resource_for_user(user, *, slug: str | None = None, pk: int | None = None) -> Resource:
    """One resource the user may see, with its details (NotFound otherwise)."""
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    resource = with_details(resources_visible_to(user).filter(**lookup)).first()
    if resource is None:
        raise NotFound(_("Resource not found."))
    return resource


def can_manage(user, organization: Organization) -> bool:
    if not _authenticated(user):
        return False
    role = Membership.objects.filter(user=user, organization=organization).values_list(
        "role", flat=True).first()
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN]


def get_resource_for_admin(user, *, slug: str | None = None, pk: int | None = None) -> Resource:
    """A resource the user may change: NotFound if invisible, PermissionDenied if visible but
    the user is not an admin of its organization."""
    resource = get_resource_for_user(user, slug=slug, pk=pk)
    if not can_manage(user, resource.organization):
        raise PermissionDenied(_("Only admins of %(org)s can change this resource.")
                               % {"org": resource.organization.name})
    return resource


def resources_of(user, organization: Organization) -> QuerySet[Resource]:
    """An organization's resources as ``user`` may see them (all of them for its members)."""
    return resources_visible_to(user).filter(organization=organization).select_related(
        "site").prefetch_related(Prefetch("capabilities",
                                          queryset=Capability.objects.select_related("process")))


def get_capability_for_admin(user, pk: int) -> Capability:
    capability = Capability.objects.select_related("resource__organization", "process").filter(
        pk=pk).first()
    if capability is None or not can_manage(user, capability.resource.organization):
        raise NotFound(_("Capability not found."))
    return capability


def process_tree() -> list[tuple[Process, int]]:
    """Every process with its depth, in tree order (for choosers)."""
    processes = list(Process.objects.all())
    children: dict[int | None, list[Process]] = {}
    for process in processes:
        children.setdefault(process.parent_id, []).append(process)
    ordered: list[tuple[Process, int]] = []

    def walk(parent_id, depth):
        for process in children.get(parent_id, []):
            ordered.append((process, depth))
            walk(process.pk, depth + 1)

    walk(None, 0)
    return ordered


def process_descendants(process: Process) -> list[int]:
    """The ids of a process and every process below it."""
    parent_of = dict(Process.objects.values_list("pk", "parent_id"))
    result = []
    for pk in parent_of:
        node = pk
        while node is not None:
            if node == process.pk:
                result.append(pk)
                break
            node = parent_of[node]
    return result


def materials() -> QuerySet[Material]:
    return Material.objects.select_related("family").order_by("family__position", "position")
