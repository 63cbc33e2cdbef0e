from django.contrib import admin

from fabshare.matching import models


@admin.register(models.SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "request", "email_digest", "is_active", "last_checked_at"]
    list_filter = ["is_active", "email_digest"]
    search_fields = ["name", "user__email", "request__title"]
    raw_id_fields = ["user", "request"]
