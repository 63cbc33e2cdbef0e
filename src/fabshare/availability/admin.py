from django.contrib import admin

from fabshare.availability import models


class RuleExceptionInline(admin.TabularInline):
    model = models.RuleException
    extra = 0


@admin.register(models.AvailabilityRule)
class AvailabilityRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "resource", "rrule", "start_time", "duration_minutes", "is_active"]
    list_filter = ["is_active", "time_zone"]
    search_fields = ["name", "resource__name", "rrule"]
    autocomplete_fields = ["resource"]
    inlines = [RuleExceptionInline]


@admin.register(models.AvailabilityWindow)
class AvailabilityWindowAdmin(admin.ModelAdmin):
    list_display = ["resource", "start", "end", "source"]
    list_filter = ["source"]
    search_fields = ["resource__name", "note"]
    autocomplete_fields = ["resource"]
    date_hierarchy = "start"


@admin.register(models.CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["name", "resource", "status", "last_fetched_at", "failures", "busy_count"]
    list_filter = ["status"]
    search_fields = ["name", "resource__name", "url"]
    autocomplete_fields = ["resource"]
