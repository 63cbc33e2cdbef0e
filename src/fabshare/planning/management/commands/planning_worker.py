"""``planning_worker``: run the queued planning runs."""

from django.core.management.base import BaseCommand

from fabshare.core import periodic
from fabshare.planning import services


class Command(BaseCommand):
    help = ("Run every queued planning run, oldest first, writing its progress and honouring "
            "cancel requests; runs left unfinished by a stopped process are marked failed. "
            "Runs once by default; with --loop it is the background worker (every --interval "
            "seconds, default 10). Several workers may run side by side on PostgreSQL.")

    def add_arguments(self, parser):
        periodic.add_loop_arguments(parser, default_interval=10)

    def handle(self, *args, loop=False, interval=10, **options):
        periodic.run(services.work_queue, loop=loop, interval=interval, name="planning_worker",
                     stdout=self.stdout, stderr=self.stderr)
