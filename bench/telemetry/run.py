"""Benchmark of MQTT ingest (issue 7): sustained messages per second from Mosquitto into
PostgreSQL for one worker and for two, next to a bare subscriber that only counts messages,
all in the same run against the same broker; and the p95 delay from publish to stored state.

Throughput is measured on a backlog, so the publisher's speed does not limit it: the consumer's
persistent session is created, the consumer stops, N QoS 1 messages (the documented JSON
payload, ``--links`` machines) are published into its queue, then the consumer starts again
and the clock runs from its connection until all N are counted (bare subscriber: a plain paho
client) or stored (workers: separate ``fabshare ingest mqtt`` processes; two workers share a
``$share`` group; their rate including process start-up is printed too). Delay: a worker in
this process, storing in a child process as the command does, stores a paced stream
(``--rate`` msg/s); the delay of a message is the time from just before its publish to just
after the commit of the batch holding it.

Needs PostgreSQL (``DATABASE_URL``, default postgres://postgres@127.0.0.1:5432/
fabshare_telemetry_bench; the database is created and migrated) and ``mosquitto``.
Run from the repository root:

    nice -n 10 .venv/bin/python bench/telemetry/run.py [--messages 100000] [--links 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL",
                      "postgres://postgres@127.0.0.1:5432/fabshare_telemetry_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabshare.settings")
os.environ.setdefault("FABSHARE_VAR_DIR", tempfile.mkdtemp(prefix="fabshare-bench-"))

import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402
from paho.mqtt.packettypes import PacketTypes  # noqa: E402
from paho.mqtt.properties import Properties  # noqa: E402

from tests.telemetry.brokers import Mosquitto, Publisher  # noqa: E402

STATES = ["Executing", "NotExecuting", "Setup", "Executing", "OutOfService"]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def setup_database(n_links: int) -> list[str]:
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from fabshare.catalog.models import Resource
    from fabshare.network.models import Organization
    from fabshare.telemetry.models import MachineLink

    org = Organization.objects.create(name="Bench NV", slug="bench")
    keys = []
    for i in range(n_links):
        resource = Resource.objects.create(organization=org, kind="machine", name=f"M{i}",
                                           slug=f"bench-m{i}")
        link = MachineLink.objects.create(resource=resource, name=f"M{i}", protocol="mqtt",
                                          mqtt_topic=f"fabshare/machines/k{i}/state",
                                          key=f"k{i}")
        keys.append(link.key)
    return keys


def reset_messages() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE telemetry_statemessage, telemetry_stateinterval, "
                       "telemetry_rejectedmessage")
        cursor.execute("UPDATE telemetry_machinelink SET accepted_count = 0, "
                       "rejected_count = 0")


def accepted() -> int:
    """Messages stored so far, from the links' counters (updated in the same transaction as
    the messages): polled while workers run, so the benchmark's own polling costs
    PostgreSQL one small read instead of a count over a growing table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(accepted_count), 0) FROM telemetry_machinelink")
        return cursor.fetchone()[0]


def stored() -> int:
    from fabshare.telemetry.models import StateMessage

    return StateMessage.objects.count()


