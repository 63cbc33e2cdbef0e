from django.urls import path

from fabshare.telemetry import views

urlpatterns = [
    path("resources/<slug:slug>/machine/", views.resource_machine, name="resource_machine"),
    path("resources/<slug:slug>/machine/connect/", views.link_create, name="machine_connect"),
    path("machine-links/<int:pk>/", views.link_detail, name="machine_link"),
    path("machine-links/<int:pk>/test/", views.link_test, name="machine_link_test"),
    path("machine-links/<int:pk>/token/", views.link_token, name="machine_link_token"),
    path("machine-links/<int:pk>/delete/", views.link_delete, name="machine_link_delete"),
    path("machine-links/<int:pk>/proposals/refresh/", views.proposals_refresh,
         name="machine_proposals_refresh"),
    path("machine-links/<int:pk>/policy/", views.policy, name="machine_policy"),
    path("machine-proposals/<int:pk>/<str:action>/", views.proposal_action,
         name="machine_proposal"),
    path("organizations/<slug:slug>/machines/", views.organization_machines,
         name="organization_machines"),
]
