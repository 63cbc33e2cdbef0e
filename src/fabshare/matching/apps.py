from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# What a resource's search entries hold of it (a save of other fields leaves them as they are).
RESOURCE_FIELDS = {"visibility", "is_active", "site", "site_id", "organization",
                   "organization_id"}


def _refresh_capability(sender, instance, raw=False, **kwargs):
    """A capability changed: rebuild its resource's search entries."""
    if raw:
        return
    from fabshare.matching.services import search_entries_refresh

    search_entries_refresh(resource_ids=[instance.resource_id])


def _refresh_resource(sender, instance, created=False, raw=False, update_fields=None,
                      **kwargs):
    """A resource changed where it matters to its search entries: rebuild them. (A new
    resource has no capabilities yet: their saves add its entries.)"""
    if raw or created or (update_fields is not None
                          and not RESOURCE_FIELDS & set(update_fields)):
        return
    from fabshare.matching.services import search_entries_refresh

    search_entries_refresh(resource_ids=[instance.pk])


def _refresh_partners(sender, instance, action, reverse, pk_set, **kwargs):
    """A resource's partner organizations changed: so did who may see it."""
    if not action.startswith("post_"):
        return
    from fabshare.matching.services import search_entries_refresh

    # From the organization's side pk_set names the resources (None after a clear: all).
    search_entries_refresh(resource_ids=pk_set if reverse else [instance.pk])


def _refresh_organization(sender, instance, raw=False, created=False, **kwargs):
    """A site or a network membership changed: the organization's resources may be somewhere
    else, or seen by other networks, now."""
    if raw or (created and getattr(instance, "status", "approved") != "approved"):
        return  # (a new pending membership changes nobody's view)
    from fabshare.matching.services import search_entries_refresh

    search_entries_refresh(organization_ids=[instance.organization_id])


class MatchingConfig(AppConfig):
    name = "fabshare.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        # Keeping a derived table (the search index) in step, not business logic: whatever
        # writes a capability, resource, partner list, site or network membership — a
        # service, an import, the admin — the candidate query sees it in the same
        # transaction.
        from fabshare.catalog.models import Capability, Resource
        from fabshare.network.models import NetworkMembership, Site

        post_save.connect(_refresh_capability, sender=Capability, dispatch_uid="search-cap")
        post_save.connect(_refresh_resource, sender=Resource, dispatch_uid="search-res")
        post_save.connect(_refresh_organization, sender=Site, dispatch_uid="search-site")
        post_delete.connect(_refresh_organization, sender=Site, dispatch_uid="search-site-del")
        post_save.connect(_refresh_organization, sender=NetworkMembership,
                          dispatch_uid="search-net")
        post_delete.connect(_refresh_organization, sender=NetworkMembership,
                            dispatch_uid="search-net-del")
        m2m_changed.connect(_refresh_partners, sender=Resource.partners.through,
                            dispatch_uid="search-partners")
