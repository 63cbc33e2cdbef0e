"""``refresh_availability``: the availability background worker.

Runs :func:`fabshare.availability.services.refresh_due` once, or forever with ``--loop``: it
refetches the calendar feeds that are due (failing ones back off from 15 minutes up to a day)
and rolls every active resource's free time forward to the current horizon.
"""

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from fabshare.availability import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Refetch the calendar feeds that are due and recompute every active resource's free "
        "time over the horizon. Runs once by default; with --loop it is the background worker "
        "and repeats every --interval seconds (default 900) until stopped (Ctrl-C or SIGTERM "
        "from the process manager). Prints the counts of each run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true",
                            help="keep running, once every --interval seconds")
        parser.add_argument("--interval", type=int, default=900, metavar="SECONDS",
                            help="seconds between the starts of two runs with --loop "
                                 "(default 900, at least 10)")

    def handle(self, *args, loop: bool = False, interval: int = 900, **options):
        if interval < 10:
            raise CommandError("--interval must be at least 10 seconds")
        if not loop:
            self._run_once()
            return
        last_roll = None
        try:
            while True:
                started = time.monotonic()
                close_old_connections()
                try:
                    today = timezone.localdate()
                    self._run_once(roll=last_roll != today)
                    last_roll = today
                except Exception:  # a worker outlives one bad run (database restart …)
                    logger.exception("refresh_availability: the run failed")
                    self.stderr.write("The run failed; trying again at the next interval.")
                finally:
                    close_old_connections()
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _run_once(self, roll: bool = True) -> None:
        counts = services.refresh_due(roll=roll)
        self.stdout.write(
            f"Calendar feeds refreshed: {counts['feeds_refreshed']}, "
            f"failing: {counts['feeds_failed']}; "
            f"free time recomputed for {counts['resources']} resources.")
