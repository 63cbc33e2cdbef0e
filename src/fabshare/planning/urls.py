from django.urls import path

from fabshare.planning import views

urlpatterns = [
    path("plans/", views.run_list, name="planning_runs"),
    path("plans/new/", views.run_new, name="planning_new"),
    path("plans/<int:pk>/", views.run_detail, name="planning_run"),
    path("plans/<int:pk>/progress/", views.run_progress, name="planning_progress"),
    path("plans/<int:pk>/cancel/", views.run_cancel, name="planning_cancel"),
    path("plans/<int:pk>/accept/", views.run_accept, name="planning_accept"),
]
