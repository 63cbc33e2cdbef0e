"""How bookings plugs into the lower apps, which never import it: taken time for free-time
computation, layers of the resource calendar, events of the iCalendar exports, and the
providers' reputation for matching."""

from django.urls import reverse
from django.utils.translation import gettext as _


def _taken_time(resource, start, end):
    from fabshare.bookings.selectors import taken_intervals

    layers = taken_intervals(resource, start, end)
    return layers["held"] + layers["booked"]


def _calendar_layer(resource, start, end, user):
    from fabshare.bookings.selectors import taken_intervals

    return taken_intervals(resource, start, end)


def booking_events(bookings, request=None, *, detailed: bool = False):
    """iCalendar events of bookings. Resource and organization feeds (held by anyone with the
    token) show only "held"/"booked"; the personal feed (``detailed``) names the other side."""
    from fabshare.availability.icalendar_io import ExportEvent, stable_uid
    from fabshare.bookings.models import HOLD_STATES

    events = []
    for booking in bookings:
        url = reverse("booking_detail", args=[booking.pk])
        if request is not None:
            url = request.build_absolute_uri(url)
        held = booking.status in HOLD_STATES
        if detailed:
            summary = (_("Held: %(resource)s (%(seeker)s → %(provider)s)") if held else
                       _("Booked: %(resource)s (%(seeker)s → %(provider)s)")) % {
                "resource": booking.resource.name, "seeker": booking.seeker.name,
                "provider": booking.provider.name}
        else:
            summary = (_("Held: %(resource)s") if held else _("Booked: %(resource)s")) % {
                "resource": booking.resource.name}
        events.append(ExportEvent(uid=stable_uid("booking", booking.pk), start=booking.start,
                                  end=booking.end, summary=summary,
                                  url=url if detailed else None))
    return events


def _export_events(resources, since, request):
    from fabshare.bookings.selectors import export_bookings

    return booking_events(export_bookings(resources.values("pk"), since), request)


def register() -> None:
    from fabshare.availability import services as availability_services
    from fabshare.availability import views as availability_views
    from fabshare.bookings.selectors import reputation_of

    availability_services.register_taken_time(_taken_time)
    availability_views.register_calendar_layer(_calendar_layer)
    register_export = getattr(availability_views, "register_calendar_export", None)
    if register_export is not None:
        register_export(_export_events)
    try:
        from fabshare.matching import selectors as matching_selectors
    except ImportError:
        return
    register_reputation = getattr(matching_selectors, "register_reputation", None)
    if register_reputation is not None:
        register_reputation(reputation_of)
