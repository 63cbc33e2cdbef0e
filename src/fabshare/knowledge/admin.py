from django.contrib import admin
from django.db import models as db

from fabshare.knowledge import models


class SessionInline(admin.TabularInline):
    model = models.Session
    extra = 0
    autocomplete_fields = ["site"]
    formfield_overrides = {db.URLField: {"assume_scheme": "https"}}


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    """Read and correct events; seats and the waitlist change only through the services (the
    pages and the API), which lock the event and count."""

    list_display = ["title", "kind", "theme", "host", "network", "starts_at", "capacity",
                    "visibility", "status"]
    list_filter = ["kind", "theme", "visibility", "status", "network"]
    search_fields = ["title", "host__name"]
    autocomplete_fields = ["host", "co_hosts"]
    filter_horizontal = ["clusters"]
    date_hierarchy = "starts_at"
    inlines = [SessionInline]


@admin.register(models.Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["attendee", "organization", "event", "status", "queued_at",
                    "offer_expires_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["attendee__email", "attendee__full_name", "organization__name",
                     "event__title"]
    readonly_fields = ["event", "attendee", "organization", "registered_by", "status",
                       "queued_at", "offer_expires_at", "cancelled_at", "ticket"]


class PartnerInline(admin.TabularInline):
    model = models.ProjectPartner
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "lead", "network", "status", "starts_on", "ends_on"]
    list_filter = ["theme", "status", "network"]
    search_fields = ["title", "lead__name"]
    autocomplete_fields = ["lead"]
    inlines = [PartnerInline]
