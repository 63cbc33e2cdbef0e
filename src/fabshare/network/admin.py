"""Django admin for the network operator: search and filters on every model."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from fabshare.network import models


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "language", "time_zone"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class SiteInline(admin.TabularInline):
    model = models.Site
    extra = 0


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Certification)
class CertificationAdmin(admin.ModelAdmin):
    """The certification vocabulary: operators add what the shipped taxonomy lacks."""

    list_display = ["name", "code", "position"]
    search_fields = ["name", "code", "synonyms"]
    list_filter = ["position"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "enterprise_number", "created_at"]
    list_filter = ["kind", "country", "network_memberships__network",
                   "network_memberships__status", "certifications"]
    filter_horizontal = ["certifications"]
    search_fields = ["name", "enterprise_number", "sites__city", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SiteInline, MembershipInline]


@admin.register(models.Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "city", "country", "is_main"]
    list_filter = ["country", "is_main"]
    search_fields = ["name", "city", "organization__name", "postal_code"]
    autocomplete_fields = ["organization"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "status", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organization__name"]
    exclude = ["token"]


@admin.register(models.JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organization__name"]


class ClusterInline(admin.TabularInline):
    model = models.Cluster
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "admission_policy"]
    list_filter = ["admission_policy"]
    search_fields = ["name", "region"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["operators"]
    inlines = [ClusterInline]


@admin.register(models.Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "network"]
    list_filter = ["network"]
    search_fields = ["name"]


@admin.register(models.NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "network", "status", "created_at", "decided_at"]
    list_filter = ["status", "network", "clusters"]
    search_fields = ["organization__name", "motivation"]
    autocomplete_fields = ["organization"]


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is a record, not something to edit."""

    list_display = ["created_at", "actor", "action", "summary", "organization", "network"]
    list_filter = ["action", "network"]
    search_fields = ["summary", "actor__email", "organization__name", "target_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "read_at", "in_digest"]
    search_fields = ["title", "user__email", "key"]
    readonly_fields = ["created_at", "emailed_at", "key"]
