"""The JSON state message and its validation (pure).

One message, UTF-8 JSON, at most ``MAX_BYTES``::

    {"link": "k3xY…", "state": "EXECUTING", "ts": "2026-03-02T08:15:00.250Z",
     "id": "m-000123", "good": 12, "scrap": 1}

- ``link``: the machine link's key (shown on its page). Over MQTT it may be left out when the
  topic ends in the key (``fabshare/machines/<key>/state``).
- ``state``: a raw value mapped by the link (OPC UA Machinery, MTConnect or custom).
- ``ts``: when the machine entered the state: RFC 3339 / ISO 8601 with a zone, or seconds
  since the epoch (UTC).
- ``id`` (optional): a unique message id per link; without it the content is the id. A
  message with an id already stored is a repeat and changes nothing.
- ``good``, ``scrap`` (optional): parts produced since the previous message, integers ≥ 0.

A list of such objects is a batch (HTTP ingest). Anything else is rejected with a reason code
(``REASONS``) and kept for the provider to see.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import orjson

MAX_BYTES = 4096
MAX_FUTURE = timedelta(minutes=5)
MAX_AGE = timedelta(days=7)
FIELDS = {"link", "state", "ts", "id", "good", "scrap"}
MAX_COUNT = 1_000_000

# Reason codes of rejected messages (stable: the API returns them; the page translates them).
OVERSIZED, MALFORMED, INVALID, UNKNOWN_LINK, UNKNOWN_STATE, FUTURE, ANCIENT, INACTIVE = (
    "oversized", "malformed", "invalid", "unknown_link", "unknown_state", "future", "ancient",
    "inactive_link")
REASONS = (OVERSIZED, MALFORMED, INVALID, UNKNOWN_LINK, UNKNOWN_STATE, FUTURE, ANCIENT,
           INACTIVE)


class Message(NamedTuple):  # a tuple: built once per message on the ingest hot path
    link: str
    raw_state: str
    ts: datetime
    key: str
    good: int | None = None
    scrap: int | None = None


@dataclass(frozen=True)
class Rejection(Exception):  # noqa: N818 - a value, also raised to leave a parser early
    reason: str
    detail: str
    link: str = ""


def _timestamp(value) -> datetime:
    kind = type(value)
    if kind is float or kind is int:  # the common case first (bool is not int here)
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, bool):
        raise ValueError("ts must be a time")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("ts needs a time zone (e.g. Z)")
        return moment.astimezone(UTC)
    raise ValueError("ts must be an ISO 8601 string or seconds since the epoch")


def _count(obj: dict, name: str) -> int | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise Rejection(INVALID, f"{name}: must be an integer from 0 to {MAX_COUNT}")
    return value


def message_key(link: str, raw_state: str, ts: datetime, good, scrap) -> str:
    text = f"{link}|{raw_state}|{ts.isoformat()}|{good}|{scrap}"
    return "h:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:30]


def parse_object(obj, *, now: datetime, default_link: str = "") -> Message:
    """Validate one decoded message; raise Rejection naming the field and the problem."""
    if not isinstance(obj, dict):
        raise Rejection(INVALID, "a message must be a JSON object")
    link = obj.get("link", default_link)
    link = link if isinstance(link, str) else ""
    if not obj.keys() <= FIELDS:
        raise Rejection(INVALID, f"{sorted(set(obj) - FIELDS)[0]}: unknown field", link)
    if not link:
        raise Rejection(INVALID, "link: missing", link)
    state = obj.get("state")
    if type(state) is str:
        raw_state = state.strip()[:64]
    elif isinstance(state, int) and not isinstance(state, bool):
        raw_state = str(state)
    else:
        raw_state = ""
    if not raw_state:
        raise Rejection(INVALID, "state: missing or not a string", link)
    if "\x00" in raw_state:  # PostgreSQL text cannot hold it
        raise Rejection(INVALID, "state: contains a NUL character", link)
    if "ts" not in obj:
        raise Rejection(INVALID, "ts: missing", link)
    try:
        ts = _timestamp(obj["ts"])
    except (ValueError, OverflowError, OSError) as exc:
        raise Rejection(INVALID, f"ts: {exc}", link) from None
    if ts > now + MAX_FUTURE:
        raise Rejection(FUTURE, f"ts: {ts.isoformat()} is in the future", link)
    if ts < now - MAX_AGE:
        raise Rejection(ANCIENT, f"ts: {ts.isoformat()} is older than {MAX_AGE.days} days", link)
    good = _count(obj, "good") if "good" in obj else None
    scrap = _count(obj, "scrap") if "scrap" in obj else None
    msg_id = obj.get("id")
    if msg_id is None:
        key = message_key(link, raw_state, ts, good, scrap)
    elif (type(msg_id) is str or (isinstance(msg_id, int) and not isinstance(msg_id, bool))) \
            and 0 < len(msg_id := str(msg_id)) <= 64 and "\x00" not in msg_id:
        key = "i:" + msg_id
    else:
        raise Rejection(INVALID, "id: must be a string of 1 to 64 characters (no NUL)", link)
    return Message(link, raw_state, ts, key, good, scrap)


def decode(payload: bytes, *, max_bytes: int = MAX_BYTES):
    """The JSON value of a payload; Rejection if too big or not JSON."""
    if len(payload) > max_bytes:
        raise Rejection(OVERSIZED, f"{len(payload)} bytes; at most {max_bytes} are accepted")
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as exc:  # also invalid UTF-8
        raise Rejection(MALFORMED, f"not valid JSON: {exc}") from None


def parse(payload: bytes, *, now: datetime, default_link: str = "") -> Message:
    return parse_object(decode(payload), now=now, default_link=default_link)
