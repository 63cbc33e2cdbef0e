"""``fabshare ingest opcua``: subscriptions to the OPC UA servers of the OPC UA links.

One asyncua client per link subscribes to the link's nodes: the Machinery item state (OPC
40001-1 ``MachineryItemState``: NotAvailable, OutOfService, NotExecuting, Executing), the
operation mode (``MachineryOperationMode``: None, Maintenance, Setup, Processing) and optional
good/scrap part counters (cumulative on the machine; sent as increments). Values may be
LocalizedText, strings or the enumeration numbers.

When the connection breaks, the worker records the link as *unknown* from that moment and
reconnects with exponential backoff (1 s doubling up to ``max_backoff``). The first values
after a reconnection are dated no earlier than the reconnection, so the gap stays unknown
instead of being filled with the state from before. Messages go through ingest.store in
batches, in one database thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asyncua import Client, ua

from fabshare.telemetry import states as S

log = logging.getLogger("fabshare.telemetry.opcua")


@dataclass
class OpcuaOptions:
    link_keys: list[str] = field(default_factory=list)
    batch_wait: float = 0.5
    max_backoff: float = 30.0
    check_every: float = 1.0  # seconds between connection checks
    timeout: float = 4.0


@dataclass
class LinkTarget:
    key: str
    endpoint: str
    state_node: str
    mode_node: str = ""
    good_node: str = ""
    scrap_node: str = ""


def _plain(value) -> int | str | None:
    if isinstance(value, ua.LocalizedText):
        return value.Text
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | str):
        return value
    if hasattr(value, "value"):  # enumerations read as IntEnum
        return int(value.value)
    return None if value is None else str(value)


def raw_state(item, mode) -> str | None:
    """The raw value to send: the operation mode when it says Setup or Maintenance, else the
    item state (mapped by the link like any other raw value)."""
    item = S.OPCUA_ITEM_STATES.get(item, item) if isinstance(item, int) else item
    mode = S.OPCUA_OPERATION_MODES.get(mode, mode) if isinstance(mode, int) else mode
    if mode is not None and S.map_state(str(mode)) in (S.SETUP, S.MAINTENANCE):
        return str(mode)
    return None if item is None else str(item)


class LinkWatcher:
    """Keeps one link's subscription alive and turns data changes into messages."""

    def __init__(self, target: LinkTarget, emit, options: OpcuaOptions):
        self.target, self.emit, self.options = target, emit, options
        self.values: dict[str, object] = {}
        self.counters: dict[str, int] = {}
        self.connected_at: datetime | None = None
        self.last_sent: str | None = None
        self.last_raw: str | None = None
        self.roles: dict[str, str] = {}
        self.connections = 0

    def _send(self, state: str, ts: datetime, **counts) -> None:
        body = {"link": self.target.key, "state": state, "ts": ts.isoformat(), **counts}
        self.emit(json.dumps(body).encode())
        self.last_sent = state

    def datachange_notification(self, node, value, data) -> None:
        role = self.roles.get(node.nodeid.to_string())
        if role is None:
            return
        value = _plain(value)
        source = data.monitored_item.Value.SourceTimestamp or datetime.now(UTC)
        if source.tzinfo is None:
            source = source.replace(tzinfo=UTC)
        ts = max(source, self.connected_at or source)
        if role in ("good", "scrap"):
            if not isinstance(value, int):
                return
            previous = self.counters.get(role)
            self.counters[role] = value
            if previous is None or value < previous:  # a baseline, or a counter reset
                return
            if value > previous and self.last_raw and self.last_sent != S.UNKNOWN:
                self._send(self.last_raw, ts, **{role: value - previous})
            return
        self.values[role] = value
        raw = raw_state(self.values.get("item"), self.values.get("mode"))
        if raw is not None:
            self.last_raw = raw
            self._send(raw, ts)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                await self._session(stop)
                backoff = 1.0
            except (OSError, TimeoutError, ua.UaError, ConnectionError, RuntimeError) as exc:
                log.warning("%s: %s", self.target.endpoint, exc or type(exc).__name__)
            if self.last_sent != S.UNKNOWN and not stop.is_set():
                self._send(S.UNKNOWN, datetime.now(UTC))  # from now on nobody knows
            self.connected_at = None
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, self.options.max_backoff)

    async def _session(self, stop: asyncio.Event) -> None:
        t = self.target
        client = Client(t.endpoint, timeout=self.options.timeout)
        await client.connect()
        try:
            self.connected_at = datetime.now(UTC)
            self.connections += 1
            self.values.clear()
            self.counters.clear()
            log.info("connected to %s", t.endpoint)
            self.roles = {}
            nodes = []
            for role, node_id in (("item", t.state_node), ("mode", t.mode_node),
                                  ("good", t.good_node), ("scrap", t.scrap_node)):
                if node_id:
                    node = client.get_node(node_id)
                    self.roles[node.nodeid.to_string()] = role
                    nodes.append(node)
            subscription = await client.create_subscription(200, self)
            await subscription.subscribe_data_change(nodes)
            status = client.get_node(ua.ObjectIds.Server_ServerStatus_State)
            while not stop.is_set():
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.options.check_every)
                await client.check_connection()
                await asyncio.wait_for(status.read_value(), self.options.timeout)
        finally:
            try:
                await asyncio.wait_for(client.disconnect(), 2)
            except Exception:  # noqa: BLE001 - the connection is gone already
                client.disconnect_socket()


