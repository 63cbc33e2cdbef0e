"""The loop every background worker command shares: run a job now and then every N seconds,
survive a failed run, stop cleanly on Ctrl-C or SIGTERM."""

import logging
import signal
import time
from collections.abc import Callable

from django.core.management.base import CommandError
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def add_loop_arguments(parser, *, default_interval: int) -> None:
    parser.add_argument("--loop", action="store_true",
                        help="keep running, once every --interval seconds")
    parser.add_argument("--interval", type=int, default=default_interval, metavar="SECONDS",
                        help=f"seconds between the starts of two runs with --loop "
                             f"(default {default_interval}, at least 10)")


def run(job: Callable[[], str], *, loop: bool, interval: int, name: str, stdout, stderr) -> None:
    """Run ``job`` (which returns a line to print) once, or forever with ``loop``."""
    if interval < 10:
        raise CommandError("--interval must be at least 10 seconds")
    if not loop:
        stdout.write(job())
        return

    def stop(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            started = time.monotonic()
            close_old_connections()
            try:
                stdout.write(job())
            except Exception:  # a worker outlives one bad run (database restart …)
                logger.exception("%s: the run failed", name)
                stderr.write("The run failed; trying again at the next interval.")
            finally:
                close_old_connections()
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
    except KeyboardInterrupt:
        stdout.write("Stopped.")
