from django.contrib import admin

from fabshare.demand import models


class StepInline(admin.TabularInline):
    model = models.RequestStep
    extra = 0
    autocomplete_fields = ["process", "material"]


class AttachmentInline(admin.TabularInline):
    model = models.RequestAttachment
    extra = 0
    readonly_fields = ["kind", "size", "uploaded_at"]


@admin.register(models.CapacityRequest)
class CapacityRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "status", "language", "deadline", "created_at"]
    list_filter = ["status", "language", "nda_required"]
    search_fields = ["title", "description", "organization__name"]
    autocomplete_fields = ["organization", "site", "created_by", "certifications"]
    inlines = [StepInline, AttachmentInline]


@admin.register(models.NdaAcceptance)
class NdaAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["request", "organization", "user", "version", "accepted_at"]
    search_fields = ["request__title", "organization__name", "user__email"]
    readonly_fields = ["request", "organization", "user", "version", "text", "accepted_at"]
