from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "fabshare.availability"
    label = "availability"
    verbose_name = _("Availability")

    def ready(self):
        from fabshare.availability.selectors import free_time_summary
        from fabshare.catalog.selectors import register_free_time_summary

        def summarize(resource, start, end):
            summary = free_time_summary(resource, start, end)
            return summary.total, summary.longest

        register_free_time_summary(summarize)
