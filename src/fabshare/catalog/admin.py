"""Admin for operators: curate the taxonomy (add processes, materials, certifications) and
inspect resources."""

from django.contrib import admin

from fabshare.catalog import models


class LabelSearchMixin:
    search_fields = ["code", "labels", "synonyms"]


@admin.register(models.Process)
class ProcessAdmin(LabelSearchMixin, admin.ModelAdmin):
    list_display = ["code", "label", "parent", "din8580", "position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    autocomplete_fields = ["parent"]


@admin.register(models.MaterialFamily)
class MaterialFamilyAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "position"]
    search_fields = ["code", "labels"]
    list_filter = ["position"]


@admin.register(models.Material)
class MaterialAdmin(LabelSearchMixin, admin.ModelAdmin):
    list_display = ["code", "label", "family", "position"]
    list_filter = ["family"]


class CapabilityInline(admin.StackedInline):
    model = models.Capability
    extra = 0
    autocomplete_fields = ["process"]


@admin.register(models.Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "visibility", "is_active",
                    "price_per_hour_cents"]
    list_filter = ["kind", "visibility", "is_active", "operator_included"]
    search_fields = ["name", "organization__name", "make", "model_name", "external_id"]
    autocomplete_fields = ["organization", "site", "partners", "accreditations", "skills"]
    readonly_fields = ["feed_token"]
    inlines = [CapabilityInline]


@admin.register(models.Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ["resource", "process", "axes", "tolerance_um"]
    list_filter = ["process"]
    search_fields = ["resource__name", "process__code", "process__labels"]
    autocomplete_fields = ["resource", "process"]
