"""fabshare machine states and the mapping of what machines report onto them (pure).

Machines speak several vocabularies: OPC 40001-1 (Machinery) ``MachineryItemState``
(NotAvailable, OutOfService, NotExecuting, Executing) and ``MachineryOperationMode``
(None, Maintenance, Setup, Processing), MTConnect-style ``Execution`` values (ACTIVE, READY,
STOPPED, INTERRUPTED, FEED_HOLD, …) or whatever a PLC programmer chose. A link's mapping
turns a raw value into one fabshare state; without an entry the defaults below apply, and a
value that is neither mapped nor known is rejected (kept with the reason "unknown state").
"""

from __future__ import annotations

RUNNING, IDLE, SETUP, MAINTENANCE, DOWN, OFFLINE, UNKNOWN = (
    "running", "idle", "setup", "maintenance", "down", "offline", "unknown")
STATES = (RUNNING, IDLE, SETUP, MAINTENANCE, DOWN, OFFLINE, UNKNOWN)
# States in which the machine is working or occupied: a machine-data window that meets one of
# them is withdrawn.
BUSY_STATES = frozenset({RUNNING, SETUP, MAINTENANCE, DOWN})

# OPC 40001-1 MachineryItemState (enumeration values 0–3) and names.
OPCUA_ITEM_STATES = {0: "NotAvailable", 1: "OutOfService", 2: "NotExecuting", 3: "Executing"}
# OPC 40001-1 MachineryOperationMode (enumeration values 0–3) and names.
OPCUA_OPERATION_MODES = {0: "None", 1: "Maintenance", 2: "Setup", 3: "Processing"}

DEFAULT_MAPPING: dict[str, str] = {
    # fabshare's own names map onto themselves.
    **{state: state for state in STATES},
    # OPC UA Machinery item states.
    "notavailable": OFFLINE,
    "outofservice": DOWN,
    "notexecuting": IDLE,
    "executing": RUNNING,
    # OPC UA Machinery operation modes (when the item state alone is reported as a mode).
    "none": IDLE,
    "processing": RUNNING,
    # MTConnect Execution.
    "active": RUNNING,
    "ready": IDLE,
    "stopped": IDLE,
    "interrupted": DOWN,
    "feed_hold": DOWN,
    "optional_stop": IDLE,
    "program_stopped": IDLE,
    "program_completed": IDLE,
    "wait": IDLE,
    "unavailable": UNKNOWN,
}


def normalize_key(value: str) -> str:
    return str(value).strip().lower().replace(" ", "_").replace("-", "_")


def map_state(raw: str, mapping: dict[str, str] | None = None) -> str | None:
    """The fabshare state for a raw value: the link's mapping first (case-insensitive), then the
    defaults; None when neither knows it."""
    key = normalize_key(raw)
    if mapping:
        for name, state in mapping.items():
            if normalize_key(name) == key:
                return state if state in STATES else None
    return DEFAULT_MAPPING.get(key)


def opcua_state(item_state: int | str | None, operation_mode: int | str | None = None,
                mapping: dict[str, str] | None = None) -> str | None:
    """Combine an OPC UA Machinery item state and operation mode into a fabshare state.

    Executing + Setup is setup and anything + Maintenance is maintenance (the operation mode is
    the finer statement); otherwise the item state decides. Numbers are read as the OPC 40001-1
    enumeration values.
    """
    item = OPCUA_ITEM_STATES.get(item_state, item_state) if isinstance(item_state, int) \
        else item_state
    mode = OPCUA_OPERATION_MODES.get(operation_mode, operation_mode) \
        if isinstance(operation_mode, int) else operation_mode
    if mode is not None:
        by_mode = map_state(str(mode), mapping)
        if by_mode in (SETUP, MAINTENANCE):
            return by_mode
    if item is None:
        return None
    return map_state(str(item), mapping)


def clean_mapping(mapping: object) -> dict[str, str]:
    """Validate a link's custom mapping: raw value → fabshare state. Raises ValueError naming
    the first bad entry."""
    if not isinstance(mapping, dict):
        raise ValueError("The mapping must be an object of raw value → state.")
    cleaned = {}
    for raw, state in mapping.items():
        raw = str(raw).strip()
        if not raw or len(raw) > 64:
            raise ValueError(f"Raw value {raw!r} must have 1 to 64 characters.")
        if state not in STATES:
            raise ValueError(f"{raw!r}: unknown state {state!r}; use one of {', '.join(STATES)}.")
        cleaned[raw] = state
    return cleaned
