"""MQTT ingest against a real Mosquitto broker started by the test."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError, connection, connections

from fabshare.telemetry.models import MachineLink, RejectedMessage, StateInterval, StateMessage
from fabshare.telemetry.mqtt_worker import MqttIngest, MqttOptions
from tests.telemetry.brokers import Publisher, message

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until(predicate, timeout: float = 60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OperationalError:  # SQLite: the worker's thread holds the table this moment
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


class ThreadWorker:
    """The ingest worker in a thread of the test process (same database)."""

    def __init__(self, port: int, **options):
        self.stop = threading.Event()
        self.worker = MqttIngest(MqttOptions(port=port, batch_wait=0.05, **options))
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error = None
        self.thread.start()
        if not self.worker.subscribed.wait(20):
            raise AssertionError("the worker did not subscribe")

    def _run(self):
        try:
            self.worker.run(self.stop)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            connections.close_all()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=20)


def test_states_arrive_and_become_intervals(machine, mosquitto):
    worker = ThreadWorker(mosquitto.port, client_id="w-states")
    publisher = Publisher(mosquitto.port)
    try:
        now = datetime.now(UTC)
        topic = machine.mqtt_topic
        # The topic names the link, so the payload may leave it out; an MTConnect value and
        # OPC UA names are mapped; a repeat (same id) is stored once.
        for i, state in enumerate(["READY", "Executing", "Executing", "setup", "ACTIVE"]):
            ts = (now - timedelta(minutes=50 - 10 * i)).timestamp()
            publisher.publish(topic, message(machine.key, state, ts, f"m{i}"))
        publisher.publish(topic, message(machine.key, "ACTIVE", now.timestamp(), "m4"))
        publisher.wait_all()
        wait_until(lambda: StateMessage.objects.filter(link=machine).count() == 5, 30,
                   "five messages")
        time.sleep(0.3)  # the repeat is in the same or the next batch; let it pass
        assert StateMessage.objects.filter(link=machine).count() == 5
        intervals = list(StateInterval.objects.filter(link=machine).values_list("state",
                                                                                flat=True))
        assert intervals == ["idle", "running", "setup", "running"]
        machine.refresh_from_db()
        assert machine.accepted_count == 5 and machine.last_payload
    finally:
        publisher.close()
        worker.close()
    assert worker.error is None


def test_bad_messages_are_kept_with_their_reason_and_the_worker_goes_on(machine, mosquitto):
    worker = ThreadWorker(mosquitto.port, client_id="w-bad")
    publisher = Publisher(mosquitto.port)
    now = datetime.now(UTC)
    topic = machine.mqtt_topic
    try:
        publisher.publish(topic, b"{not json")
        publisher.publish("fabshare/machines/nosuchkey/state",
                          message("nosuchkey", "idle", now.timestamp()))
        publisher.publish(topic, message(machine.key, "SPINNING", now.timestamp()))
        publisher.publish(topic, message(machine.key, "idle", (now + timedelta(days=2))
                                         .timestamp()))
        publisher.publish(topic, message(machine.key, "idle", "2019-01-01T00:00:00Z"))
        publisher.publish(topic, b'{"state": "idle", "pad": "' + b"x" * 10_000 + b'"}')
        publisher.publish(topic, message(machine.key, "idle", now.timestamp(), good=-3))
        publisher.publish(topic, message(machine.key, "idle", now.timestamp(), "fine"))
        publisher.wait_all()
        wait_until(lambda: RejectedMessage.objects.count() == 7, 30, "seven rejections")
        wait_until(lambda: StateMessage.objects.filter(link=machine).count() == 1, 30,
                   "the good message")
    finally:
        publisher.close()
        worker.close()
    assert worker.error is None
    reasons = dict(RejectedMessage.objects.values_list("reason", "detail"))
    assert set(reasons) == {"malformed", "unknown_link", "unknown_state", "future", "ancient",
                            "oversized", "invalid"}
    assert "SPINNING" in reasons["unknown_state"] and "good" in reasons["invalid"]
    machine.refresh_from_db()
    # Everything but the unknown link is counted on the link (the topic names it).
    assert machine.rejected_count == 6 and machine.accepted_count == 1
    assert RejectedMessage.objects.get(reason="unknown_link").link is None


def test_a_backlog_is_stored_in_large_batches_and_every_message_is_acknowledged(
        machine, mosquitto, monkeypatch):
    """The worker's session holds a backlog while it is away; on its return it takes the
    backlog in batches larger than the wait would collect, and acknowledges everything: the
    broker has nothing left to deliver to that session."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    ThreadWorker(mosquitto.port, client_id="w-backlog").close()  # the session exists
    publisher = Publisher(mosquitto.port)
    start = datetime.now(UTC) - timedelta(hours=1)
    total = 1500
    try:
        for i in range(total):
            publisher.publish(machine.mqtt_topic, message(
                machine.key, ["running", "idle"][i % 2], (start + timedelta(seconds=i))
                .timestamp(), f"b{i}"))
        publisher.wait_all()
    finally:
        publisher.close()
    sizes = []
    take = MqttIngest._take_batch
    monkeypatch.setattr(MqttIngest, "_take_batch",
                        lambda self, stop: sizes.append(len(batch := take(self, stop))) or batch)
    worker = ThreadWorker(mosquitto.port, client_id="w-backlog", batch_size=1000, backlog=200)
    try:
        wait_until(lambda: worker.worker.stored >= total, 60, "the backlog")
    finally:
        worker.close()
    assert worker.error is None
    assert StateMessage.objects.filter(link=machine).count() == total
    assert max(sizes) > 200
    # The same session again: the broker delivers nothing more (all were acknowledged).
    received = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="w-backlog",
                         protocol=mqtt.MQTTv5)
    client.on_message = lambda c, u, m: received.append(m.mid)
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 3600
    client.connect("127.0.0.1", mosquitto.port, clean_start=False, properties=properties)
    client.loop_start()
    try:
        time.sleep(1.0)  # a redelivery comes at once after the CONNACK
    finally:
        client.disconnect()
        client.loop_stop()
    assert received == []


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the worker runs in its own process and needs a shared database")
def test_no_message_is_lost_or_doubled_across_broker_and_worker_restarts(machine, mosquitto,
                                                                         tmp_path):
    """10 000 QoS 1 messages; meanwhile the broker restarts and the worker is killed (SIGKILL)
    and started again. Afterwards every message is stored exactly once."""
    total = 10_000
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
           f"{settings['PORT'] or 5432}/{settings['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "INFO",
           "FABSHARE_VAR_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "fabshare.cli", "ingest", "mqtt", "--port",
               str(mosquitto.port), "--client-id", "loss-worker", "--batch-wait", "0.05"]

    def start_worker():
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=open(tmp_path / "worker.log", "ab"))  # noqa: SIM115

    def stored():
        return StateMessage.objects.filter(link=machine).count()

    worker = start_worker()
    log = tmp_path / "worker.log"
    wait_until(lambda: log.exists() and "subscribed" in log.read_text(), 60, "the subscription")
    publisher = Publisher(mosquitto.port, client_id="loss-publisher")
    start = datetime.now(UTC) - timedelta(hours=3)
    states = ["running", "idle", "setup", "running", "down"]
    try:
        for i in range(total):
            ts = (start + timedelta(seconds=i)).timestamp()
            publisher.publish(machine.mqtt_topic,
                              message(machine.key, states[i % 5], ts, f"loss-{i}"))
            if i == 3000:
                wait_until(lambda: stored() > 0, 60, "the worker to store")
                mosquitto.restart()  # broker stops (persisting its state) and comes back
            if i == 6000:
                worker.send_signal(signal.SIGKILL)  # no goodbye, no acks for what it held
                worker.wait()
                worker = start_worker()
        publisher.wait_all(timeout=90)
        wait_until(lambda: stored() >= total, 30,
                   lambda: f"{total} stored ({stored()} so far); {log.read_text()[-3000:]}")
        time.sleep(1)  # redeliveries still in flight would show up as extra rows
    finally:
        publisher.close()
        worker.terminate()
        worker.wait(timeout=20)
    assert stored() == total
    keys = set(StateMessage.objects.filter(link=machine).values_list("key", flat=True))
    assert keys == {f"i:loss-{i}" for i in range(total)}
    # Intervals: one per message (the states alternate), contiguous, the last open.
    spans = list(StateInterval.objects.filter(link=machine).order_by("start")
                 .values_list("start", "end"))
    assert len(spans) == total
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert MachineLink.objects.get(pk=machine.pk).accepted_count == total
    assert not RejectedMessage.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the worker runs in its own process and needs a shared database")
