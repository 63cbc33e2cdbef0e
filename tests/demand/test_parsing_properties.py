"""Properties of the need parser: no input makes it raise or dawdle, and what it reports
always points back into the text."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabshare.catalog.taxonomy import load_taxonomy
from fabshare.demand.parsing import MAX_TEXT_LENGTH, ParsedNeed, parse_need

TAXONOMY = load_taxonomy()
WORDS = ["lasersnijden", "plooien", "RVS", "inox", "Edelstahl", "3 mm", "dik", "Ø 20",
         "±0,05 mm", "500 stuks", "1.000", "pièces", "Stück", "voor maart", "avant fin mars",
         "by 15 March", "week 12", "binnen 3 weken", "600x400 mm", "IATF", "ISO 9001", "x",
         "2027-02-30", "31/02", "KW 99", "then", "daarna", "puis", "dann", ",", ".", "\n",
         "999999999999", "0", "-", "+/-", "µm", "fraisage", "Fräsen", "lazer", "stainles"]
SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def all_evidence(parsed: ParsedNeed):
    found = [parsed.quantity, parsed.deadline, parsed.earliest_start, parsed.thickness_mm,
             parsed.dimensions_mm, parsed.diameter_mm, parsed.tolerance_mm,
             *parsed.certifications, *parsed.materials, *parsed.material_families,
             *parsed.terms]
    yield from (f.evidence for f in found if f is not None)
    for step in parsed.steps:
        yield from step.evidence


def check(text: str, today: date = date(2026, 11, 21)) -> ParsedNeed:
    started = time.perf_counter()
    parsed = parse_need(text, taxonomy=TAXONOMY, today=today)
    assert time.perf_counter() - started < 2.0
    assert parsed.text == text[:MAX_TEXT_LENGTH]
    for evidence in all_evidence(parsed):
        assert parsed.text[evidence.start:evidence.end] == evidence.text
    codes = parsed.process_codes
    assert len(codes) == len(set(codes))
    return parsed


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_parses(text):
    check(text)


@SETTINGS
@given(st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
       st.dates(min_value=date(2000, 1, 1), max_value=date(9998, 1, 1)))
def test_any_mix_of_need_words_parses_on_any_day(text, today):
    parsed = check(text, today)
    for found in (parsed.deadline, parsed.earliest_start):
        if found is not None:
            assert isinstance(found.value, date)


@SETTINGS
@given(st.integers(min_value=0, max_value=10**40), st.sampled_from(
    ["stuks", "pcs", "mm", "x 400 mm", "mm dik", "weken", "maart", "/03/2027", ""]))
def test_any_number_parses(number, unit):
    parsed = check(f"{number} {unit}")
    if parsed.quantity is not None:
        assert 0 < parsed.quantity.value <= 10**9


@pytest.mark.parametrize("text", [
    "lasersnijden " * 1000,
    "1" * 10_000,
    "Ø 1" * 3_400,
    "voor maart, " * 900,
    "é\u0301" * 5_000,
    "600x" * 2_500,
    "lazer fraissage schweisen " * 400,
    "".join(chr(c) for c in range(0x20, 0x2800)),
])
def test_ten_thousand_characters_parse_fast(text):
    check(text)


@settings(SETTINGS, max_examples=50)
@given(st.text(max_size=200))
def test_same_text_same_result(text):
    assert parse_need(text, taxonomy=TAXONOMY, today=date(2026, 11, 21)) == \
        parse_need(text, taxonomy=TAXONOMY, today=date(2026, 11, 21))
