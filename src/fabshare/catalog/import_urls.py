"""Pages of the onboarding import (CSV/XLSX of organizations and resources)."""

from django.urls import path

from fabshare.catalog import import_views as views

urlpatterns = [
    path("organizations/<slug:slug>/import/", views.organization_import,
         name="organization_import"),
    path("organizations/<slug:slug>/import/commit/", views.organization_import_commit,
         name="organization_import_commit"),
    path("organizations/<slug:slug>/import/template.xlsx", views.organization_import_template,
         name="organization_import_template"),
    path("organizations/<slug:slug>/import/template-<slug:table>.csv",
         views.organization_import_template_csv, name="organization_import_template_csv"),
    path("networks/<slug:slug>/import/", views.network_import, name="network_import"),
    path("networks/<slug:slug>/import/commit/", views.network_import_commit,
         name="network_import_commit"),
    path("networks/<slug:slug>/import/template.xlsx", views.network_import_template,
         name="network_import_template"),
    path("networks/<slug:slug>/import/template-<slug:table>.csv",
         views.network_import_template_csv, name="network_import_template_csv"),
]
