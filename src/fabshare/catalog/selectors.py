"""Reads of the taxonomy and of resources, scoped to the acting user.

Visibility of a resource:
- its own organization's members see it always (also inactive);
- everyone sees active **public** resources;
- members of an organization admitted to a network the owner is admitted to see active
  **network** resources;
- members of a selected partner organization see active **partners** resources.
"""

import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.cache import cache
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
                     queryset=CapabilityMaterial.objects.select_related("material")
                     .order_by("material__position")))),
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


PROCESS_PARENTS_KEY = "catalog:process-parents"


def process_parents() -> dict[int, int | None]:
    """Every process id with its parent's: read once and kept in the cache (the taxonomy
    changes with a migration or in the admin; ``CatalogConfig.ready`` drops the copy then)."""
    parents = cache.get(PROCESS_PARENTS_KEY)
    if parents is None:
        parents = dict(Process.objects.values_list("pk", "parent_id"))
        cache.set(PROCESS_PARENTS_KEY, parents, timeout=3600)
    return parents


def process_descendants(process_id: int) -> list[int]:
    """The ids of a process and every process below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in process_parents().items():
        children.setdefault(parent, []).append(pk)
    result, todo = [], [process_id]
    while todo:
        pk = todo.pop()
        result.append(pk)
        todo.extend(children.get(pk, ()))
    return sorted(result)


def materials() -> QuerySet[Material]:
    return Material.objects.select_related("family").order_by("family__position", "position")


# --- lookups for the API: by code, by text, with a role ---------------------------------------


def _folded(text: str) -> str:
    """Case- and accent-insensitive form, to match typed text against labels and synonyms."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _terms(entry) -> list[str]:
    terms = [entry.code, *(entry.labels or {}).values()]
    synonyms = entry.synonyms or {}
    for values in synonyms.values() if isinstance(synonyms, dict) else [synonyms]:
        terms.extend(values if isinstance(values, list) else [values])
    return [str(t) for t in terms]


def search_processes(q: str = "") -> list[Process]:
    """The process tree in tree order, each process with its ``depth`` (0 at the top) and its
    ``parent_code``; with ``q``, only the processes whose code, label or synonym in any language
    contains it, case and accents ignored ("fraisage", "Fräsen" and "frezen" all find milling).
    The vocabulary has a few hundred entries, so it is matched in Python: one query, the same on
    SQLite and PostgreSQL."""
    tree = process_tree()
    code_of = {p.pk: p.code for p, _depth in tree}
    for process, depth in tree:
        process.depth, process.parent_code = depth, code_of.get(process.parent_id)
    needle = _folded(q.strip())
    return [p for p, _depth in tree if not needle or any(needle in _folded(t) for t in _terms(p))]


def require_role_in(user, organization: Organization, minimum: str = Role.ADMIN) -> None:
    """PermissionDenied unless ``user`` holds at least ``minimum`` in ``organization``."""
    role = None
    if _authenticated(user):
        role = Membership.objects.filter(user=user, organization=organization).values_list(
            "role", flat=True).first()
    if role is None or ROLE_RANK[role] < ROLE_RANK[minimum]:
        if ROLE_RANK[minimum] >= ROLE_RANK[Role.ADMIN]:
            message = _("Only admins of %(org)s can change this resource.")
        else:
            message = _("Only members of %(org)s can see this.")
        raise PermissionDenied(message % {"org": organization.name})


def get_resource_for_role(user, *, pk: int, minimum: str | None = Role.ADMIN) -> Resource:
    """A resource without its details, for its sub-resources (capabilities, availability):
    NotFound if the user may not see it, PermissionDenied if they may but lack ``minimum`` in
    its organization (no role needed when ``minimum`` is None)."""
    resource = resources_visible_to(user).select_related("organization").filter(pk=pk).first()
    if resource is None:
        raise NotFound(_("Resource not found."))
    if minimum is not None:
        require_role_in(user, resource.organization, minimum)
    return resource


def capabilities_of(resource: Resource) -> QuerySet[Capability]:
    """A resource's capabilities with their process and materials, in three queries."""
    return Capability.objects.filter(resource=resource).select_related("process").prefetch_related(
        Prefetch("material_limits",
                 queryset=CapabilityMaterial.objects.select_related("material")))


def get_capability_for_role(user, pk: int, minimum: str = Role.ADMIN) -> Capability:
    """A capability of a resource the user may see (NotFound otherwise), if they hold at least
    ``minimum`` in its organization (PermissionDenied otherwise)."""
    capability = Capability.objects.select_related("resource__organization", "process").filter(
        pk=pk, resource__in=resources_visible_to(user).values("pk")).first()
    if capability is None:
        raise NotFound(_("Capability not found."))
    require_role_in(user, capability.resource.organization, minimum)
    return capability


def search_resources(user, *, kind: str | None = None, organization_id: int | None = None,
                     process: Process | None = None, material: Material | None = None,
                     q: str = "") -> QuerySet[Resource]:
    """The resources ``user`` may see, filtered: a process also finds everything below it in
    the tree, by capability or (for expertise) by skill; a material, the capabilities that
    handle it; ``q``, a part of the name, description, make or model. Subqueries, never joins,
    so no resource appears twice."""
    rows = resources_visible_to(user)
    if kind:
        rows = rows.filter(kind=kind)
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    if process is not None:
        ids = process_descendants(process.pk)
        rows = rows.filter(
            Q(pk__in=Capability.objects.filter(process_id__in=ids).values("resource_id"))
            | Q(pk__in=Resource.skills.through.objects.filter(process_id__in=ids)
                .values("resource_id")))
    if material is not None:
        rows = rows.filter(pk__in=CapabilityMaterial.objects.filter(material=material)
                           .values("capability__resource_id"))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(description__icontains=q)
                           | Q(make__icontains=q) | Q(model_name__icontains=q))
    return rows


# --- free time, supplied by the availability app ------------------------------------------------

# availability sits above catalog (its tables point at resources), so catalog never imports it:
# availability registers (in its AppConfig.ready) how to summarise a resource's free time, and
# the resource page and API ask through here.
FreeTimeSummarizer = Callable[[Resource, datetime, datetime], tuple[timedelta, timedelta]]
_free_time_summarizers: list[FreeTimeSummarizer] = []


def register_free_time_summary(summarize: FreeTimeSummarizer) -> None:
    _free_time_summarizers[:] = [summarize]


def free_time_summary(resource: Resource, start: datetime, end: datetime
                      ) -> tuple[timedelta, timedelta] | None:
    """(total, longest free run) of the resource in [start, end), or None without the
    availability app."""
    if not _free_time_summarizers:
        return None
    return _free_time_summarizers[0](resource, start, end)
