"""Storing state messages in batches, shared by every ingest path (MQTT, OPC UA, HTTP).

A batch is parsed and validated in Python, then written in one transaction:

1. accepted messages go in with ``INSERT … ON CONFLICT (link, key) DO NOTHING`` — on PostgreSQL
   through ``COPY`` into a temporary table and one ``INSERT … SELECT`` — so a repeat (a
   redelivered MQTT message, a retried POST) changes nothing;
2. for every link that received new messages, the state intervals are rebuilt from the earliest
   new timestamp (so reordered messages land where they belong); a batch that arrives in order
   after the link's last stored message reads nothing back and extends the open interval;
3. rejected messages are kept with their reason, and the links' counters and last payload are
   updated.

The caller acknowledges the messages only after ``store`` returns: together with the
idempotent insert this stores every message exactly once across crashes and redeliveries.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from fabshare.telemetry import payloads
from fabshare.telemetry import states as S
from fabshare.telemetry.models import (
    IdleProposal,
    MachineLink,
    RejectedMessage,
    StateInterval,
    StateMessage,
)
from fabshare.telemetry.payloads import Rejection
from fabshare.telemetry.timeline import StatePoint, build_spans

PAYLOAD_KEEP = 2000  # characters of a rejected or last payload kept for the provider


class Incoming(NamedTuple):  # a tuple: one per message on the ingest hot path
    """One raw message as a transport received it."""

    payload: bytes
    source: str  # mqtt, opcua, http
    default_link: str = ""  # the key taken from the MQTT topic, or the HTTP token's link
    decoded: object = None  # already-decoded JSON (HTTP batches), used instead of payload


@dataclass(frozen=True)
class LinkInfo:
    id: int
    mapping: dict
    is_active: bool


@dataclass
class BatchResult:
    accepted: int = 0  # new messages stored
    repeated: int = 0  # already stored: ignored
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (index, reason, detail)
    withdrawn: list[int] = field(default_factory=list)  # proposals withdrawn (machine busy)


class LinkCache:
    """Links by key, reloaded every ``ttl`` seconds and (at most every 2 s) on a miss."""

    def __init__(self, ttl: float = 30.0):
        self.ttl = ttl
        self._links: dict[str, LinkInfo] = {}
        self._loaded_at = -1e9

    def _load(self) -> None:
        self._links = {
            key: LinkInfo(pk, mapping or {}, active)
            for pk, key, mapping, active in MachineLink.objects.values_list(
                "pk", "key", "mapping", "is_active")
        }
        self._loaded_at = time.monotonic()

    def get(self, key: str) -> LinkInfo | None:
        age = time.monotonic() - self._loaded_at
        if age > self.ttl or (key not in self._links and age > 2.0):
            self._load()
        return self._links.get(key)


def _text(payload: bytes) -> str:
    """The kept part of a payload as text (PostgreSQL text cannot hold NUL: replaced)."""
    return payload[:PAYLOAD_KEEP].decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def store(items: list[Incoming], *, links: LinkCache | None = None,
          now: datetime | None = None) -> BatchResult:
    """Validate and store a batch; see the module docstring. Never raises for bad messages."""
    links = links or LinkCache()
    now = now or timezone.now()
    result = BatchResult()
    rows: list[tuple] = []
    row_items: list[int] = []  # the index in ``items`` of each row
    rejected_rows: list[RejectedMessage] = []
    last_item: dict[int, int] = {}  # link id → index of its last message (kept as payload)
    rejected_per_link: dict[int, int] = defaultdict(int)
    # Per batch: the links and the mapped states met so far (the loop runs per message).
    infos: dict[str, LinkInfo | None] = {}
    mapped: dict[tuple[int, str], str | None] = {}
    parse, parse_object = payloads.parse, payloads.parse_object
    for index, item in enumerate(items):
        info = None
        try:
            if item.decoded is not None:
                message = parse_object(item.decoded, now=now, default_link=item.default_link)
            else:
                message = parse(item.payload, now=now, default_link=item.default_link)
            link = message.link
            info = infos[link] if link in infos else infos.setdefault(link, links.get(link))
            if info is None:
                raise Rejection(payloads.UNKNOWN_LINK, f"link: no link has the key "
                                f"{link[:40]!r}")
            if not info.is_active:
                raise Rejection(payloads.INACTIVE, "link: the link is switched off")
            raw_state = message.raw_state
            state = mapped.get((info.id, raw_state), "")
            if state == "":
                state = mapped[info.id, raw_state] = S.map_state(raw_state, info.mapping)
            if state is None:
                raise Rejection(payloads.UNKNOWN_STATE,
                                f"state: {raw_state!r} is not mapped to a state")
            rows.append((info.id, message.key, message.ts, state, raw_state, message.good,
                         message.scrap, now))
            row_items.append(index)
            last_item[info.id] = index
        except Rejection as rejection:
            if info is None and rejection.link:
                info = links.get(rejection.link)
            if info is None and item.default_link:
                info = links.get(item.default_link)
            link_id = info.id if info else None
            if link_id:
                rejected_per_link[link_id] += 1
                last_item[link_id] = index
            result.rejected.append((index, rejection.reason, rejection.detail))
            rejected_rows.append(RejectedMessage(
                link_id=link_id, source=item.source, reason=rejection.reason,
                detail=rejection.detail[:300], payload=_text(item.payload), received_at=now))
    with transaction.atomic():
        # The links stay while the batch is written: their rows are locked (in id order, so
        # two workers never wait on each other crosswise) before anything refers to them, and
        # a link deleted since the cache was read loses its messages to the rejected ones.
        # This stands in for a foreign-key check on every message and interval (measured:
        # ~10 µs a message at commit); deleting a link waits for the lock (apps.py).
        wanted = {row[0] for row in rows} | set(last_item)
        live = set(MachineLink.objects.filter(pk__in=wanted).order_by("pk")
                   .select_for_update(no_key=True).values_list("pk", flat=True))
        if live != wanted:
            rows, row_items = _drop_deleted(rows, row_items, live, items, result,
                                            rejected_rows, now)
            last_item = {k: v for k, v in last_item.items() if k in live}
            rejected_per_link = {k: v for k, v in rejected_per_link.items() if k in live}
        last_payload = {link_id: _text(items[index].payload)
                        for link_id, index in last_item.items()}
        if connection.vendor == "postgresql":
            new_per_link, result.withdrawn = _store_postgresql(
                rows, last_payload, rejected_per_link, now=now)
        else:
            new_per_link = _insert_messages(rows)
            for link_id, (first_ts, _count) in new_per_link.items():
                result.withdrawn += rebuild_intervals(link_id, first_ts, now=now)
            _update_links(last_payload, new_per_link, rejected_per_link, now)
        result.accepted = sum(n for _, n in new_per_link.values())
        result.repeated = len(rows) - result.accepted
        if rejected_rows:
            RejectedMessage.objects.bulk_create(rejected_rows)
    if result.withdrawn:
        from fabshare.telemetry.services import proposals_withdraw

        proposals_withdraw(proposal_ids=result.withdrawn)
    return result


def _drop_deleted(rows, row_items, live, items, result, rejected_rows, now):
    """The rows of links that still exist; the others become rejected messages."""
    kept, kept_items = [], []
    for row, index in zip(rows, row_items, strict=True):
        if row[0] in live:
            kept.append(row)
            kept_items.append(index)
            continue
        detail = "link: the link was deleted"
        result.rejected.append((index, payloads.UNKNOWN_LINK, detail))
        rejected_rows.append(RejectedMessage(
            source=items[index].source, reason=payloads.UNKNOWN_LINK, detail=detail,
            payload=_text(items[index].payload), received_at=now))
    return kept, kept_items


_COLUMNS = "link_id, key, ts, state, raw_state, good, scrap, received_at"


def _insert_messages(rows: list[tuple]) -> dict[int, tuple[datetime, int]]:
    """Insert row by row (SQLite), skipping repeats; return {link_id: (earliest new ts,
    number new)}."""
    table = StateMessage._meta.db_table
    new: dict[int, tuple[datetime, int]] = {}
    sql = (f"INSERT INTO {table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
           f"ON CONFLICT (link_id, key) DO NOTHING")
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(sql, row)
            if cursor.rowcount == 1:
                first, count = new.get(row[0], (row[2], 0))
                new[row[0]] = (min(first, row[2]), count + 1)
    return new


def rebuild_intervals(link_id: int, since: datetime, *, now: datetime) -> list[int]:
    """Rebuild the link's intervals from ``since`` on (see timeline.py); return the published
    proposals that a busy interval now overlaps (to be withdrawn)."""
    containing = (StateInterval.objects.filter(link_id=link_id, start__lte=since)
                  .order_by("-start").first())
    points: list[StatePoint] = []
    base = since
    if containing is not None:
        base = containing.start
        previous = (StateInterval.objects.filter(link_id=link_id, start__lt=containing.start)
                    .order_by("-start").first())
        if previous is not None:
            base = previous.start
            points.append(StatePoint(previous.start, previous.state))
        if containing.start < since:
            points.append(StatePoint(containing.start, containing.state))
    points += [StatePoint(ts, state) for ts, state in StateMessage.objects.filter(
        link_id=link_id, ts__gte=since).values_list("ts", "state")]
    StateInterval.objects.filter(link_id=link_id, start__gte=base).delete()
    spans = build_spans(points)
    StateInterval.objects.bulk_create(
        StateInterval(link_id=link_id, start=s.start, end=s.end, state=s.state) for s in spans)
    busy = [s for s in spans if s.state in S.BUSY_STATES]
    if not busy:
        return []
    hit = []
    for proposal in IdleProposal.objects.filter(
            link_id=link_id, status=IdleProposal.Status.PUBLISHED, end__gt=busy[0].start,
            start__lte=now):
        if any(s.start < proposal.end and (s.end or now) > proposal.start for s in busy):
            hit.append(proposal.pk)
    return hit


_NULL = "\\N"
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_INCOMING = "link_id, key, ts, state, raw_state, good, scrap"  # received_at: one parameter


def _copy_messages(rows) -> str:
    """Message rows in COPY's text format (psycopg's ``write_row`` costs several times more
    per row). Keys and raw states are the machine's text: escaped; the rest are ours."""
    return "".join([
        f"{link_id}\t{key.translate(_ESCAPE)}\t{ts.isoformat()}\t{state}\t"
        f"{raw.translate(_ESCAPE)}\t{_NULL if good is None else good}\t"
        f"{_NULL if scrap is None else scrap}\n"
        for link_id, key, ts, state, raw, good, scrap, _now in rows])


