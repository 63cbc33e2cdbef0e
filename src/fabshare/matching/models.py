"""Saved searches: a seeker keeps a request's search and hears when new capacity fits it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabshare.catalog.models import Resource
from fabshare.demand.models import CapacityRequest


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