def targets(link_keys: list[str]) -> list[LinkTarget]:
    from fabshare.telemetry.models import MachineLink

    links = MachineLink.objects.filter(protocol=MachineLink.Protocol.OPCUA, is_active=True)
    if link_keys:
        links = links.filter(key__in=link_keys)
    return [LinkTarget(link.key, link.opcua_endpoint, link.opcua_state_node,
                       link.opcua_mode_node, link.opcua_good_node, link.opcua_scrap_node)
            for link in links]


async def serve(options: OpcuaOptions, stop: asyncio.Event,
                link_targets: list[LinkTarget] | None = None) -> None:
    """Watch every target; store what they emit in batches, in one database thread."""
    from django.db import connections

    from fabshare.telemetry.ingest import Incoming, LinkCache, store

    inbox: list[bytes] = []
    database = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()
    links = LinkCache()
    if link_targets is None:
        link_targets = await loop.run_in_executor(database, targets, options.link_keys)
    watchers = [LinkWatcher(t, inbox.append, options) for t in link_targets]
    tasks = [asyncio.create_task(w.run(stop)) for w in watchers]

    def flush(batch: list[bytes]) -> None:
        store([Incoming(payload=p, source="opcua") for p in batch], links=links)

    try:
        while not stop.is_set() or inbox:
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), options.batch_wait)
            if inbox:
                batch, inbox[:] = inbox[:], []
                try:
                    await loop.run_in_executor(database, flush, batch)
                except Exception:
                    log.exception("storing %d OPC UA messages failed; retrying", len(batch))
                    inbox[:0] = batch
                    await asyncio.sleep(1)
            if stop.is_set():
                break
    finally:
        await asyncio.gather(*tasks, return_exceptions=True)
        if inbox:
            await loop.run_in_executor(database, flush, list(inbox))
        await loop.run_in_executor(database, connections.close_all)
        database.shutdown()


def run(options: OpcuaOptions, stop: threading.Event | None = None) -> None:
    import signal

    async def main():
        event = asyncio.Event()
        loop = asyncio.get_running_loop()
        if stop is None:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, event.set)
        else:
            async def relay():
                while not stop.is_set():
                    await asyncio.sleep(0.1)
                event.set()
            asyncio.create_task(relay())  # noqa: RUF006
        await serve(options, event)

    asyncio.run(main())
