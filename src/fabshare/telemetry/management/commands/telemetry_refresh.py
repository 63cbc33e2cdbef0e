"""``telemetry_refresh``: learn every active link's idle pattern again (new proposals, and
auto-publishing where the policy says so) and withdraw published machine-data windows whose
machine is busy. Run it hourly, or with ``--loop``."""

from django.core.management.base import BaseCommand

from fabshare.core import periodic
from fabshare.telemetry import services
from fabshare.telemetry.models import MachineLink


class Command(BaseCommand):
    help = ("Refresh idle-time proposals and withdraw machine-data windows of busy machines. "
            "Runs once; with --loop repeats every --interval seconds (default 3600).")

    def add_arguments(self, parser):
        periodic.add_loop_arguments(parser, default_interval=3600)

    def handle(self, *args, loop=False, interval=3600, **options):
        periodic.run(self._run_once, loop=loop, interval=interval, name="telemetry_refresh",
                     stdout=self.stdout, stderr=self.stderr)

    def _run_once(self) -> str:
        links = MachineLink.objects.filter(is_active=True).select_related("auto_publish_by")
        proposed = sum(len(services.proposals_refresh(link=link)) for link in links)
        withdrawn = services.proposals_check()
        return f"{proposed} proposals, {withdrawn} windows withdrawn"
