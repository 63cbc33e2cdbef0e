"""Storing messages: idempotent, order-independent, bad input kept with its reason; proposals
published through availability and withdrawn when the machine turns out busy."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from fabshare.availability.models import AvailabilityWindow, FreeSlot
from fabshare.telemetry import services
from fabshare.telemetry.ingest import Incoming, store
from fabshare.telemetry.models import IdleProposal, RejectedMessage, StateInterval, StateMessage

NOW = datetime(2026, 3, 30, 0, 0, tzinfo=UTC)  # a Monday


def msg(link, state, ts, msg_id=None, **extra):
    body = {"link": link.key, "state": state, "ts": ts.isoformat(), **extra}
    if msg_id:
        body["id"] = msg_id
    return Incoming(payload=json.dumps(body).encode(), source="mqtt")


def states(link):
    return list(StateInterval.objects.filter(link=link).order_by("start")
                .values_list("state", "start", "end"))


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_repeat_changes_nothing(machine, at_now):
    t = NOW - timedelta(hours=1)
    first = store([msg(machine, "running", t, "a"), msg(machine, "idle", t + timedelta(
        minutes=5), "b")])
    before = states(machine)
    again = store([msg(machine, "running", t, "a"), msg(machine, "idle", t + timedelta(
        minutes=5), "b")])
    assert (first.accepted, again.accepted, again.repeated) == (2, 0, 2)
    assert states(machine) == before
    machine.refresh_from_db()
    assert machine.accepted_count == 2


def test_reordered_batches_give_the_intervals_of_the_sorted_stream(machine, at_now):
    t = NOW - timedelta(hours=2)
    sequence = ["idle", "running", "running", "setup", "running", "down", "idle"]
    rows = [msg(machine, s, t + timedelta(minutes=10 * i), f"m{i}")
            for i, s in enumerate(sequence)]
    store([rows[0], rows[3], rows[6]])
    store([rows[5], rows[1]])
    store([rows[4], rows[2]])
    got = states(machine)
    assert [s for s, _a, _b in got] == ["idle", "running", "setup", "running", "down", "idle"]
    assert got[1][1] == t + timedelta(minutes=10) and got[1][2] == t + timedelta(minutes=30)
    assert got[-1][2] is None


def test_each_bad_message_is_kept_with_its_reason(machine, at_now):
    items = [
        Incoming(payload=b"{oops", source="http", default_link=machine.key),
        Incoming(payload=b"x" * 5000, source="http", default_link=machine.key),
        msg(machine, "BLINKING", NOW),
        msg(machine, "idle", NOW + timedelta(hours=1)),
        msg(machine, "idle", NOW - timedelta(days=30)),
        Incoming(payload=json.dumps({"link": "nope", "state": "idle",
                                     "ts": NOW.isoformat()}).encode(), source="mqtt"),
        Incoming(payload=json.dumps({"link": machine.key, "state": "idle",
                                     "ts": "yesterday"}).encode(), source="mqtt"),
        msg(machine, "idle", NOW, colour="red"),
        msg(machine, "idle", NOW, "fine"),
    ]
    result = store(items)
    assert result.accepted == 1
    reasons = [r for _i, r, _d in result.rejected]
    assert reasons == ["malformed", "oversized", "unknown_state", "future", "ancient",
                       "unknown_link", "invalid", "invalid"]
    details = dict(RejectedMessage.objects.filter(reason="invalid").values_list(
        "detail", "source"))
    assert any(d.startswith("ts:") for d in details) and any("colour" in d for d in details)
    machine.refresh_from_db()
    assert machine.rejected_count == 7 and RejectedMessage.objects.count() == 8


def test_a_custom_mapping_wins_over_the_defaults(world, machine, at_now):
    services.link_update(actor=world.admin, link=machine,
                         mapping={"AUTO": "running", "ready": "setup"})
    store([msg(machine, "auto", NOW - timedelta(minutes=2)), msg(machine, "READY", NOW)])
    assert [s for s, _a, _b in states(machine)] == ["running", "setup"]


def weeks_of_nights(link, weeks=4):
    """Weekdays busy 06:00–22:00 UTC, idle otherwise."""
    rows = []
    start = NOW - timedelta(weeks=weeks)
    for day in range(weeks * 7):
        midnight = start + timedelta(days=day)
        if midnight.weekday() < 5:
            rows.append(msg(link, "idle", midnight, f"d{day}a"))
            rows.append(msg(link, "running", midnight + timedelta(hours=6), f"d{day}b"))
            rows.append(msg(link, "idle", midnight + timedelta(hours=22), f"d{day}c"))
        else:
            rows.append(msg(link, "idle", midnight, f"d{day}a"))
    return rows


def test_proposals_are_learned_published_and_withdrawn_when_busy(world, machine):
    machine.time_zone = "UTC"
    machine.save(update_fields=["time_zone"])
    # History older than 7 days is "ancient" for live ingest; load it as it arrived back then.
    for row in weeks_of_nights(machine):
        ts = datetime.fromisoformat(json.loads(row.payload)["ts"])
        with time_machine.travel(ts, tick=False):
            store([row])
    with time_machine.travel(NOW, tick=False):
        proposals = services.proposals_refresh(link=machine)
        first = proposals[0]
        assert (first.start, first.end, first.confidence) == (
            NOW + timedelta(hours=1), NOW + timedelta(hours=6), 1.0)
        window = services.proposal_publish(actor=world.admin, proposal=first)
        assert window.source == AvailabilityWindow.Source.MACHINE
        assert FreeSlot.objects.filter(resource=machine.resource, start=first.start).exists()
    # At 02:00 the machine starts a job inside the published window: the window is withdrawn.
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        result = store([msg(machine, "running", NOW + timedelta(hours=2), "surprise")])
    assert result.withdrawn == [first.pk]
    first.refresh_from_db()
    assert first.status == IdleProposal.Status.WITHDRAWN
    assert not AvailabilityWindow.objects.filter(pk=window.pk).exists()
    assert not FreeSlot.objects.filter(resource=machine.resource, start=first.start).exists()


def test_a_job_running_into_a_window_withdraws_it_when_the_window_begins(world, machine):
    with time_machine.travel(NOW, tick=False):
        store([msg(machine, "idle", NOW - timedelta(hours=1), "i")])
        proposal = IdleProposal.objects.create(link=machine, start=NOW + timedelta(hours=2),
                                               end=NOW + timedelta(hours=6), confidence=0.9)
        services.proposal_publish(actor=world.admin, proposal=proposal)
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        store([msg(machine, "running", NOW + timedelta(minutes=30), "r")])
        assert services.proposals_check() == 0  # the window has not begun
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        assert services.proposals_check() == 1
    proposal.refresh_from_db()
    assert proposal.status == IdleProposal.Status.WITHDRAWN


def test_auto_publish_policy_publishes_confident_proposals(world, machine):
    services.link_update(actor=world.admin, link=machine, auto_publish=True,
                         auto_publish_confidence=0.95, time_zone="UTC")
    for row in weeks_of_nights(machine):
        ts = datetime.fromisoformat(json.loads(row.payload)["ts"])
        with time_machine.travel(ts, tick=False):
            store([row])
    with time_machine.travel(NOW, tick=False):
        created = services.proposals_refresh(link=machine)
    statuses = {p.status for p in IdleProposal.objects.filter(pk__in=[c.pk for c in created])}
    assert statuses == {IdleProposal.Status.PUBLISHED}
    assert AvailabilityWindow.objects.filter(resource=machine.resource,
                                             source="machine").count() == len(created)
    assert StateMessage.objects.filter(link=machine).count() == len(weeks_of_nights(machine))


def test_any_arrival_order_and_batching_gives_the_intervals_of_all_messages(machine, at_now):
    """Shuffled batches of different sizes, with repeats inside a batch and across batches,
    messages landing exactly on an interval's start and in-order batches that extend the open
    interval: the intervals are always those of the whole set, rebuilt from scratch."""
    import random

    from fabshare.telemetry.timeline import StatePoint, build_spans

    rng = random.Random(7)
    t = NOW - timedelta(hours=3)
    names = ["idle", "running", "setup", "down"]
    sequence = [(t + timedelta(seconds=30 * (i // 2)), rng.choice(names)) for i in range(240)]
    stored: list[StatePoint] = []
    expected_accepted = 0
    ids = {}
    for start in range(0, 240, 60):
        chunk = list(enumerate(sequence[start:start + 60], start))
        if start:  # the later chunks arrive shuffled; the first in order
            rng.shuffle(chunk)
        while chunk:
            size = rng.randint(1, 25)
            batch, chunk = chunk[:size], chunk[size:]
            items = [msg(machine, state, ts, f"m{i}") for i, (ts, state) in batch]
            if stored:  # a repeat of an earlier message and one of this batch
                items.append(msg(machine, "idle", t, "m0"))
                items.append(items[0])
            result = store(items)
            expected_accepted += len(batch)
            assert result.accepted == len(batch)
            assert result.repeated == len(items) - len(batch)
            for i, (ts, state) in batch:
                ids[f"m{i}"] = StatePoint(ts, state)
            stored = list(ids.values())
            want = [(s.state, s.start, s.end) for s in build_spans(stored)]
            assert states(machine) == want
    machine.refresh_from_db()
    assert machine.accepted_count == expected_accepted == 240


def test_text_postgresql_cannot_hold_is_rejected_and_the_batch_goes_on(world, machine, at_now):
    services.link_update(actor=world.admin, link=machine, mapping={"A\\B": "running"})
    items = [msg(machine, "idle\u0000", NOW - timedelta(minutes=3), "a"),
             msg(machine, "idle", NOW - timedelta(minutes=2), "b\u0000"),
             Incoming(payload=b"{\x00", source="mqtt", default_link=machine.key),
             # Backslashes and tabs are the machine's own text: stored as sent.
             msg(machine, "a\\b", NOW - timedelta(minutes=1), "tab\\\tid"),
             msg(machine, "running", NOW, "fine")]
    result = store(items)
    assert [r for _i, r, _d in result.rejected] == ["invalid", "invalid", "malformed"]
    assert result.accepted == 2
    assert set(StateMessage.objects.filter(link=machine).values_list("key", "raw_state")) == {
        ("i:tab\\\tid", "a\\b"), ("i:fine", "running")}
    assert "\ufffd" in RejectedMessage.objects.get(reason="malformed").payload


def test_messages_of_a_link_deleted_meanwhile_are_rejected_not_orphaned(world, machine,
                                                                        at_now):
    """The worker's cache still knows the link; the database no longer does. Messages and
    intervals have no foreign-key constraint (the batch locks its links instead), so the
    batch must notice the deletion itself."""
    from fabshare.telemetry.ingest import LinkCache

    cache = LinkCache()
    t = NOW - timedelta(hours=1)
    store([msg(machine, "running", t, "a")], links=cache)
    assert StateMessage.objects.filter(link=machine).count() == 1
    link_id = machine.pk
    services.link_delete(actor=world.admin, link=machine)
    assert not StateMessage.objects.filter(link_id=link_id).exists()  # deleted with the link
    result = store([msg(machine, "idle", t + timedelta(minutes=5), "b")], links=cache)
    assert result.accepted == 0
    assert [reason for _i, reason, _d in result.rejected] == ["unknown_link"]
    assert not StateMessage.objects.filter(link_id=link_id).exists()
    assert not StateInterval.objects.filter(link_id=link_id).exists()
    assert RejectedMessage.objects.filter(reason="unknown_link", link=None).count() == 1
