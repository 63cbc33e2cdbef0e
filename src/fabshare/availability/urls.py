"""Pages of the availability app and its secret-token iCalendar exports."""

from django.urls import path

from fabshare.availability import views

_base = "resources/<slug:slug>/availability/"

urlpatterns = [
    path(_base, views.resource_availability, name="resource_availability"),
    path(f"{_base}manage/", views.resource_availability_manage,
         name="resource_availability_manage"),
    path(f"{_base}windows/<int:pk>/delete/", views.window_delete,
         name="availability_window_delete"),
    path(f"{_base}rules/<int:pk>/toggle/", views.rule_toggle, name="availability_rule_toggle"),
    path(f"{_base}rules/<int:pk>/delete/", views.rule_delete, name="availability_rule_delete"),
    path(f"{_base}rules/<int:pk>/exceptions/<int:exception_pk>/delete/",
         views.exception_delete, name="availability_exception_delete"),
    path(f"{_base}feeds/<int:pk>/refresh/", views.feed_refresh,
         name="availability_feed_refresh"),
    path(f"{_base}feeds/<int:pk>/delete/", views.feed_delete, name="availability_feed_delete"),
    path(f"{_base}export/rotate/", views.resource_calendar_rotate,
         name="resource_calendar_rotate"),
    path(f"{_base}export/organization/rotate/", views.organization_calendar_rotate,
         name="organization_calendar_rotate"),
    # Secret-token feeds for calendar apps (no login): RFC 5545, text/calendar.
    path("calendar/resources/<slug:token>.ics", views.resource_calendar_export,
         name="resource_calendar_export"),
    path("calendar/organizations/<slug:token>.ics", views.organization_calendar_export,
         name="organization_calendar_export"),
]
