"""A real Mosquitto broker per test (own port, own persistence directory) and a QoS 1
publisher that survives broker restarts. Used by the tests and by bench/telemetry."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


class Mosquitto:
    """``mosquitto`` on a free port with persistence in a temporary directory."""

    def __init__(self):
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.binary = binary
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="mosquitto-"))
        # Started as root, Mosquitto drops to its own user: it must still write here.
        self.dir.chmod(0o777)
        self.config = self.dir / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {self.dir}/\n"
            "autosave_interval 1\n"
            "max_queued_messages 0\n"
            "max_inflight_messages 0\n"
            "max_keepalive 60\n"
            "log_dest none\n")
        self.process: subprocess.Popen | None = None

    def start(self) -> Mosquitto:
        self.process = subprocess.Popen([self.binary, "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM: Mosquitto writes its persistence file and exits (a broker restart)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def message(link: str, state: str, ts: float, msg_id: str | None = None, **extra) -> bytes:
    body = {"link": link, "state": state, "ts": ts, **extra}
    if msg_id is not None:
        body["id"] = msg_id
    return json.dumps(body).encode()


class Publisher:
    """QoS 1, persistent session; paho resends what the broker has not acknowledged after a
    reconnect, and ``wait_all`` publishes again whatever is still unacknowledged at the end
    (harmless: each message carries its id)."""

    def __init__(self, port: int, client_id: str = "test-publisher"):
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        self.client.reconnect_delay_set(1, 2)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.connected = threading.Event()
        self.client.on_connect = lambda *a: self.connected.set()
        self.client.on_disconnect = lambda *a: self.connected.clear()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        self.client.connect_async("127.0.0.1", port, keepalive=5, clean_start=False,
                                  properties=properties)
        self.client.loop_start()
        if not self.connected.wait(10):
            raise TimeoutError("the publisher could not connect")
        self.sent: list[tuple[str, bytes, mqtt.MQTTMessageInfo]] = []

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> None:
        """Publish; while the broker is away, wait for the reconnection first (what paho
        already holds in flight it sends again itself)."""
        for _attempt in range(100):
            if not self.connected.wait(60):
                raise TimeoutError("the broker did not come back")
            info = self.client.publish(topic, payload, qos=qos)
            if info.rc != mqtt.MQTT_ERR_NO_CONN:
                self.sent.append((topic, payload, info))
                return
            self.connected.clear()
        raise TimeoutError("could not publish")

    @staticmethod
    def _done(info: mqtt.MQTTMessageInfo) -> bool:
        try:
            return info.is_published()
        except RuntimeError:  # published while disconnected: paho gave up on it
            return False

    def wait_all(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        resend_at = time.monotonic() + timeout / 3
        while time.monotonic() < deadline:
            pending = [row for row in self.sent if not self._done(row[2])]
            if not pending:
                return
            time.sleep(0.2)
            if time.monotonic() > resend_at and self.connected.is_set():
                resend_at = time.monotonic() + timeout / 3
                self.sent = [row for row in self.sent if self._done(row[2])]
                for topic, payload, _info in pending:
                    self.publish(topic, payload)
        raise TimeoutError(f"{sum(not self._done(r[2]) for r in self.sent)} unacknowledged")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
