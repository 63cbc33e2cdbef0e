"""``telemetry_refresh``: learn every active link's idle pattern again (new proposals, and
auto-publishing where the policy says so) and withdraw published machine-data windows whose
machine is busy. Run it hourly, or with ``--loop``."""

import time

from django.core.management.base import BaseCommand

from fabshare.telemetry import services
from fabshare.telemetry.models import MachineLink


class Command(BaseCommand):
    help = "Refresh idle-time proposals and withdraw machine-data windows of busy machines."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="repeat every --every seconds")
        parser.add_argument("--every", type=int, default=3600)

    def handle(self, *args, loop=False, every=3600, **options):
        while True:
            links = MachineLink.objects.filter(is_active=True).select_related("auto_publish_by")
            proposed = sum(len(services.proposals_refresh(link=link)) for link in links)
            withdrawn = services.proposals_check()
            self.stdout.write(f"{proposed} proposals, {withdrawn} windows withdrawn")
            if not loop:
                return
            time.sleep(every)