def test_the_worker_exits_when_its_store_process_dies_and_a_restart_loses_nothing(
        machine, mosquitto, tmp_path):
    """``fabshare ingest mqtt`` stores in a child process. When that child is killed the worker
    exits with an error; what it had not acknowledged comes again to the next start, and
    every message is stored exactly once."""
    import re

    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
           f"{settings['PORT'] or 5432}/{settings['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "INFO",
           "FABSHARE_VAR_DIR": str(tmp_path)}
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "fabshare.cli", "ingest", "mqtt", "--port",
               str(mosquitto.port), "--client-id", "store-death", "--batch-wait", "0.05"]

    def start_worker():
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=open(log, "ab"))  # noqa: SIM115
        wait_until(lambda: log.read_text().count("subscribed") > starts, 60,
                   "the subscription")
        return process

    def stored():
        return StateMessage.objects.filter(link=machine).count()

    starts = 0
    worker = start_worker()
    starts = 1
    child = int(re.findall(r"store process (\d+) ready", log.read_text())[-1])
    publisher = Publisher(mosquitto.port, client_id="store-death-publisher")
    total = 4000
    start = datetime.now(UTC) - timedelta(hours=2)  # one a second: all in the past
    try:
        for i in range(total):
            if i == total // 2:
                os.kill(child, signal.SIGKILL)  # maybe while it holds a batch
                assert worker.wait(timeout=30) != 0
                assert "the store process ended" in log.read_text()
            publisher.publish(machine.mqtt_topic, message(
                machine.key, ["running", "idle"][i % 2],
                (start + timedelta(seconds=i)).timestamp(), f"sd-{i}"))
        publisher.wait_all()
        assert stored() < total  # the second half waits in the session
        worker = start_worker()
        wait_until(lambda: stored() >= total, 60, lambda: f"{total} stored ({stored()})")
        time.sleep(1)  # redeliveries still in flight would show up as extra rows
    finally:
        publisher.close()
        worker.terminate()
        worker.wait(timeout=20)
    assert stored() == total and not RejectedMessage.objects.exists()
    assert set(StateMessage.objects.filter(link=machine).values_list("key", flat=True)) == {
        f"i:sd-{i}" for i in range(total)}
    assert MachineLink.objects.get(pk=machine.pk).accepted_count == total
