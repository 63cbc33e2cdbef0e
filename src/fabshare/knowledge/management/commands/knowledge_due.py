"""``knowledge_due``: the knowledge app's periodic work.

Runs :func:`fabshare.knowledge.services.run_due` once, or forever with ``--loop``: offers on the
waitlist that were not taken within 48 hours lapse and the seat passes to the next person in
line; sessions starting within 24 hours get their reminder (once: each session records when).
"""

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from fabshare.knowledge import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Lapse waitlist offers older than 48 hours (offering the seat to the next in line) and "
        "send reminders for sessions starting within 24 hours. Runs once by default; with "
        "--loop it repeats every --interval seconds (default 300) until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true",
                            help="keep running, once every --interval seconds")
        parser.add_argument("--interval", type=int, default=300, metavar="SECONDS",
                            help="seconds between the starts of two runs with --loop "
                                 "(default 300, at least 10)")

    def handle(self, *args, loop: bool = False, interval: int = 300, **options):
        if interval < 10:
            raise CommandError("--interval must be at least 10 seconds")
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
                    logger.exception("knowledge_due: the run failed")
                    self.stderr.write("The run failed; trying again at the next interval.")
                finally:
                    close_old_connections()
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _run_once(self) -> None:
        counts = services.run_due()
        self.stdout.write(
            f"Offers expired: {counts.offers_expired}, new offers: {counts.offers_made}; "
            f"reminders sent: {counts.reminders}.")
