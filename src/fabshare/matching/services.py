"""The search index, saved searches and their alerts.

``search_entries_refresh`` keeps ``SearchEntry`` (the candidate query's index) in step with
the catalog: the app's ``ready`` calls it for the resource or organization behind every save
and delete of a capability, resource or site, inside the same transaction.

Saving a search records the resources that match now, so only capacity that appears later is
announced. ``alerts_check`` (run by ``fabshare manage match_alerts``, every few minutes in
production) finds new full matches — a new resource, or free windows that make an existing
one fit — and notifies the user once per resource and search: in the notification centre at
once, and by e-mail in the next digest.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Cos, Radians, Sin
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fabshare.catalog.models import Capability, Visibility
from fabshare.core.errors import Conflict, DomainError
from fabshare.demand.models import CapacityRequest, RequestStatus
from fabshare.demand.services import require_requester
from fabshare.matching.models import SavedSearch, SavedSearchHit, SearchEntry
from fabshare.matching.selectors import matches_for_step
from fabshare.network.models import NetworkMembershipStatus, Site, User
from fabshare.network.services import notification_digests_send, notify


def _current_matches(saved: SavedSearch, now: datetime) -> dict[int, str]:
    """Resource id -> resource name of every full match (not near misses), over all steps."""
    found = {}
    for step in saved.request.steps.select_related("request", "process").all():
        for row in matches_for_step(step, user=saved.user, now=now):
            if not row.near_miss:
                found.setdefault(row.resource.pk, row.resource.name)
    return found


@transaction.atomic
def saved_search_create(*, actor: User, request: CapacityRequest, name: str = "",
                        email_digest: bool = True, now: datetime | None = None
                        ) -> SavedSearch:
    require_requester(actor, request)
    if request.status != RequestStatus.OPEN:
        raise Conflict(_("Publish the request before saving its search."))
    name = (name or request.title).strip()[:160]
    if not name:
        raise DomainError(_("Give the search a name."), field="name")
    try:
        with transaction.atomic():
            saved = SavedSearch.objects.create(user=actor, request=request, name=name,
                                               email_digest=email_digest)
    except IntegrityError:
        raise Conflict(_("You already saved this search.")) from None
    now = now or timezone.now()
    SavedSearchHit.objects.bulk_create(
        SavedSearchHit(saved_search=saved, resource_id=rid)
        for rid in _current_matches(saved, now))
    saved.last_checked_at = now
    saved.save(update_fields=["last_checked_at"])
    return saved


@transaction.atomic
def saved_search_update(*, actor: User, saved: SavedSearch, name: str | None = None,
                        email_digest: bool | None = None, is_active: bool | None = None
                        ) -> SavedSearch:
    if saved.user_id != actor.pk:
        raise DomainError(_("Saved search not found."))
    if name is not None:
        name = name.strip()[:160]
        if not name:
            raise DomainError(_("Give the search a name."), field="name")
        saved.name = name
    if email_digest is not None:
        saved.email_digest = email_digest
    if is_active is not None:
        saved.is_active = is_active
    saved.save()
    return saved


@transaction.atomic
def saved_search_delete(*, actor: User, saved: SavedSearch) -> None:
    if saved.user_id != actor.pk:
        raise DomainError(_("Saved search not found."))
    saved.delete()


def _check_one(saved: SavedSearch, now: datetime) -> int:
    current = _current_matches(saved, now)
    known = set(saved.hits.values_list("resource_id", flat=True))
    new = {rid: name for rid, name in current.items() if rid not in known}
    created = 0
    for rid, name in sorted(new.items()):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SavedSearchHit.objects.create(saved_search=saved, resource_id=rid)
            except IntegrityError:
                continue  # another run announced it
            user = saved.user
            with translation.override(user.language):
                title = _("New match for “%(search)s”: %(resource)s") % {
                    "search": saved.name, "resource": name}
                body = _("A resource now fits your request and has free time before the "
                         "deadline.")
            notify(user=user, kind="saved_search", key=f"saved-search:{saved.pk}:resource:{rid}",
                   title=title, body=body,
                   url=reverse("request_matches", args=[saved.request_id]),
                   email="digest" if saved.email_digest else None)
            created += 1
    SavedSearch.objects.filter(pk=saved.pk).update(last_checked_at=now)
    return created


def alerts_check(*, now: datetime | None = None, send_digests: bool = True) -> int:
    """Announce new matches of every active saved search of an open request; returns how
    many notifications were created."""
    now = now or timezone.now()
    searches = (SavedSearch.objects.filter(is_active=True, request__status=RequestStatus.OPEN,
                                           user__is_active=True)
                .select_related("user", "request"))
    created = sum(_check_one(saved, now) for saved in searches)
    if send_digests:
        notification_digests_send(now=now)
    return created


# The capability's limits, copied by name; the entry's columns in the order the SELECT gives.
LIMITS = ("envelope_x_mm", "envelope_y_mm", "envelope_z_mm", "max_weight_kg",
          "max_thickness_mm", "tolerance_um")
ENTRY_COLUMNS = ("capability_id", "resource_id", "organization_id", "process_id", "x", "y",
                 "z", *LIMITS, "audience")


def search_entries_refresh(*, resource_ids: Iterable[int] | None = None,
                           organization_ids: Iterable[int] | None = None,
                           models: tuple | None = None) -> None:
    """Rebuild the search entries of these resources, or of every resource of these
    organizations, or (with neither) of the whole catalog: per capability of an active
    resource, a row for each audience that may see it (see ``SearchEntry``), located at the
    resource's site, else at its organization's main site (else its first site).

    Two statements: a DELETE, and an INSERT … SELECT over the four kinds of audience that
    computes the point on the unit sphere in SQL. ``models`` (Capability, Site, SearchEntry)
    lets a migration pass its historical models."""
    capability_model, site_model, entry_model = models or (Capability, Site, SearchEntry)
    scope = Q()
    if resource_ids is not None:
        scope &= Q(resource_id__in=list(resource_ids))
    if organization_ids is not None:
        scope &= Q(resource__organization_id__in=list(organization_ids))

    def main_site(field: str) -> Subquery:
        sites = site_model.objects.filter(organization=OuterRef("resource__organization"))
        return Subquery(sites.order_by("-is_main", "pk").values(field)[:1])

    lat = Radians(Coalesce("resource__site__latitude", main_site("latitude"),
                           output_field=FloatField()))
    lon = Radians(Coalesce("resource__site__longitude", main_site("longitude"),
                           output_field=FloatField()))
    capabilities = capability_model.objects.filter(scope, resource__is_active=True).order_by()
    facts = ("pk", "resource_id", "resource__organization_id", "process_id")
    point = (Cos(lat) * Cos(lon), Cos(lat) * Sin(lon), Sin(lat))
    def token(prefix: str, field: str) -> Concat:
        return Concat(Value(prefix), Cast(field, CharField()), output_field=CharField())

    def rows(queryset, audience):
        return queryset.values_list(*facts, *point, *LIMITS, audience)

    public, network, partners = (Visibility.PUBLIC, Visibility.NETWORK, Visibility.PARTNERS)
    audiences = [
        rows(capabilities.filter(resource__visibility=public),
             Value("*", output_field=CharField())),
        rows(capabilities.exclude(resource__visibility=public),
             token("o", "resource__organization_id")),
        rows(capabilities.filter(
            resource__visibility=network,
            resource__organization__network_memberships__status=NetworkMembershipStatus
            .APPROVED), token("n", "resource__organization__network_memberships__network_id")),
        rows(capabilities.filter(resource__visibility=partners),
             token("o", "resource__partners__id")).exclude(resource__partners__isnull=True),
    ]
    select, params = audiences[0].union(*audiences[1:], all=True).query.sql_with_params()
    table = entry_model._meta.db_table
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        stale = entry_model.objects.all()
        if resource_ids is not None or organization_ids is not None:
            stale = stale.filter(scope)
        stale.delete()
        quote = connection.ops.quote_name
        cursor.execute(f"INSERT INTO {quote(table)} ({', '.join(map(quote, ENTRY_COLUMNS))}) "
                       f"{select}", params)