class _Point(NamedTuple):  # what build_spans reads (.ts, .state), as a cheap tuple
    ts: datetime
    state: str


def _store_postgresql(rows: list[tuple], last_payload: dict[int, str],
                      rejected_per_link: dict[int, int], *, now: datetime
                      ) -> tuple[dict[int, tuple[datetime, int]], list[int]]:
    """The batch on PostgreSQL in four round trips whatever its size; return {link_id:
    (earliest new ts, number new)} and the published proposals to withdraw.

    1. ``COPY`` of the accepted messages into a temporary table (created once per
       connection);
    2. one statement inserts them (``ON CONFLICT DO NOTHING``) and returns the new rows, the
       interval holding each link's earliest new message and the one before it, and the
       messages stored *before* this batch from that moment on. The reads in it see the
       table as it was before the insert, so a batch that arrives in order after its link's
       last stored message reads back nothing: the open interval is simply extended;
    3. one statement deletes the intervals that are rebuilt, adds to the links' counters and
       keeps their last payload, and returns the published proposals of links that turned
       busy;
    4. ``COPY`` of the rebuilt intervals.
    """
    new: dict[int, tuple[datetime, int]] = {}
    if not rows and not last_payload:
        return new, []
    table, intervals = StateMessage._meta.db_table, StateInterval._meta.db_table
    points: dict[int, list[_Point]] = defaultdict(list)
    before: dict[int, list[tuple[datetime, str]]] = defaultdict(list)  # containing, previous
    # One row per (link, key): a message twice in one batch (a redelivery next to the original)
    # is inserted once, and each returned key names exactly one row.
    unique = {(row[0], row[1]): row for row in reversed(rows)}
    with connection.cursor() as cursor:
        if unique:
            raw = connection.connection
            if getattr(connection, "_telemetry_incoming", None) is not raw:
                cursor.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS telemetry_incoming (link_id bigint, "
                    "key varchar(66), ts timestamptz, state varchar(12), "
                    "raw_state varchar(64), good integer, scrap integer) "
                    "ON COMMIT DELETE ROWS")
                # Only a committed CREATE lasts; until then it is issued again.
                transaction.on_commit(lambda: setattr(connection, "_telemetry_incoming", raw))
            with cursor.cursor.copy(
                    f"COPY telemetry_incoming ({_INCOMING}) FROM STDIN") as copy:
                copy.write(_copy_messages(unique.values()))
            # The new rows come back as keys (the batch has their times): no timestamps to
            # decode for them.
            cursor.execute(
                f"WITH ins AS (INSERT INTO {table} ({_COLUMNS}) "  # noqa: S608
                f"SELECT {_INCOMING}, %s FROM telemetry_incoming "
                f"ON CONFLICT (link_id, key) DO NOTHING "
                f"RETURNING link_id, key, ts), "
                f"firsts AS (SELECT link_id, min(ts) AS since FROM ins GROUP BY link_id) "
                f"SELECT 0, link_id, key, NULL::timestamptz, NULL FROM ins "
                f"UNION ALL SELECT 1, f.link_id, NULL, i.start, i.state FROM firsts f "
                f"CROSS JOIN LATERAL (SELECT start, state FROM {intervals} "
                f"WHERE link_id = f.link_id AND start <= f.since ORDER BY start DESC LIMIT 2) i "
                f"UNION ALL SELECT 2, f.link_id, NULL, m.ts, m.state FROM firsts f "
                f"CROSS JOIN LATERAL (SELECT ts, state FROM {table} WHERE link_id = f.link_id "
                f"AND ts >= f.since OFFSET 0) m", [now])
            for kind, link_id, key, ts, state in cursor.fetchall():
                if kind == 0:
                    row = unique[link_id, key]
                    ts, state = row[2], row[3]
                    first, count = new.get(link_id, (ts, 0))
                    new[link_id] = (ts if ts < first else first, count + 1)
                elif kind == 1:
                    before[link_id].append((ts, state))
                    continue
                points[link_id].append(_Point(ts, state))
        base: dict[int, datetime] = {}
        for link_id, (since, _count) in new.items():
            base[link_id] = since
            held = sorted(before.get(link_id, ()), reverse=True)  # containing, previous
            if not held:
                continue
            c_start, c_state = held[0]
            base[link_id] = c_start
            if c_start < since:
                points[link_id].append(_Point(c_start, c_state))
            elif len(held) > 1:  # the new message replaces the containing interval's start
                base[link_id] = held[1][0]
                points[link_id].append(_Point(*held[1]))
        spans = {link_id: build_spans(points[link_id]) for link_id in new}
        busy = [link_id for link_id, rows_ in spans.items()
                if any(s.state in S.BUSY_STATES for s in rows_)]
        counters = [(link_id, new.get(link_id, (None, 0))[1], rejected_per_link.get(link_id, 0),
                     payload) for link_id, payload in last_payload.items()]
        links, proposals = MachineLink._meta.db_table, IdleProposal._meta.db_table
        cursor.execute(
            f"WITH d AS (DELETE FROM {intervals} WHERE id IN (SELECT i.id "  # noqa: S608
            f"FROM unnest(%s::bigint[], %s::timestamptz[]) AS b(link_id, base) "
            f"CROSS JOIN LATERAL (SELECT id FROM {intervals} WHERE link_id = b.link_id "
            f"AND start >= b.base OFFSET 0) i)), "
            f"u AS (UPDATE {links} SET accepted_count = accepted_count + u.accepted, "
            f"rejected_count = rejected_count + u.rejected, last_message_at = %s, "
            f"last_payload = u.payload FROM unnest(%s::bigint[], %s::bigint[], "
            f"%s::bigint[], %s::text[]) AS u(id, accepted, rejected, payload) "
            f"WHERE {links}.id = u.id) "
            f"SELECT id, link_id, start, \"end\" FROM {proposals} WHERE link_id = ANY(%s) "
            f"AND status = %s AND start <= %s",
            [list(base), list(base.values()), now,
             *([list(column) for column in zip(*counters, strict=True)] or [[]] * 4),
             busy, IdleProposal.Status.PUBLISHED, now])
        published = cursor.fetchall()
        if spans:
            with cursor.cursor.copy(
                    f"COPY {intervals} (link_id, start, \"end\", state) FROM STDIN") as copy:
                copy.write("".join([
                    f"{link_id}\t{s.start.isoformat()}\t"
                    f"{_NULL if s.end is None else s.end.isoformat()}\t{s.state}\n"
                    for link_id, rows_ in spans.items() for s in rows_]))
    hit = []
    for pk, link_id, start, end in published:
        if any(s.start < end and (s.end or now) > start and s.state in S.BUSY_STATES
               for s in spans[link_id]):
            hit.append(pk)
    return new, hit


def _update_links(last_payload: dict[int, str], new_per_link: dict, rejected_per_link: dict,
                  now: datetime) -> None:
    """Add to each link's counters and keep its last payload (SQLite; PostgreSQL does it in
    ``_store_postgresql``)."""
    if not last_payload:
        return
    table = MachineLink._meta.db_table
    rows = [(link_id, new_per_link.get(link_id, (None, 0))[1],
             rejected_per_link.get(link_id, 0), payload)
            for link_id, payload in last_payload.items()]
    with connection.cursor() as cursor:
        for link_id, accepted, rejected, payload in rows:
            cursor.execute(
                f"UPDATE {table} SET accepted_count = accepted_count + %s, "  # noqa: S608
                f"rejected_count = rejected_count + %s, last_message_at = %s, "
                f"last_payload = %s WHERE id = %s",
                [accepted, rejected, now, payload, link_id])
