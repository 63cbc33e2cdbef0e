"""BufferedClient (mqtt_client.py) against a real Mosquitto: chunked reads and the light
PUBLISH path deliver exactly what was published, also when packets straddle chunks."""

import threading

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from fabshare.telemetry import mqtt_client
from fabshare.telemetry.mqtt_client import BufferedClient
from tests.telemetry.brokers import Publisher


class Receiver:
    """A BufferedClient subscribed with QoS 1 that records (topic, payload, path) in order and
    acknowledges each message."""

    def __init__(self, port: int, *, raw: bool, total: int):
        self.received: list[tuple[str, bytes, str]] = []
        self.total = total
        self.done = threading.Event()
        self.subscribed = threading.Event()
        self.client = BufferedClient(CallbackAPIVersion.VERSION2, client_id="buffered",
                                     protocol=mqtt.MQTTv5, manual_ack=True)
        self.client.on_connect = lambda c, *a: c.subscribe("t/#", qos=1)
        self.client.on_subscribe = lambda *a: self.subscribed.set()
        self.client.on_message = self._on_message
        if raw:
            self.client.on_raw_message = self._on_raw
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self.subscribed.wait(10)

    def _record(self, topic: str, payload: bytes, path: str, mid: int) -> None:
        self.received.append((topic, payload, path))
        self.client.ack(mid, 1)
        if len(self.received) >= self.total:
            self.done.set()

    def _on_raw(self, mid: int, topic: bytes, payload: bytes) -> None:
        assert type(topic) is bytes and type(payload) is bytes
        self._record(topic.decode(), payload, "raw", mid)

    def _on_message(self, client, userdata, message) -> None:
        self._record(message.topic, message.payload, "paho", message.mid)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.mark.parametrize("raw", [True, False], ids=["light path", "paho path"])
def test_many_small_messages_arrive_intact_and_in_order(mosquitto, raw):
    total = 20_000  # ~80 chunks' worth of small packets, cut anywhere
    receiver = Receiver(mosquitto.port, raw=raw, total=total)
    publisher = Publisher(mosquitto.port)
    sent = [(f"t/{i % 7}", f'{{"n": {i}, "pad": "{"x" * (i % 37)}"}}'.encode())
            for i in range(total)]
    try:
        for topic, payload in sent:
            publisher.publish(topic, payload)
        publisher.wait_all()
        assert receiver.done.wait(60), f"{len(receiver.received)} of {total}"
        assert receiver.client._buffering  # a plain TCP socket: read in chunks
    finally:
        publisher.close()
        receiver.close()
    assert [(t, p) for t, p, _path in receiver.received] == sent
    assert {path for *_rest, path in receiver.received} == {"raw" if raw else "paho"}


def test_large_packets_straddle_chunks_and_properties_take_paho_path(mosquitto, monkeypatch):
    """Payloads larger than a chunk, and small ones between them, so packet boundaries,
    remaining-length bytes and bodies fall across chunk ends; a PUBLISH with properties is
    decoded by paho and reaches on_message with them."""
    monkeypatch.setattr(mqtt_client, "CHUNK", 1000)  # cut often
    sizes = [10, 999, 1000, 1001, 5, 2500, 127, 128, 16_383, 16_384, 3, 300_000, 1]
    sent = [(f"t/{i}", bytes([65 + i % 26]) * size) for i, size in enumerate(sizes)]
    properties = Properties(PacketTypes.PUBLISH)
    properties.UserProperty = ("origin", "test")
    got_properties = []
    receiver = Receiver(mosquitto.port, raw=True, total=len(sent) + 1)
    on_message = receiver.client.on_message

    def with_properties(client, userdata, message):
        got_properties.append(message.properties.UserProperty)
        on_message(client, userdata, message)

    receiver.client.on_message = with_properties
    publisher = Publisher(mosquitto.port)
    try:
        for topic, payload in sent[:5]:
            publisher.publish(topic, payload)
        info = publisher.client.publish("t/props", b"with properties", qos=1,
                                        properties=properties)
        for topic, payload in sent[5:]:
            publisher.publish(topic, payload)
        info.wait_for_publish(10)
        publisher.wait_all()
        assert receiver.done.wait(60), f"{len(receiver.received)} of {len(sent) + 1}"
    finally:
        publisher.close()
        receiver.close()
    assert [(t, p) for t, p, path in receiver.received if path == "raw"] == sent
    assert [(t, p) for t, p, path in receiver.received if path == "paho"] == [
        ("t/props", b"with properties")]
    assert got_properties == [[("origin", "test")]]
