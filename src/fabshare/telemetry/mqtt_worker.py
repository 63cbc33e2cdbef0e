"""``fabshare ingest mqtt``: state messages from an MQTT 5 broker into the database.

- paho-mqtt 2, MQTT 5, QoS 1, a persistent session: a stable client id, clean start off and a
  session expiry, so the broker keeps what arrives while the worker is down;
- ``fabshare/machines/+/state`` and each MQTT link's own topic; with ``--group`` as a shared
  subscription ``$share/<group>/…``, so several workers with different client ids split the
  load. (Mosquitto 2.0.11 drops the queue of a shared subscription when the *broker*
  restarts, while a plain subscription's queue survives: one worker per broker uses the plain
  subscription; see docs/telemetry.md.)
- manual acknowledgements: a message is acknowledged (PUBACK) only after the batch holding it
  is committed. A crash before that makes the broker deliver it again, and the idempotent
  insert (ingest.py) stores it once.

Batches close at ``batch_size`` messages or ``batch_wait`` seconds after their first message;
when a backlog is queued (at least ``backlog`` messages at hand) the batch takes everything
queued up to ``batch_size`` at once and does not wait, so the fixed statements of a batch are
shared by many messages. The acknowledgements of a batch go out as one write (one packet
buffer of PUBACKs) and only for messages received on the current connection: after a
reconnection the broker sends the earlier ones again (stored once, acknowledged then).
The broker must keep
enough messages for an offline session (Mosquitto: ``max_queued_messages 0`` or a large
number; see docs/telemetry.md).

Receiving goes through ``BufferedClient`` (mqtt_client.py): paho reading the socket in
256 KiB chunks and handing plain QoS 1 PUBLISH packets over as ``(packet id, topic,
payload)`` without building paho's message objects. The inbox holds ``(connection
generation, packet id or 0, topic bytes, payload)`` tuples.

Processes: ``fabshare ingest mqtt`` receives in one process (paho's network thread reads and
writes the acknowledgements; the main thread takes batches, hands them over and acknowledges
them) and stores in a child process (``StoreProcess``: parsing, validating and writing a
batch, one batch at a time), so storing does not share the GIL with receiving. Either process
dying ends the worker with an error and loses nothing: what was not acknowledged comes again.
Without a store process (tests on SQLite in memory) the main thread stores itself.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import struct
import threading
import time
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from fabshare.telemetry.mqtt_client import BufferedClient

log = logging.getLogger("fabshare.telemetry.mqtt")

DEFAULT_TOPIC = "fabshare/machines/+/state"


@dataclass
class MqttOptions:
    host: str = "127.0.0.1"
    port: int = 1883
    client_id: str = "fabshare-ingest-1"
    group: str = ""  # empty: a plain subscription; a name: $share/<name>/…
    topic: str = DEFAULT_TOPIC
    username: str = ""
    password: str = ""
    tls: bool = False
    session_expiry: int = 7 * 24 * 3600
    receive_maximum: int = 65535  # MQTT 5 maximum: the broker keeps sending while we commit
    batch_size: int = 20000
    batch_wait: float = 0.2
    backlog: int = 500  # this many messages at hand: store now, do not wait for batch_wait
    check_every: float = 60.0  # seconds between checks of published machine-data windows


def key_from_topic(topic: str) -> str:
    """``fabshare/machines/<key>/state`` → key; other topics are looked up by the caller."""
    parts = topic.split("/")
    if len(parts) == 4 and parts[0] == "fabshare" and parts[1] == "machines" \
            and parts[3] == "state":
        return parts[2]
    return ""


class MqttIngest:
    def __init__(self, options: MqttOptions, store_process: StoreProcess | None = None):
        """With ``store_process`` (what ``fabshare ingest mqtt`` does) batches are stored in
        that child process; without, in this process's main thread (tests, SQLite in memory)."""
        self.options = options
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.topics: dict[str, str] = {}  # a link's own topic → its key
        self.stored = 0
        self.generation = 0  # connections so far: a message is acknowledged on its own
        self._topic_keys: dict[str, str] = {}
        self.on_stored = None  # called with each batch once it is committed (benchmarks)
        self.store_process = store_process
        self.client = BufferedClient(CallbackAPIVersion.VERSION2, client_id=options.client_id,
                                     protocol=mqtt.MQTTv5, manual_ack=True)
        if options.username:
            self.client.username_pw_set(options.username, options.password)
        if options.tls:
            self.client.tls_set()
        self.client.reconnect_delay_set(1, 10)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_raw_message = self._on_raw_message
        self.client.on_subscribe = self._on_subscribe

    # --- network thread ---------------------------------------------------------------------

    def _filters(self) -> list[str]:
        return [self.options.topic, *self.topics]

    def _shared(self, topic: str) -> str:
        return f"$share/{self.options.group}/{topic}" if self.options.group else topic

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT connection refused: %s", reason_code)
            return
        log.info("connected to %s:%s (session present: %s)", self.options.host,
                 self.options.port, flags.session_present)
        self.generation += 1
        client.subscribe([(self._shared(f), SubscribeOptions(qos=1)) for f in self._filters()])
        self.connected.set()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        log.info("subscribed (%s)", ", ".join(str(code) for code in reason_codes))
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        log.warning("disconnected from the broker (%s); reconnecting", reason_code)

    # A message in the inbox: (connection generation, packet id or 0 for QoS 0, topic, payload).

    def _on_raw_message(self, mid: int, topic: bytes, payload: bytes) -> None:
        self.inbox.put((self.generation, mid, topic, payload))

    def _on_message(self, client, userdata, message):  # what the light path leaves to paho
        try:
            topic = message.topic.encode()
        except UnicodeDecodeError:  # no link by topic: the payload must name it
            topic = b""
        self.inbox.put((self.generation, message.mid if message.qos else 0, topic,
                        message.payload))

    # --- main thread ------------------------------------------------------------------------

    def _load_topics(self) -> None:
        from fabshare.telemetry.models import MachineLink

        topics = dict(MachineLink.objects.filter(
            protocol=MachineLink.Protocol.MQTT, is_active=True).exclude(mqtt_topic="")
            .values_list("mqtt_topic", "key"))
        topics = {t: k for t, k in topics.items() if not key_from_topic(t)}
        new = set(topics) - set(self.topics)
        self.topics = topics
        self._topic_keys = {}
        if new and self.connected.is_set():
            self.client.subscribe([(self._shared(t), SubscribeOptions(qos=1))
                                   for t in sorted(new)])

    def _take_batch(self, stop: threading.Event) -> list:
        """Wait for a message, then take what is queued: with a backlog everything up to
        ``batch_size`` at once, else what has arrived ``batch_wait`` after the first.

        Between the first message and the end of the wait this thread sleeps instead of
        waking for each message: a wake-up per message takes the GIL from the network thread
        each time and made the worker receive at a third of a bare subscriber's rate."""
        inbox, size, backlog = self.inbox, self.options.batch_size, self.options.backlog
        get = inbox.get_nowait
        batch: list = []
        deadline = 0.0
        while not stop.is_set():
            try:
                while len(batch) < size:
                    batch.append(get())
            except queue.Empty:
                pass
            if len(batch) >= size or len(batch) >= backlog:
                break
            now = time.monotonic()
            if batch and not deadline:
                deadline = now + self.options.batch_wait
            if not batch:
                if self.store_process is not None:
                    self.store_process.check()  # a dead store process ends an idle worker too
                with contextlib.suppress(queue.Empty):
                    batch.append(inbox.get(timeout=0.05))
                    deadline = time.monotonic() + self.options.batch_wait
                continue
            if now >= deadline:
                break
            stop.wait(min(deadline - now, self.options.batch_wait))
        return batch

    def _key(self, topic: bytes) -> str:
        key = self._topic_keys.get(topic)
        if key is None:
            text = topic.decode("utf-8", errors="replace")
            key = self._topic_keys[topic] = key_from_topic(text) or self.topics.get(text, "")
        return key

    def _ack(self, batch: list) -> None:
        """PUBACK every QoS 1 message of the batch that came on the current connection, as one
        write: the packets are the ones ``client.ack`` sends, joined in one buffer."""
        generation = self.generation
        mids = [mid for g, mid, _topic, _payload in batch if g == generation and mid]
        if not mids or not self.connected.is_set():
            return
        queue_packet = getattr(self.client, "_packet_queue", None)
        if queue_packet is None:  # another paho: one call per message
            for mid in mids:
                self.client.ack(mid, 1)
            return
        pack = _PUBACK.pack
        for i in range(0, len(mids), 4096):
            queue_packet(mqtt.PUBACK, b"".join([pack(0x40, 2, mid) for mid in
                                                mids[i:i + 4096]]), 0, 1)

    def _store(self, batch: list, links) -> None:
        key = self._key
        items = [(key(topic), payload) for _g, _mid, topic, payload in batch]
        if self.store_process is not None:
            self.store_process.store(items)
        else:
            store_with_retry(items, links)
        if self.on_stored is not None:
            self.on_stored(batch)
        self._ack(batch)
        self.stored += len(batch)

    def run(self, stop: threading.Event) -> None:
        from fabshare.telemetry.ingest import LinkCache
        from fabshare.telemetry.services import proposals_check

        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = self.options.session_expiry
        properties.ReceiveMaximum = self.options.receive_maximum
        self._load_topics()
        # Everything loaded so far (Django, the links) lives as long as the worker: keep it out
        # of the cyclic collector, which otherwise walks it again and again while tens of
        # thousands of short-lived messages a second pass (measured: ~40 % of the network
        # thread's time), and collect the young generation less often.
        gc.collect()
        gc.freeze()
        gc.set_threshold(max(gc.get_threshold()[0], 50_000), *gc.get_threshold()[1:])
        if self.store_process is not None:
            self.store_process.wait_ready()  # take no messages before they can be stored
        self.client.connect_async(self.options.host, self.options.port, keepalive=60,
                                  clean_start=False, properties=properties)
        self.client.loop_start()
        links = LinkCache()
        next_check = time.monotonic()
        try:
            while not stop.is_set():
                batch = self._take_batch(stop)
                if batch:
                    self._store(batch, links)
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.options.check_every
                    self._load_topics()
                    try:
                        proposals_check()
                    except Exception:
                        log.exception("checking machine-data windows failed")
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            if self.store_process is not None:
                self.store_process.close()


