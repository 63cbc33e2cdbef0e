from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "fabshare.bookings"
    label = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        # Lower apps never import bookings; bookings hooks itself into them here.
        from fabshare.bookings import hooks

        hooks.register()
