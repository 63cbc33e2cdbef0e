"""``match_alerts``: announce new capacity for saved searches and send the e-mail digests."""

from django.core.management.base import BaseCommand

from fabshare.core import periodic
from fabshare.matching import services


class Command(BaseCommand):
    help = ("Check every active saved search for resources that newly fit it, notify their "
            "users once per resource, and e-mail the waiting digests. Runs once by default; "
            "with --loop it is the background worker (every --interval seconds, default 900).")

    def add_arguments(self, parser):
        periodic.add_loop_arguments(parser, default_interval=900)

    def handle(self, *args, loop=False, interval=900, **options):
        periodic.run(lambda: f"New matches announced: {services.alerts_check()}.",
                     loop=loop, interval=interval, name="match_alerts",
                     stdout=self.stdout, stderr=self.stderr)
