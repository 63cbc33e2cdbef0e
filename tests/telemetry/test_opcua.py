"""OPC UA ingest against a real asyncua server started in the test process."""

import asyncio
import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import OperationalError, connections

from fabshare.telemetry import services
from fabshare.telemetry.models import StateInterval, StateMessage
from fabshare.telemetry.opcua_server import MachineServer
from fabshare.telemetry.opcua_worker import OpcuaOptions, run
from tests.factories import ResourceFactory
from tests.telemetry.brokers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


class Loop:
    """An asyncio loop in a thread for the server."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout=90):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def wait_for(predicate, what, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OperationalError:  # SQLite: the worker's thread holds the table this moment
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def states(link):
    return list(StateInterval.objects.filter(link=link).order_by("start")
                .values_list("state", flat=True))


def test_server_restart_is_recorded_as_unknown_and_the_worker_reconnects(world):
    loop = Loop()
    server = MachineServer(free_port())
    loop.run(server.start(["NLX"]))
    ids = server.node_ids("NLX")
    resource = ResourceFactory(organization=world.factory)
    link, _token = services.link_create(
        actor=world.admin, resource=resource, name="NLX OPC UA", protocol="opcua",
        opcua_endpoint=server.endpoint, opcua_state_node=ids["ItemState"],
        opcua_mode_node=ids["OperationMode"], opcua_good_node=ids["Good"],
        opcua_scrap_node=ids["Scrap"], planned_seconds_per_unit=30)
    stop = threading.Event()

    def worker():
        try:
            run(OpcuaOptions(link_keys=[link.key], batch_wait=0.1, max_backoff=1,
                             check_every=0.2, timeout=2), stop=stop)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        wait_for(lambda: states(link) == ["idle"], "idle")
        loop.run(server.set("NLX", "ItemState", "Executing"))
        wait_for(lambda: states(link) == ["idle", "running"], "running")
        loop.run(server.set("NLX", "Good", 5))
        wait_for(lambda: StateMessage.objects.filter(link=link, good=5).exists(), "5 parts")
        loop.run(server.set("NLX", "OperationMode", "Setup"))
        wait_for(lambda: states(link)[-1] == "setup", "setup")
        loop.run(server.set("NLX", "OperationMode", "Processing"))
        wait_for(lambda: states(link)[-1] == "running", "running again")

        stopped_at = datetime.now(UTC)
        loop.run(server.stop())
        wait_for(lambda: states(link)[-1] == "unknown", "unknown after the server stopped")
        restarted_at = datetime.now(UTC)
        loop.run(server.start(["NLX"]))  # keeps its last values: Executing, Processing
        wait_for(lambda: states(link)[-1] == "running", "running after the restart")
    finally:
        stop.set()
        thread.join(20)
        loop.run(server.stop())
        loop.close()
    assert states(link) == ["idle", "running", "setup", "running", "unknown", "running"]
    gap = StateInterval.objects.get(link=link, state="unknown")
    # The gap starts when the connection broke and lasts at least until the server was back;
    # the state from before the outage is not carried over it.
    assert stopped_at <= gap.start <= restarted_at
    assert gap.end >= restarted_at
