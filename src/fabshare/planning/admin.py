from django.contrib import admin

from fabshare.planning.models import PlanningRun


@admin.register(PlanningRun)
class PlanningRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "created_at", "created_by", "network", "status", "progress",
                    "solver_status")
    list_filter = ("status", "network")
    readonly_fields = ("proposal", "bookings", "requests", "origin", "started_at",
                       "finished_at", "accepted_at", "accepted_by")
    search_fields = ("created_by__email", "message")
