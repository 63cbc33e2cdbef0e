"""The booking state machine (pure): which transition is allowed from which state, by which
side. ``docs/bookings.md`` draws it. The service applies it; a transition not listed here is
refused with a 409 that names the state and the allowed actions."""

from dataclasses import dataclass

from fabshare.bookings.models import Side, Status

SEEKER, PROVIDER, AWAITED, SYSTEM = Side.SEEKER, Side.PROVIDER, "awaited", "system"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    by: tuple[str, ...]  # SEEKER, PROVIDER, AWAITED (the side a hold waits for), SYSTEM


TRANSITIONS = {
    t.action: t for t in (
        Transition("accept", (Status.REQUESTED, Status.COUNTERED), Status.CONFIRMED,
                   (AWAITED,)),
        Transition("counter", (Status.REQUESTED, Status.COUNTERED), Status.COUNTERED,
                   (AWAITED,)),
        Transition("decline", (Status.REQUESTED, Status.COUNTERED), Status.DECLINED,
                   (PROVIDER,)),
        Transition("withdraw", (Status.REQUESTED, Status.COUNTERED), Status.WITHDRAWN,
                   (SEEKER,)),
        Transition("expire", (Status.REQUESTED, Status.COUNTERED), Status.EXPIRED, (SYSTEM,)),
        Transition("cancel", (Status.CONFIRMED,), Status.CANCELLED, (SEEKER, PROVIDER)),
        Transition("start", (Status.CONFIRMED,), Status.IN_PROGRESS, (PROVIDER, SYSTEM)),
        Transition("complete", (Status.IN_PROGRESS,), Status.COMPLETED, (PROVIDER, SYSTEM)),
        Transition("dispute", (Status.IN_PROGRESS,), Status.DISPUTED, (SEEKER,)),
        Transition("resolve", (Status.DISPUTED,), Status.COMPLETED, (SEEKER,)),
    )
}
USER_ACTIONS = [a for a, t in TRANSITIONS.items() if t.by != (SYSTEM,)]


def allowed_actions(status: str, side: str | None, awaiting: str = "") -> list[str]:
    """The actions ``side`` may take on a booking in ``status`` (SYSTEM-only ones excluded)."""
    return [t.action for t in TRANSITIONS.values()
            if status in t.sources and side is not None and may(t, side, awaiting)]


def may(transition: Transition, side: str, awaiting: str = "") -> bool:
    return side in transition.by or (AWAITED in transition.by and side == awaiting)
