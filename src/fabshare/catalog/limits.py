"""Sanity bounds for capability limits: catch typos and unit mistakes before they are saved.

Pure: takes plain numbers, returns ``{field: message}``. The bounds are generous (the largest
machines of the region fit comfortably) but catch a metre typed as millimetres twice over, or a
tolerance typed in millimetres where micrometres are asked.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# field: (lowest, highest, unit shown in messages)
BOUNDS: dict[str, tuple[Decimal, Decimal, str]] = {
    "envelope_x_mm": (Decimal(1), Decimal(100_000), "mm"),
    "envelope_y_mm": (Decimal(1), Decimal(100_000), "mm"),
    "envelope_z_mm": (Decimal(1), Decimal(100_000), "mm"),
    "max_weight_kg": (Decimal("0.001"), Decimal(1_000_000), "kg"),
    "max_thickness_mm": (Decimal("0.01"), Decimal(2_000), "mm"),
    "tolerance_um": (Decimal(1), Decimal(10_000), "µm"),
    "force_kn": (Decimal("0.1"), Decimal(200_000), "kN"),
    "axes": (Decimal(1), Decimal(12), ""),
}
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
        try:
            number = Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            errors[field] = _("Enter a number.")
            continue
        low, high, unit = BOUNDS[field]
        if field == "tolerance_um" and Decimal(0) < number < 1:
            errors[field] = _(
                "The tolerance is in micrometres (µm): ±%(mm)s mm is %(um)s µm."
            ) % {"mm": number, "um": int(number * 1000)}
            continue
        if not number.is_finite() or number < low or number > high:
            errors[field] = _("Must be between %(low)s and %(high)s %(unit)s.") % {
                "low": low.normalize(), "high": high.normalize(), "unit": unit}
            continue
        if field in INTEGER_FIELDS:
            if number != number.to_integral_value():
                errors[field] = _("Enter a whole number.")
                continue
            cleaned[field] = int(number)
        else:
            cleaned[field] = number
    return cleaned, errors
