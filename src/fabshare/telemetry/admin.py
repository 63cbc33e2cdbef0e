from django.contrib import admin

from fabshare.telemetry.models import IdleProposal, MachineLink, RejectedMessage


@admin.register(MachineLink)
class MachineLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "resource", "protocol", "is_active", "accepted_count",
                    "rejected_count", "last_message_at"]
    list_filter = ["protocol", "is_active"]
    search_fields = ["name", "resource__name", "key"]
    readonly_fields = ["key", "token_digest", "token_prefix", "last_message_at", "last_payload",
                       "accepted_count", "rejected_count"]
    raw_id_fields = ["resource", "auto_publish_by"]


@admin.register(RejectedMessage)
class RejectedMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "link", "source", "reason", "detail"]
    list_filter = ["reason", "source"]
    raw_id_fields = ["link"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdleProposal)
class IdleProposalAdmin(admin.ModelAdmin):
    list_display = ["link", "start", "end", "confidence", "status"]
    list_filter = ["status"]
    raw_id_fields = ["link", "window", "published_by"]
