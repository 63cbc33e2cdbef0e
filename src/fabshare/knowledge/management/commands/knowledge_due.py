"""``knowledge_due``: the knowledge app's periodic work.

Runs :func:`fabshare.knowledge.services.run_due` once, or forever with ``--loop``: offers on the
waitlist that were not taken within 48 hours lapse and the seat passes to the next person in
line; sessions starting within 24 hours get their reminder (once: each session records when).
"""

from django.core.management.base import BaseCommand

from fabshare.core import periodic
from fabshare.knowledge import services


class Command(BaseCommand):
    help = (
        "Lapse waitlist offers older than 48 hours (offering the seat to the next in line) and "
        "send reminders for sessions starting within 24 hours. Runs once by default; with "
        "--loop it repeats every --interval seconds (default 300) until stopped."
    )

    def add_arguments(self, parser):
        periodic.add_loop_arguments(parser, default_interval=300)

    def handle(self, *args, loop: bool = False, interval: int = 300, **options):
        periodic.run(self._run_once, loop=loop, interval=interval, name="knowledge_due",
                     stdout=self.stdout, stderr=self.stderr)

    def _run_once(self) -> str:
        counts = services.run_due()
        return (f"Offers expired: {counts.offers_expired}, new offers: {counts.offers_made}; "
                f"reminders sent: {counts.reminders}.")
