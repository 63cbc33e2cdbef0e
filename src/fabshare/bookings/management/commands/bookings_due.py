"""``bookings_due``: the bookings background worker.

Runs :func:`fabshare.bookings.services.bookings_due` once, or forever with ``--loop``: expires
lapsed holds and offers, starts confirmed bookings whose start has come, completes bookings a
few days after their end unless disputed, and publishes blind reviews after 14 days.
"""

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from fabshare.bookings import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Expire lapsed holds and offers, start and auto-complete bookings, publish blind "
            "reviews. Runs once; with --loop repeats every --interval seconds (default 60).")

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true",
                            help="keep running, once every --interval seconds")
        parser.add_argument("--interval", type=int, default=60, metavar="SECONDS",
                            help="seconds between the starts of two runs (default 60, min 5)")

    def handle(self, *args, loop: bool = False, interval: int = 60, **options):
        if interval < 5:
            raise CommandError("--interval must be at least 5 seconds")
        if not loop:
            self._run_once()
            return
        try:
            while True:
                started = time.monotonic()
                close_old_connections()
                try:
                    self._run_once()
                except Exception:  # a worker outlives one bad run (database restart …)
                    logger.exception("bookings_due: the run failed")
                    self.stderr.write("The run failed; trying again at the next interval.")
                finally:
                    close_old_connections()
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _run_once(self) -> None:
        counts = services.bookings_due()
        self.stdout.write(", ".join(f"{key.replace('_', ' ')}: {value}"
                                    for key, value in counts.items()))
