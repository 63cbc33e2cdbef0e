"""``bookings_due``: the bookings background worker.

Runs :func:`fabshare.bookings.services.bookings_due` once, or forever with ``--loop``: expires
lapsed holds and offers, starts confirmed bookings whose start has come, completes bookings a
few days after their end unless disputed, and publishes blind reviews after 14 days.
"""

from django.core.management.base import BaseCommand

from fabshare.bookings import services
from fabshare.core import periodic


class Command(BaseCommand):
    help = ("Expire lapsed holds and offers, start and auto-complete bookings, publish blind "
            "reviews. Runs once; with --loop repeats every --interval seconds (default 60).")

    def add_arguments(self, parser):
        periodic.add_loop_arguments(parser, default_interval=60)

    def handle(self, *args, loop: bool = False, interval: int = 60, **options):
        periodic.run(self._run_once, loop=loop, interval=interval, name="bookings_due",
                     stdout=self.stdout, stderr=self.stderr)

    def _run_once(self) -> str:
        counts = services.bookings_due()
        return ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in counts.items())
