from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


def _lock_link(sender, instance, **kwargs):
    """Before a link's messages and intervals are deleted (the deletion's collector deletes
    them first, then the link), wait for any batch that is writing to the link: the batch
    holds the link's row (ingest.store), and its rows would otherwise outlive the link (they
    have no foreign-key constraint). A batch that starts later finds the link gone and
    rejects its messages."""
    list(type(instance).objects.select_for_update().filter(pk=instance.pk).values_list("pk"))


class TelemetryConfig(AppConfig):
    name = "fabshare.telemetry"
    label = "telemetry"
    verbose_name = _("Machine connectivity")

    def ready(self):
        from fabshare.telemetry.models import MachineLink

        pre_delete.connect(_lock_link, sender=MachineLink, dispatch_uid="telemetry-link-lock")
