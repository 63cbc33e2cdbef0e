"""The search index of the candidate query, and saved searches: a seeker keeps a request's
search and hears when new capacity fits it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabshare.catalog.models import Capability, Process, Resource
from fabshare.demand.models import CapacityRequest
from fabshare.network.models import Organization


class SearchEntry(models.Model):
    """One capability of an active resource for one audience, as the candidate query reads it
    (``selectors.candidates_for_step``): the process, the owner, the limits it filters on,
    and where the resource is (its own site, else its organization's main site) as a point on
    the unit sphere.

    ``audience`` says who may see the capability, as a token: ``*`` everyone (public), ``o<id>``
    the members of an organization (the owner, and each partner of a partners-only resource),
    ``n<id>`` the members of organizations approved in a network (a network-only resource, once
    per network its owner is approved in). A seeker's tokens (``selectors.audiences_of``) pick
    exactly what ``catalog.selectors.visibility_q`` lets them see, with one cheap comparison per
    row instead of a lookup.

    A derived table: ``services.search_entries_refresh`` rebuilds the rows of the resources
    whose capabilities, resource, partners, organization's sites or network memberships
    changed (the app's ``ready`` hooks it to every save and delete of those). On PostgreSQL a
    GiST index over (process, point) walks the capabilities of a process nearest first
    (migration 0002), whatever the size of the catalog."""

    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=24)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    x = models.FloatField(null=True)  # unit sphere; all three null where no site is known
    y = models.FloatField(null=True)
    z = models.FloatField(null=True)
    envelope_x_mm = models.PositiveIntegerField(null=True)
    envelope_y_mm = models.PositiveIntegerField(null=True)
    envelope_z_mm = models.PositiveIntegerField(null=True)
    max_weight_kg = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    max_thickness_mm = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    tolerance_um = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["capability", "audience"],
                                               name="search_entry_unique")]

    def __str__(self):
        return f"capability {self.capability_id} for {self.audience}"


class SavedSearch(models.Model):
    """The matches of one capacity request, watched for a user. Each resource that fits is
    announced once (``SavedSearchHit``), when it first appears."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="saved_searches")
    request = models.ForeignKey(CapacityRequest, on_delete=models.CASCADE,
                                related_name="saved_searches")
    name = models.CharField(_("name"), max_length=160)
    email_digest = models.BooleanField(_("e-mail me a digest"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "request"], name="saved_search_unique")
        ]

    def __str__(self):
        return self.name


class SavedSearchHit(models.Model):
    """A resource already announced for a saved search (so it is never announced twice)."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "resource"],
                                    name="saved_search_hit_unique")
        ]

    def __str__(self):
        return f"{self.saved_search}: {self.resource}"
