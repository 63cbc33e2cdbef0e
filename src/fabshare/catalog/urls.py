"""Pages of the catalog app."""

from django.urls import path

from fabshare.catalog import views

urlpatterns = [
    path("organizations/<slug:slug>/resources/", views.organization_resources,
         name="organization_resources"),
    # Before "resources/<slug>/": "new" is never a resource's slug (slugs end with the
    # organization's slug), but the order makes that not matter.
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("resources/<slug:slug>/<str:kind>/<int:pk>/file", views.resource_file,
         name="resource_file"),
    path("resources/<slug:slug>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<slug:slug>/delete/", views.resource_delete, name="resource_delete"),
    path("resources/<slug:slug>/photos/", views.photo_add, name="resource_photo_add"),
    path("resources/<slug:slug>/photos/<int:pk>/remove/", views.photo_remove,
         name="resource_photo_remove"),
    path("resources/<slug:slug>/documents/", views.document_add, name="resource_document_add"),
    path("resources/<slug:slug>/documents/<int:pk>/remove/", views.document_remove,
         name="resource_document_remove"),
    path("resources/<slug:slug>/capabilities/new/", views.capability_create,
         name="capability_create"),
    path("capabilities/<int:pk>/edit/", views.capability_edit, name="capability_edit"),
    path("capabilities/<int:pk>/delete/", views.capability_delete, name="capability_delete"),
]
