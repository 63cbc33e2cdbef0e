"""paho-mqtt's ``Client`` with a receive path for tens of thousands of messages a second.

paho 2.2 reads each packet with three or four ``recv`` calls (the command byte, each byte of
the remaining length, then the body) after a ``select`` of its own, and turns each PUBLISH
into an ``MQTTMessage`` (with a ``threading.Condition`` in its ``MQTTMessageInfo``) and an
MQTT 5 ``Properties`` object. Measured on the ingest benchmark's backlog (2-core VM): ~30 µs
of CPU a message, most of the ingest worker's receiving time, and a bare paho subscriber
tops out near 14 000 messages/s. ``BufferedClient`` changes two things and nothing else:

1. **Reads in chunks.** On a plain TCP (or Unix) socket it reads up to ``CHUNK`` bytes at a
   time into a buffer that ``_sock_recv`` serves paho's small reads from, and ``loop_read``
   goes on while whole packets are buffered: one ``select`` and one ``recv`` per chunk
   instead of four system calls a message. Each ``loop_read`` refills the buffer at most once,
   so paho's loop still writes (acknowledgements, pings) between chunks; a packet cut by the
   chunk's end stays in paho's own partial-packet state until the next chunk. TLS and
   WebSocket sockets keep paho's path unchanged (they buffer themselves and report
   ``pending()``, which paho's loop honours).
2. **An optional light PUBLISH path.** With ``on_raw_message`` set and manual
   acknowledgements on, a QoS 1 PUBLISH of MQTT 5 that carries no properties is decoded here
   (MQTT 5.0 §3.3: topic, packet identifier, empty property length, payload) and handed over
   as ``on_raw_message(mid, topic: bytes, payload: bytes)`` — no ``MQTTMessage``, no
   ``Properties``, no per-topic callback lookup. Everything else (QoS 0, properties present,
   other protocol versions) goes through paho's ``_handle_publish`` and ``on_message``.

The overrides use paho's private ``_sock_recv``, ``loop_read`` and ``_handle_publish`` of
paho-mqtt 2.x (pinned in pyproject.toml); tests/telemetry/test_mqtt_client.py covers them
against a real broker.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode

CHUNK = 256 * 1024  # bytes read at a time: ~2 500 state messages


class BufferedClient(mqtt.Client):
    on_raw_message: Callable[[int, bytes, bytes], None] | None = None

    _buffer = b""
    _position = 0
    _buffered_sock = None  # the socket the buffer belongs to (a reconnection drops it)
    _buffering = False
    _refills = 0

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        self._refills = 1
        rc = super().loop_read(max_packets)
        # Go on with what is buffered; paho's select would not see it.
        while rc == MQTTErrorCode.MQTT_ERR_SUCCESS and self._sock is not None \
                and self._sock is self._buffered_sock and self._position < len(self._buffer):
            rc = super().loop_read(max_packets)
        return rc

    def _sock_recv(self, bufsize: int) -> bytes:
        sock = self._sock
        if sock is not self._buffered_sock:
            self._buffered_sock, self._buffer, self._position = sock, b"", 0
            self._buffering = type(sock) is socket.socket  # not TLS, not WebSocket
        if not self._buffering:
            return super()._sock_recv(bufsize)
        buffer, position = self._buffer, self._position
        if position >= len(buffer):
            if not self._refills:  # one chunk per loop_read: let paho's loop write
                raise BlockingIOError
            self._refills -= 1
            buffer = super()._sock_recv(CHUNK)
            if not buffer:  # the connection closed
                return buffer
            self._buffer, position = buffer, 0
        self._position = position + bufsize
        return buffer[position:position + bufsize]

    def _handle_publish(self) -> MQTTErrorCode:
        header, packet = self._in_packet["command"], self._in_packet["packet"]
        on_raw = self.on_raw_message
        # QoS 1 (bits 1-2 of the header = 01), manual acks, MQTT 5: topic length (2 bytes),
        # topic, packet identifier (2), property length (a variable byte integer: 0 is one
        # zero byte), payload.
        if on_raw is None or header & 0x06 != 0x02 or not self._manual_ack \
                or self._protocol != mqtt.MQTTv5:
            return super()._handle_publish()
        end = 2 + (packet[0] << 8 | packet[1])
        if len(packet) < end + 3 or packet[end + 2] != 0:  # properties: paho decodes them
            return super()._handle_publish()
        data = bytes(packet)  # paho collects a bytearray
        with self._in_callback_mutex:
            on_raw(data[end] << 8 | data[end + 1], data[2:end], data[end + 3:])
        return MQTTErrorCode.MQTT_ERR_SUCCESS
