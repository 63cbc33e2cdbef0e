"""Sanity bounds for capability limits: catch typos and unit mistakes before they are saved.

Pure: takes plain numbers, returns ``{field: message}``. The bounds are generous (the largest
machines of the region fit comfortably) but catch a metre typed as millimetres twice over, or a
tolerance typed in millimetres where micrometres are asked.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# field: (lowest, highest, unit shown in messages)
BOUNDS: dict[str, tuple[Decimal, Decimal, str]] = {
    "envelope_x_mm": (Decimal(1), Decimal(100_000), "mm"),
    "envelope_y_mm": (Decimal(1), Decimal(100_000), "mm"),
    "envelope_z_mm": (Decimal(1), Decimal(100_000), "mm"),
    "max_weight_kg": (Decimal("0.01"), Decimal(1_000_000), "kg"),
    "max_thickness_mm": (Decimal("0.01"), Decimal(2_000), "mm"),
    "tolerance_um": (Decimal(1), Decimal(10_000), "µm"),
    "force_kn": (Decimal("0.1"), Decimal(200_000), "kN"),
    "axes": (Decimal(1), Decimal(12), ""),
}
# "650", "650 mm", "0,05mm", "5 µm": a number and optionally the unit it is typed in.
_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*([^\d\s.,+-]+)?\s*$")
_UNIT_ALIASES = {"um": "µm", "μm": "µm", "micron": "µm", "kn": "kN", "mm": "mm", "kg": "kg",
                 "µm": "µm"}
INTEGER_FIELDS = {"envelope_x_mm", "envelope_y_mm", "envelope_z_mm", "tolerance_um", "axes"}


def check_limits(values: dict) -> tuple[dict, dict[str, str]]:
    """Return ``(cleaned, errors)``: numbers as Decimal/int (None when empty) and a message per
    bad field."""
    cleaned, errors = {}, {}
    for field, raw in values.items():
        if field not in BOUNDS:
            continue
        if raw is None or raw == "":
            cleaned[field] = None
            continue
        low, high, unit = BOUNDS[field]
        match = _NUMBER_WITH_UNIT.match(str(raw))
        typed_unit = _UNIT_ALIASES.get((match.group(2) or "").casefold(), match.group(2)) \
            if match else None
        try:
            number = Decimal(match.group(1).replace(",", ".")) if match else None
        except InvalidOperation:
            number = None
        if number is None:
            errors[field] = _("Enter a number.")
            continue
        if field == "tolerance_um" and (typed_unit == "mm"
                                        or (not typed_unit and Decimal(0) < number < 1)):
            errors[field] = _(
                "The tolerance is in micrometres (µm): ±%(mm)s mm is %(um)s µm."
            ) % {"mm": f"{number.normalize():f}", "um": f"{(number * 1000).normalize():f}"}
            continue
        if typed_unit and typed_unit != unit:
            errors[field] = _("Enter this value in %(unit)s.") % {"unit": unit}
            continue
        if not number.is_finite() or number < low or number > high:
            errors[field] = _("Must be between %(low)s and %(high)s %(unit)s.") % {
                "low": f"{low.normalize():f}", "high": f"{high.normalize():f}", "unit": unit}
            continue
        if field in INTEGER_FIELDS:
            if number != number.to_integral_value():
                errors[field] = _("Enter a whole number.")
                continue
            cleaned[field] = int(number)
        else:
            cleaned[field] = number
    return cleaned, errors
