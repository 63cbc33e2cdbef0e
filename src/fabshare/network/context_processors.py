"""Navigation: what the header shows depends on the user's roles."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from fabshare.network import selectors
from fabshare.network.models import Network


def navigation(request):
    user = request.user

    def operated():
        if not user.is_authenticated:
            return []
        if user.is_superuser:
            return list(Network.objects.only("slug", "name"))
        return list(user.operated_networks.only("slug", "name"))

    def unread():
        return selectors.unread_notification_count(user) if user.is_authenticated else 0

    return {
        "nav_unread_notifications": SimpleLazyObject(unread),
        "nav_operated_networks": SimpleLazyObject(operated),
        "tile_url": settings.FABSHARE_MAP_TILE_URL,
        "tile_attribution": settings.FABSHARE_MAP_ATTRIBUTION,
    }
