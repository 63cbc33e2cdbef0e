"""Calendar feeds fetched over real HTTP from a local server; internal addresses refused."""

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from fabshare.availability import services
from fabshare.availability.models import CalendarFeed
from tests.availability.test_services import FEED, NOW
from tests.factories import ResourceFactory


class _Calendar(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, *args):
        pass


@pytest.fixture
def calendar_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Calendar)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/machine.ics"
    server.shutdown()


def _feed(world, url):
    resource = ResourceFactory(organization=world.factory, site=world.factory.sites.first())
    return CalendarFeed.objects.create(resource=resource, name="ERP", url=url)


@time_machine.travel(NOW, tick=False)
def test_feed_is_fetched_over_http(world, calendar_url, settings):
    settings.FABSHARE_FEED_ALLOW_PRIVATE_HOSTS = True
    feed = services.feed_refresh(feed=_feed(world, calendar_url))
    assert (feed.status, feed.busy_count) == (CalendarFeed.Status.OK, 1)
    busy = feed.busy.get()
    assert (busy.start, busy.end) == (datetime(2026, 3, 24, 9, tzinfo=UTC),
                                      datetime(2026, 3, 24, 11, tzinfo=UTC))


@time_machine.travel(NOW, tick=False)
def test_internal_addresses_are_refused(world, calendar_url):
    feed = services.feed_refresh(feed=_feed(world, calendar_url))
    assert feed.status == CalendarFeed.Status.FAILING
    assert "private network" in feed.last_error
    assert not feed.busy.exists()
