"""Storing state messages in batches, shared by every ingest path (MQTT, OPC UA, HTTP).

A batch is parsed and validated in Python, then written in one transaction:

1. accepted messages go in with ``INSERT … ON CONFLICT (link, key) DO NOTHING`` — on PostgreSQL
   through ``COPY`` into a temporary table and one ``INSERT … SELECT`` — so a repeat (a
   redelivered MQTT message, a retried POST) changes nothing;
2. for every link that received new messages, the state intervals are rebuilt from the earliest
   new timestamp (so reordered messages land where they belong);
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
from fabshare.telemetry.payloads import Message, Rejection
from fabshare.telemetry.timeline import StatePoint, build_spans

PAYLOAD_KEEP = 2000  # characters of a rejected or last payload kept for the provider


@dataclass(frozen=True)
class Incoming:
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
    return payload[:PAYLOAD_KEEP].decode("utf-8", errors="replace")


def store(items: list[Incoming], *, links: LinkCache | None = None,
          now: datetime | None = None) -> BatchResult:
    """Validate and store a batch; see the module docstring. Never raises for bad messages."""
    links = links or LinkCache()
    now = now or timezone.now()
    result = BatchResult()
    accepted: list[tuple[Message, LinkInfo, str]] = []
    rejected_rows: list[RejectedMessage] = []
    last_payload: dict[int, str] = {}
    rejected_per_link: dict[int, int] = defaultdict(int)
    for index, item in enumerate(items):
        info = None
        try:
            if item.decoded is not None:
                message = payloads.parse_object(item.decoded, now=now,
                                                default_link=item.default_link)
            else:
                message = payloads.parse(item.payload, now=now, default_link=item.default_link)
            info = links.get(message.link)
            if info is None:
                raise Rejection(payloads.UNKNOWN_LINK, f"link: no link has the key "
                                f"{message.link[:40]!r}")
            if not info.is_active:
                raise Rejection(payloads.INACTIVE, "link: the link is switched off")
            state = S.map_state(message.raw_state, info.mapping)
            if state is None:
                raise Rejection(payloads.UNKNOWN_STATE,
                                f"state: {message.raw_state!r} is not mapped to a state")
            accepted.append((message, info, state))
            last_payload[info.id] = _text(item.payload)
        except Rejection as rejection:
            if info is None and rejection.link:
                info = links.get(rejection.link)
            if info is None and item.default_link:
                info = links.get(item.default_link)
            link_id = info.id if info else None
            if link_id:
                rejected_per_link[link_id] += 1
                last_payload[link_id] = _text(item.payload)
            result.rejected.append((index, rejection.reason, rejection.detail))
            rejected_rows.append(RejectedMessage(
                link_id=link_id, source=item.source, reason=rejection.reason,
                detail=rejection.detail[:300], payload=_text(item.payload), received_at=now))
    rows = [(info.id, m.key, m.ts, state, m.raw_state, m.good, m.scrap, now)
            for m, info, state in accepted]
    with transaction.atomic():
        new_per_link = _insert_messages(rows)
        result.accepted = sum(n for _, n in new_per_link.values())
        result.repeated = len(rows) - result.accepted
        if connection.vendor == "postgresql" and new_per_link:
            result.withdrawn += _rebuild_many(
                {link_id: first for link_id, (first, _n) in new_per_link.items()}, now=now)
        else:
            for link_id, (first_ts, _count) in new_per_link.items():
                result.withdrawn += rebuild_intervals(link_id, first_ts, now=now)
        if rejected_rows:
            RejectedMessage.objects.bulk_create(rejected_rows)
        _update_links(last_payload, new_per_link, rejected_per_link, now)
    if result.withdrawn:
        from fabshare.telemetry.services import proposals_withdraw

        proposals_withdraw(proposal_ids=result.withdrawn)
    return result


_COLUMNS = "link_id, key, ts, state, raw_state, good, scrap, received_at"


def _insert_messages(rows: list[tuple]) -> dict[int, tuple[datetime, int]]:
    """Insert, skipping repeats; return {link_id: (earliest new ts, number new)}."""
    if not rows:
        return {}
    table = StateMessage._meta.db_table
    new: dict[int, tuple[datetime, int]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS telemetry_incoming (link_id bigint, "
                "key varchar(66), ts timestamptz, state varchar(12), raw_state varchar(64), "
                "good integer, scrap integer, received_at timestamptz) ON COMMIT DELETE ROWS")
            with cursor.cursor.copy(f"COPY telemetry_incoming ({_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"WITH ins AS (INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} "  # noqa: S608
                f"FROM telemetry_incoming ON CONFLICT (link_id, key) DO NOTHING "
                f"RETURNING link_id, ts) SELECT link_id, min(ts), count(*) FROM ins "
                f"GROUP BY link_id")
            for link_id, first, count in cursor.fetchall():
                new[link_id] = (first, count)
        else:
            sql = (f"INSERT INTO {table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
                   f"ON CONFLICT (link_id, key) DO NOTHING")
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


def _rebuild_many(since: dict[int, datetime], *, now: datetime) -> list[int]:
    """``rebuild_intervals`` for many links in five statements (PostgreSQL): the intervals
    before each link's earliest new message, the messages since, a delete, a COPY of the new
    spans and one look at the published proposals."""
    intervals = StateInterval._meta.db_table
    messages = StateMessage._meta.db_table
    ids, firsts = list(since), [since[k] for k in since]
    points: dict[int, list[StatePoint]] = defaultdict(list)
    base: dict[int, datetime] = dict(since)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.link_id, l.since, c.start, c.state, p.start, p.state "  # noqa: S608
            f"FROM unnest(%s::bigint[], %s::timestamptz[]) AS l(link_id, since) "
            f"LEFT JOIN LATERAL (SELECT start, state FROM {intervals} WHERE link_id = l.link_id "
            f"AND start <= l.since ORDER BY start DESC LIMIT 1) c ON true "
            f"LEFT JOIN LATERAL (SELECT start, state FROM {intervals} WHERE link_id = l.link_id "
            f"AND start < c.start ORDER BY start DESC LIMIT 1) p ON true", [ids, firsts])
        for link_id, first, c_start, c_state, p_start, p_state in cursor.fetchall():
            if c_start is None:
                continue
            base[link_id] = c_start
            if p_start is not None:
                base[link_id] = p_start
                points[link_id].append(StatePoint(p_start, p_state))
            if c_start < first:
                points[link_id].append(StatePoint(c_start, c_state))
        cursor.execute(
            f"SELECT m.link_id, m.ts, m.state FROM {messages} m "  # noqa: S608
            f"JOIN unnest(%s::bigint[], %s::timestamptz[]) AS l(link_id, since) "
            f"ON m.link_id = l.link_id AND m.ts >= l.since", [ids, firsts])
        for link_id, ts, state in cursor.fetchall():
            points[link_id].append(StatePoint(ts, state))
        cursor.execute(
            f"DELETE FROM {intervals} i USING unnest(%s::bigint[], %s::timestamptz[]) "  # noqa: S608
            f"AS b(link_id, base) WHERE i.link_id = b.link_id AND i.start >= b.base",
            [ids, [base[k] for k in ids]])
        spans = {link_id: build_spans(rows) for link_id, rows in points.items()}
        with cursor.cursor.copy(
                f"COPY {intervals} (link_id, start, \"end\", state) FROM STDIN") as copy:
            for link_id, rows in spans.items():
                for span in rows:
                    copy.write_row((link_id, span.start, span.end, span.state))
    hit = []
    busy = {k: [s for s in rows if s.state in S.BUSY_STATES] for k, rows in spans.items()}
    for proposal in IdleProposal.objects.filter(
            link_id__in=[k for k, rows in busy.items() if rows],
            status=IdleProposal.Status.PUBLISHED, start__lte=now):
        rows = busy[proposal.link_id]
        if any(s.start < proposal.end and (s.end or now) > proposal.start for s in rows):
            hit.append(proposal.pk)
    return hit


def _update_links(last_payload: dict[int, str], new_per_link: dict, rejected_per_link: dict,
                  now: datetime) -> None:
    """Add to each link's counters and keep its last payload, in one statement."""
    if not last_payload:
        return
    table = MachineLink._meta.db_table
    rows = [(link_id, new_per_link.get(link_id, (None, 0))[1],
             rejected_per_link.get(link_id, 0), payload)
            for link_id, payload in last_payload.items()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET accepted_count = accepted_count + u.accepted, "  # noqa: S608
                f"rejected_count = rejected_count + u.rejected, last_message_at = %s, "
                f"last_payload = u.payload FROM unnest(%s::bigint[], %s::bigint[], "
                f"%s::bigint[], %s::text[]) AS u(id, accepted, rejected, payload) "
                f"WHERE {table}.id = u.id",
                [now, *(list(column) for column in zip(*rows, strict=True))])
            return
        for link_id, accepted, rejected, payload in rows:
            cursor.execute(
                f"UPDATE {table} SET accepted_count = accepted_count + %s, "  # noqa: S608
                f"rejected_count = rejected_count + %s, last_message_at = %s, "
                f"last_payload = %s WHERE id = %s",
                [accepted, rejected, now, payload, link_id])