def payloads(keys: list[str], n: int, tag: str):
    start = time.time() - 3600
    for i in range(n):
        key = keys[i % len(keys)]
        body = {"link": key, "state": STATES[(i // len(keys)) % 5],
                "ts": round(start + i * 0.01, 3), "id": f"{tag}{i}"}
        yield f"fabshare/machines/{key}/state", json.dumps(body).encode()


def preload(port: int, keys: list[str], n: int, tag: str) -> float:
    publisher = Publisher(port, client_id=f"bench-pub-{tag}")
    t0 = time.perf_counter()
    for i, (topic, body) in enumerate(payloads(keys, n, tag), 1):
        publisher.publish(topic, body)
        if i % 50_000 == 0:  # packet ids wrap at 65 535: let the broker acknowledge first
            publisher.wait_all(timeout=600)
    publisher.wait_all(timeout=600)
    publisher.close()
    return n / (time.perf_counter() - t0)


class BareSubscriber:
    """Counts messages: a plain ``paho.mqtt.client.Client`` (paho's own receive path,
    acknowledging each message itself) with the worker's MQTT 5 persistent session and QoS 1.
    It stands for "a bare subscriber": deliberately not the worker's BufferedClient."""

    def __init__(self, port: int):
        self.count = 0
        self.port = port
        self.done = threading.Event()
        self.subscribed = threading.Event()
        self.target = 0
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-bare",
                                  protocol=mqtt.MQTTv5)
        self.client.on_connect = lambda c, *a: c.subscribe("fabshare/machines/+/state", qos=1)
        self.client.on_subscribe = lambda *a: self.subscribed.set()
        self.client.on_message = self._on_message

    def _on_message(self, client, userdata, message):
        self.count += 1
        if self.count >= self.target:
            self.done.set()

    def connect(self):
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        properties.ReceiveMaximum = 65535
        self.client.connect("127.0.0.1", self.port, clean_start=False, properties=properties)
        self.client.loop_start()
        self.subscribed.wait(10)

    def disconnect(self):
        self.client.disconnect()
        self.client.loop_stop()


def bare_rate(broker: Mosquitto, keys, n: int) -> float:
    bare = BareSubscriber(broker.port)
    bare.connect()
    bare.disconnect()
    preload(broker.port, keys, n, "bare")
    bare.target = n
    t0 = time.perf_counter()
    bare.subscribed.clear()
    bare.connect()
    bare.done.wait(600)
    rate = bare.count / (time.perf_counter() - t0)
    bare.disconnect()
    return rate


def worker_process(port: int, client_id: str, group: str, log_path: Path):
    command = [sys.executable, "-m", "fabshare.cli", "ingest", "mqtt", "--port", str(port),
               "--client-id", client_id, "--batch-size", "20000", "--batch-wait", "0.1"]
    if group:
        command += ["--group", group]
    return subprocess.Popen(command, env={**os.environ, "LOG_LEVEL": "INFO"},
                            stdout=subprocess.DEVNULL, stderr=log_path.open("ab"))


def wait_log(path: Path, text: str, count: int = 1, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().count(text) >= count:
            return
        time.sleep(0.1)
    raise TimeoutError(f"{path}: no {text!r}")


def workers_rate(broker: Mosquitto, keys, n: int, workers: int, tmp: Path
                 ) -> tuple[float, float]:
    """Messages/s from the first worker's connection to the broker until all ``n`` are stored
    (the sustained rate, timed like the bare subscriber), and from the start of the worker
    processes (with their ~1 s of Python and Django start-up)."""
    reset_messages()
    group = "bench" if workers > 1 else ""
    logs = [tmp / f"w{workers}-{i}.log" for i in range(workers)]
    for path in logs:
        path.unlink(missing_ok=True)
    ids = [f"bench-w{workers}-{i}" for i in range(workers)]
    procs = [worker_process(broker.port, ids[i], group, logs[i]) for i in range(workers)]
    for path in logs:
        wait_log(path, "subscribed")
    for proc in procs:
        proc.terminate()
        proc.wait()
    preload(broker.port, keys, n, f"w{workers}-")
    connected_before = [path.read_text().count("connected to") for path in logs]
    t0 = time.perf_counter()
    procs = [worker_process(broker.port, ids[i], group, logs[i]) for i in range(workers)]
    deadline = time.monotonic() + 900
    t_connected = None
    while t_connected is None and time.monotonic() < deadline:  # polled every 5 ms
        if any(path.read_text().count("connected to") > before
               for path, before in zip(logs, connected_before, strict=True)):
            t_connected = time.perf_counter()
        else:
            time.sleep(0.005)
    while time.monotonic() < deadline:
        if accepted() >= n:
            break
        time.sleep(0.05)
    t_end = time.perf_counter()
    count = stored()
    for proc in procs:
        proc.terminate()
        proc.wait()
    if count != n:
        raise RuntimeError(f"{workers} worker(s): stored {count} of {n}")
    return n / (t_end - t_connected), n / (t_end - t0)


def delay_p95(broker: Mosquitto, keys, n: int, rate: float) -> tuple[float, float]:
    from fabshare.telemetry.mqtt_worker import MqttIngest, MqttOptions, StoreProcess

    reset_messages()
    sent: dict[str, float] = {}
    delays: list[float] = []
    # Built as `fabshare ingest mqtt` builds it: storing in a child process.
    worker = MqttIngest(MqttOptions(port=broker.port, client_id="bench-delay",
                                    batch_wait=0.05), StoreProcess())

    def on_stored(batch):
        now = time.perf_counter()
        for _generation, _mid, _topic, payload in batch:
            delays.append(now - sent[json.loads(payload)["id"]])

    worker.on_stored = on_stored
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    worker.subscribed.wait(20)
    publisher = Publisher(broker.port, client_id="bench-delay-pub")
    t0 = time.perf_counter()
    for i, (topic, body) in enumerate(payloads(keys, n, "d")):
        target = t0 + i / rate
        while time.perf_counter() < target:
            time.sleep(0.0005)
        sent[f"d{i}"] = time.perf_counter()
        publisher.publish(topic, body)
    publisher.wait_all(timeout=600)
    deadline = time.monotonic() + 300
    while len(delays) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(20)
    publisher.close()
    delays.sort()
    return delays[int(0.95 * (len(delays) - 1))] * 1000, statistics.median(delays) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2000, help="paced stream for the delay")
    parser.add_argument("--delay-messages", type=int, default=20_000)
    parser.add_argument("--delay-only", action="store_true", help="skip the throughput runs")
    args = parser.parse_args()
    tmp = Path(os.environ["FABSHARE_VAR_DIR"])
    tmp.mkdir(parents=True, exist_ok=True)
    keys = setup_database(args.links)
    broker = Mosquitto().start()
    bare = one = two = one_start = two_start = float("nan")
    try:
        if not args.delay_only:
            log("bare subscriber …")
            bare = bare_rate(broker, keys, args.messages)
            log(f"  {bare:,.0f} msg/s")
            log("one worker …")
            one, one_start = workers_rate(broker, keys, args.messages, 1, tmp)
            log(f"  {one:,.0f} msg/s ({one_start:,.0f} with start-up)")
            log("two workers …")
            two, two_start = workers_rate(broker, keys, args.messages, 2, tmp)
            log(f"  {two:,.0f} msg/s ({two_start:,.0f} with start-up)")
        log("delay …")
        p95, p50 = delay_p95(broker, keys, args.delay_messages, args.rate)
    finally:
        broker.close()
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    print(f"# MQTT → PostgreSQL ingest ({args.messages:,} QoS 1 messages, {args.links} links, "
          f"{cores} cores, load {load:.1f})\n")
    print("| consumer | messages/s from connection | vs bare subscriber "
          "| messages/s with process start-up |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| bare subscriber (plain paho, counts only) | {bare:,.0f} | 100 % | |")
    print(f"| 1 ingest worker | {one:,.0f} | {one / bare:.0%} | {one_start:,.0f} |")
    print(f"| 2 ingest workers ($share) | {two:,.0f} | {two / bare:.0%} | {two_start:,.0f} |")
    print(f"\nDelay publish → stored (paced {args.rate:,.0f} msg/s, {args.delay_messages:,} "
          f"messages): p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
