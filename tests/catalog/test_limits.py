"""Capability limits: absurd values and unit mistakes get a message in the unit asked."""

from decimal import Decimal

import pytest

from fabshare.catalog.limits import check_limits


@pytest.mark.parametrize("values,cleaned", [
    ({"envelope_x_mm": "650"}, {"envelope_x_mm": 650}),
    ({"envelope_x_mm": "650 mm"}, {"envelope_x_mm": 650}),
    ({"tolerance_um": "5 µm"}, {"tolerance_um": 5}),
    ({"tolerance_um": "5um"}, {"tolerance_um": 5}),
    ({"max_weight_kg": "1,5"}, {"max_weight_kg": Decimal("1.5")}),
    ({"axes": ""}, {"axes": None}),
])
def test_good_values(values, cleaned):
    assert check_limits(values) == (cleaned, {})


@pytest.mark.parametrize("values,message", [
    ({"tolerance_um": "0.05"}, "±0.05 mm is 50 µm"),
    ({"tolerance_um": "0.0125 mm"}, "±0.0125 mm is 12.5 µm"),
    ({"envelope_x_mm": "65 cm"}, "Enter this value in mm."),
    ({"envelope_x_mm": "abc"}, "Enter a number."),
    ({"force_kn": "-3"}, "Must be between 0.1 and 200000 kN."),
    ({"envelope_x_mm": "250000"}, "Must be between 1 and 100000 mm."),
    ({"axes": "13"}, "Must be between 1 and 12"),
    ({"axes": "4.5"}, "Enter a whole number."),
])
def test_bad_values_name_the_problem(values, message):
    cleaned, errors = check_limits(values)
    (field,) = values
    assert message in errors[field]
