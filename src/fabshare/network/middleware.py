"""Activates the signed-in user's language and time zone for the request."""

import zoneinfo

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            with timezone.override(None):
                return self.get_response(request)
        try:
            zone = zoneinfo.ZoneInfo(user.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        request.LANGUAGE_CODE = user.language
        # override() restores the thread's previous language and zone when the request ends,
        # so nothing leaks into whatever the thread does next.
        with translation.override(user.language), timezone.override(zone):
            return self.get_response(request)
