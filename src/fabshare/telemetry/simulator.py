"""Machines that behave like machines: state sequences for the demo's history and for
``fabshare simulate-machines``, which makes the demo's connected machines live.

A *profile* says when a machine is staffed (local time); while staffed it cycles through setup,
running and short idle spells, with the occasional breakdown; outside it is switched off or
idle. The sequences are deterministic for a given seed.

``simulate-machines`` publishes the MQTT links' states to the broker (QoS 1, the documented
JSON payload) and serves the OPC UA links' states from an OPC UA server with Machinery nodes
(:mod:`fabshare.telemetry.opcua_server`), ``speed`` simulated seconds per real second. The
ingest workers (``fabshare ingest mqtt`` / ``opcua``) store what it sends.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

log = logging.getLogger("fabshare.telemetry.simulator")

# profile → (weekdays staffed, first hour, last hour, state outside)
PROFILES = {
    "two-shift": (range(5), 6, 22, "NotAvailable"),
    "one-shift": (range(5), 7, 16, "NotAvailable"),
    "round-the-clock": (range(5), 0, 24, "NotExecuting"),
}


@dataclass(frozen=True)
class Event:
    ts: datetime
    raw: str  # an OPC UA Machinery value, as a real machine would send
    good: int = 0
    scrap: int = 0


def _staffed(profile: str, moment: datetime, zone: ZoneInfo) -> bool:
    days, first, last, _outside = PROFILES[profile]
    local = moment.astimezone(zone)
    return local.weekday() in days and first <= local.hour < last


def events(profile: str, start: datetime, end: datetime, zone: str = "Europe/Brussels",
           seed: int = 1) -> Iterator[Event]:
    """A machine's state changes in [start, end)."""
    rng = random.Random(seed)
    tz = ZoneInfo(zone)
    outside = PROFILES[profile][3]
    moment = start
    while moment < end:
        if not _staffed(profile, moment, tz):
            yield Event(moment, outside)
            while moment < end and not _staffed(profile, moment, tz):
                moment += timedelta(minutes=15)
            continue
        roll = rng.random()
        if roll < 0.03:
            raw, minutes = "OutOfService", rng.randint(20, 90)
        elif roll < 0.2:
            raw, minutes = "Setup", rng.randint(10, 40)
        elif roll < 0.35:
            raw, minutes = "NotExecuting", rng.randint(5, 45)
        else:
            raw, minutes = "Executing", rng.randint(20, 120)
        parts = minutes // 2 if raw == "Executing" else 0
        scrap = sum(rng.random() < 0.03 for _ in range(parts))
        yield Event(moment, raw, parts - scrap, scrap)
        moment += timedelta(minutes=minutes)


@dataclass
class SimulatorOptions:
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    opcua_port: int = 4840
    speed: float = 60.0
    seed: int = 1
    duration: float = 0.0  # seconds; 0 = until interrupted


def _live_events(profile: str, seed: int, speed: float) -> Iterator[tuple[float, Event]]:
    """(real seconds to wait, event) forever: the profile's sequence from now, compressed."""
    start = datetime.now(UTC)
    previous = start
    for event in events(profile, start, start + timedelta(days=3650), seed=seed):
        yield (event.ts - previous).total_seconds() / speed, event
        previous = event.ts


def run(options: SimulatorOptions, stop: threading.Event | None = None) -> None:
    import signal

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from fabshare.telemetry.models import MachineLink
    from fabshare.telemetry.opcua_server import MachineServer

    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    if options.duration:
        threading.Timer(options.duration, stop.set).start()
    links = list(MachineLink.objects.filter(is_active=True, protocol__in=["mqtt", "opcua"]))
    mqtt_links = [link for link in links if link.protocol == "mqtt"]
    opcua_links = [link for link in links if link.protocol == "opcua"]
    profiles = list(PROFILES)

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="fabshare-simulator",
                         protocol=mqtt.MQTTv5)
    client.connect_async(options.mqtt_host, options.mqtt_port)
    client.loop_start()

    def mqtt_machine(index: int, link: MachineLink) -> None:
        sequence = _live_events(profiles[index % len(profiles)], options.seed + index,
                                options.speed)
        for wait, event in sequence:
            if stop.wait(max(wait, 0)):
                return
            body = {"link": link.key, "state": event.raw,
                    "ts": datetime.now(UTC).isoformat(), "good": event.good,
                    "scrap": event.scrap}
            client.publish(link.mqtt_topic, json.dumps(body), qos=1)

    threads = [threading.Thread(target=mqtt_machine, args=(i, link), daemon=True)
               for i, link in enumerate(mqtt_links)]
    for thread in threads:
        thread.start()

    async def opcua() -> None:
        server = MachineServer(options.opcua_port, host="0.0.0.0")  # noqa: S104 - a demo server
        names = [link.key for link in opcua_links]
        await server.start(names)
        log.info("OPC UA server on %s with %d machines", server.endpoint, len(names))

        async def machine(index: int, name: str) -> None:
            counts = {"Good": 0, "Scrap": 0}
            for wait, event in _live_events(profiles[index % len(profiles)],
                                            options.seed + 100 + index, options.speed):
                deadline = time.monotonic() + max(wait, 0)
                while time.monotonic() < deadline:
                    if stop.is_set():
                        return
                    await asyncio.sleep(min(0.2, deadline - time.monotonic()))
                mode = "Setup" if event.raw == "Setup" else "Processing"
                item = "Executing" if event.raw == "Setup" else event.raw
                await server.set(name, "OperationMode", mode)
                await server.set(name, "ItemState", item)
                counts["Good"] += event.good
                counts["Scrap"] += event.scrap
                await server.set(name, "Good", counts["Good"])
                await server.set(name, "Scrap", counts["Scrap"])

        try:
            await asyncio.gather(*(machine(i, n) for i, n in enumerate(names)))
        finally:
            await server.stop()

    log.info("simulating %d MQTT and %d OPC UA machines at %gx", len(mqtt_links),
             len(opcua_links), options.speed)
    if opcua_links:
        asyncio.run(opcua())
    stop.wait()
    client.disconnect()
    client.loop_stop()