_PUBACK = struct.Struct("!BBH")  # PUBACK, remaining length 2, packet id (reason: success)


def store_with_retry(items: list[tuple[str, bytes]], links) -> None:
    """Store ``(link key from the topic, payload)`` pairs; while the database is away keep the
    batch and retry (nothing is acknowledged meanwhile)."""
    from django.db import close_old_connections

    from fabshare.telemetry.ingest import Incoming, store

    incoming = [Incoming(payload, "mqtt", key) for key, payload in items]
    while True:
        try:
            store(incoming, links=links)
            return
        except Exception:  # the database is away: keep the batch, do not ack, retry
            log.exception("storing a batch of %d failed; retrying", len(incoming))
            close_old_connections()
            time.sleep(1)


class StoreProcess:
    """Stores batches in a child process, so parsing and writing them do not share the GIL
    with paho's network thread (measured: receiving takes ~6 µs of CPU a message, storing
    ~15 µs plus PostgreSQL's time).

    One batch at a time over a pipe: the worker sends it (pickled ``(key, payload)`` pairs)
    and waits for "committed" before it acknowledges the batch's messages. If the child dies,
    ``store`` raises and the worker exits with an error: nothing of the batch was
    acknowledged, so the broker delivers it again to the next start and the idempotent insert
    stores it once. If the worker dies, the child reads the end of the pipe and exits.
    """

    def __init__(self):
        # spawn, not fork: the worker has threads and an open database connection.
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_store_main, args=(child,), daemon=True,
                                       name="fabshare-ingest-store")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float = 120.0) -> None:
        try:
            ready = self.conn.poll(timeout) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            raise RuntimeError(f"the store process did not start (exit code "
                               f"{self.process.exitcode})")
        log.info("store process %s ready", self.process.pid)

    def check(self) -> None:
        if not self.process.is_alive():
            raise RuntimeError(f"the store process ended (exit code {self.process.exitcode})")

    def store(self, items: list[tuple[str, bytes]]) -> None:
        try:
            self.conn.send_bytes(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))
            reply = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError(f"the store process ended (exit code "
                               f"{self.process.exitcode}); nothing of this batch was "
                               f"acknowledged") from exc
        if reply != len(items):
            raise RuntimeError(f"the store process answered {reply!r}")

    def close(self) -> None:
        self.conn.close()  # the child reads the end and exits after its current batch
        self.process.join(30)
        if self.process.is_alive():
            self.process.terminate()


def _store_main(conn) -> None:
    """The child: set up Django, then store each batch received and answer its size."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the worker, which ends us
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabshare.settings")
    import django

    django.setup()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from fabshare.telemetry.ingest import LinkCache

    links = LinkCache()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(gc.get_threshold()[0], 50_000), *gc.get_threshold()[1:])
    conn.send("ready")
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):  # the worker is gone or closing
            return
        items = pickle.loads(data)  # noqa: S301 - from our own parent process
        store_with_retry(items, links)
        try:
            conn.send(len(items))
        except OSError:
            return


def run(options: MqttOptions, stop: threading.Event | None = None,
        store_process: StoreProcess | None = None) -> None:
    import signal

    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    MqttIngest(options, store_process).run(stop)
