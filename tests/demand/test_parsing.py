"""The free-text need parser, on real-sounding needs in nl, en, fr and de.

Every case states what a planner reading the need would fill in: the steps in the order the
text names them, the material, the quantity, the key limits and the dates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import pytest

from fabshare.catalog.taxonomy import load_taxonomy
from fabshare.demand.parsing import MAX_TEXT_LENGTH, ParsedNeed, parse_need

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def parse(text, taxonomy, today=TODAY, **kwargs) -> ParsedNeed:
    return parse_need(text, taxonomy=taxonomy, today=today, **kwargs)


@dataclass(frozen=True)
class Need:
    text: str
    steps: tuple[str, ...]
    material: str | None = None  # the material code every step gets, when one is meant
    family: str | None = None  # the material family every step gets
    quantity: int | None = None
    deadline: date | None = None
    start: date | None = None
    thickness: float | None = None
    dimensions: tuple[float, ...] | None = None
    diameter: float | None = None
    tolerance: float | None = None
    certifications: tuple[str, ...] = field(default=())


NEEDS = {
    "en": [
        Need("We need 500 brackets laser-cut from 3 mm stainless, then bent, before March",
             ("laser-cutting", "bending"), "stainless-304", "stainless-steel", 500,
             deadline=date(2027, 2, 28), thickness=3.0),
        Need("Looking for CNC milling of 40 housings in aluminium 6082, 120x80x35 mm, "
             "tolerance ±0.02 mm, then anodised. Delivery by 15 March.",
             ("milling", "anodising"), "al-6082", "aluminium", 40,
             deadline=date(2027, 3, 15), dimensions=(120.0, 80.0, 35.0), tolerance=0.02),
        Need("Quote for 2,000 pcs turned shafts Ø 12 mm in C45, induction hardened, "
             "within 6 weeks",
             ("turning", "induction-hardening"), "c45", "steel", 2000,
             deadline=date(2027, 1, 2), diameter=12.0),
        Need("Need a partner for TIG welding of stainless frames 1200 x 800 mm, 25 units, "
             "EN 1090 EXC2 required, by end of January",
             ("tig-welding",), "stainless-304", "stainless-steel", 25,
             deadline=date(2027, 1, 31), dimensions=(1200.0, 800.0),
             certifications=("en-1090",)),
        Need("200 laser cut and powder coated S235 panels, 2 mm thick, RAL 9005, "
             "deadline 2027-02-15",
             ("laser-cutting", "powder-coating"), "s235", "steel", 200,
             deadline=date(2027, 2, 15), thickness=2.0),
        Need("Small series of 50 injection moulded ABS enclosures, ISO 9001, "
             "starting from week 3",
             ("injection-moulding",), "abs", "plastics", 50, start=date(2027, 1, 18),
             certifications=("iso-9001",)),
        Need("Sandblasting and hot-dip galvanising of 30 steel beams, from 1 February",
             ("abrasive-blasting", "hot-dip-galvanising"), None, "steel", 30,
             start=date(2027, 2, 1)),
        Need("We are looking for 5-axis machining of titanium Ti6Al4V brackets, 15 pcs, "
             "±0.01 mm, AS9100 supplier, before April",
             ("milling-5-axis",), "ti6al4v", "titanium", 15, deadline=date(2027, 3, 31),
             tolerance=0.01, certifications=("as9100",)),
        Need("3D printing of 100 PA12 housings (SLS), within 10 working days",
             ("sls",), "pa12", "plastics", 100, deadline=date(2026, 12, 4)),
        Need("Waterjet cutting 10 mm aluminium plates 600x400, then deburring, 80 pieces, "
             "by 20 December",
             ("waterjet-cutting", "vibratory-finishing"), None, "aluminium", 80,
             deadline=date(2026, 12, 20), thickness=10.0, dimensions=(600.0, 400.0)),
        Need("Welded frames in S355, then shot blasted and wet painted, 6 off, "
             "no later than 12/02/2027",
             ("welding", "abrasive-blasting", "wet-painting"), "s355", "steel", 6,
             deadline=date(2027, 2, 12)),
    ],
    "nl": [
        Need("Wij zoeken een partner voor lasersnijden en plooien van 1.000 stuks RVS-plaat "
             "2 mm dik, daarna poedercoaten. Levering voor maart.",
             ("laser-cutting", "press-brake-bending", "powder-coating"), None,
             "stainless-steel", 1000, deadline=date(2027, 2, 28), thickness=2.0),
        Need("Frezen van 60 behuizingen in aluminium, 150x100x40 mm, tolerantie ±0,05 mm, "
             "daarna anodiseren, uiterlijk 15 maart",
             ("milling", "anodising"), None, "aluminium", 60, deadline=date(2027, 3, 15),
             dimensions=(150.0, 100.0, 40.0), tolerance=0.05),
        Need("Gedraaide assen Ø 25 mm in C45, 300 stuks, binnen 4 weken",
             ("turning",), "c45", "steel", 300, deadline=date(2026, 12, 19), diameter=25.0),
        Need("Lassen van stalen frames 2000x1000 mm, 12 stuks, EN 1090 EXC2, eind februari",
             ("welding",), None, "steel", 12, deadline=date(2027, 2, 28),
             dimensions=(2000.0, 1000.0), certifications=("en-1090",)),
        Need("Wij hebben 250 stuks gelaserde en gezette plaatdelen in zwart staal 3 mm nodig, "
             "vanaf week 2",
             ("laser-cutting", "press-brake-bending"), None, "steel", 250,
             start=date(2027, 1, 11), thickness=3.0),
        Need("Graag offerte voor 5000 st. gestanste delen in verzinkte plaat DX51D 1,5 mm, "
             "tegen 15 januari",
             ("stamping",), "dx51d", "steel", 5000, deadline=date(2027, 1, 15),
             thickness=1.5),
        Need("Spuitgieten van 10.000 stuks PP doppen, ISO 9001 gecertificeerd, in april",
             ("injection-moulding",), "pp", "plastics", 10000, deadline=date(2027, 4, 30),
             certifications=("iso-9001",)),
        Need("Zandstralen en natlakken van een machineframe, 1 stuk, volgende week",
             ("abrasive-blasting", "wet-painting"), quantity=1,
             deadline=date(2026, 11, 27)),
        Need("CNC-draaien van messing bussen Ø 8, 2500 stuks, daarna vernikkelen, "
             "voor 1 februari",
             ("cnc-turning", "nickel-plating"), "brass-cuzn39pb3", "copper-alloys", 2500,
             deadline=date(2027, 2, 1), diameter=8.0),
        Need("3D-printen van 20 behuizingen in PA12, binnen 10 werkdagen",
             ("additive-manufacturing",), "pa12", "plastics", 20,
             deadline=date(2026, 12, 4)),
        Need("Aluminium kokers zagen en boren, 400 stuks, daarna anodiseren, "
             "uiterlijk 2027-01-29",
             ("sawing", "drilling", "anodising"), None, "aluminium", 400,
             deadline=date(2027, 1, 29)),
    ],
    "fr": [
        Need("Nous cherchons 1 000 pièces en inox 304, découpe laser puis pliage, "
             "thermolaquage, avant fin mars",
             ("laser-cutting", "press-brake-bending", "powder-coating"), "stainless-304",
             "stainless-steel", 1000, deadline=date(2027, 3, 31)),
        Need("Usinage CNC de 200 pièces en aluminium 7075, 80x60x20 mm, tolérance ±0,02 mm, "
             "anodisation dure, pour le 15 mars",
             ("machining", "hard-anodising"), "al-7075", "aluminium", 200,
             deadline=date(2027, 3, 15), dimensions=(80.0, 60.0, 20.0), tolerance=0.02),
        Need("Tournage de 500 axes Ø 16 en acier C45, puis trempe par induction, "
             "d'ici 3 semaines",
             ("turning", "induction-hardening"), "c45", "steel", 500,
             deadline=date(2026, 12, 12), diameter=16.0),
        Need("Soudage TIG de cadres en inox 316L, 40 pièces, certification EN 1090, "
             "avant fin janvier",
             ("tig-welding",), "stainless-316l", "stainless-steel", 40,
             deadline=date(2027, 1, 31), certifications=("en-1090",)),
        Need("Besoin de 300 pièces pliées en tôle d'acier 2 mm, découpe laser, "
             "galvanisation à chaud, à partir de février",
             ("press-brake-bending", "laser-cutting", "hot-dip-galvanising"), None, "steel",
             300, start=date(2027, 2, 1), thickness=2.0),
        Need("Fraisage 5 axes de 12 pièces en titane, tolérance ±0,01 mm, EN 9100 exigé, "
             "avant avril",
             ("milling-5-axis",), None, "titanium", 12, deadline=date(2027, 3, 31),
             tolerance=0.01, certifications=("en-9100",)),
        Need("Injection plastique de 20 000 pièces en PA66-GF30, IATF obligatoire, "
             "livraison en mai",
             ("injection-moulding",), "pa66-gf30", "plastics", 20000,
             deadline=date(2027, 5, 31), certifications=("iatf-16949",)),
        Need("Découpe jet d'eau de plaques d'aluminium 10 mm, 600x400 mm, 50 pièces, "
             "avant le 20 décembre",
             ("waterjet-cutting",), None, "aluminium", 50, deadline=date(2026, 12, 20),
             thickness=10.0, dimensions=(600.0, 400.0)),
        Need("Sablage puis peinture liquide d'une structure en acier, 1 pièce, "
             "semaine prochaine",
             ("abrasive-blasting", "wet-painting"), None, "steel", 1,
             deadline=date(2026, 11, 27)),
        Need("Impression 3D de 25 boîtiers en PA12, dans 10 jours ouvrés",
             ("additive-manufacturing",), "pa12", "plastics", 25,
             deadline=date(2026, 12, 4)),
        Need("Rectification de 80 bagues en acier 42CrMo4 trempé, Ø 40, tolérance ±5 µm, "
             "pour le 08/01/2027",
             ("grinding", "hardening"), "42crmo4", "steel", 80, deadline=date(2027, 1, 8),
             diameter=40.0, tolerance=0.005),
    ],
    "de": [
        Need("Wir brauchen 250 Stück Edelstahlblech 3 mm, Laserschneiden, Abkanten und "
             "Schweißen bis zum 15. März",
             ("laser-cutting", "press-brake-bending", "welding"), None, "stainless-steel",
             250, deadline=date(2027, 3, 15), thickness=3.0),
        Need("Fräsen von 80 Gehäusen aus Aluminium 6082, 100x60x30 mm, Toleranz ±0,02 mm, "
             "danach Eloxieren, bis Ende Februar",
             ("milling", "anodising"), "al-6082", "aluminium", 80,
             deadline=date(2027, 2, 28), dimensions=(100.0, 60.0, 30.0), tolerance=0.02),
        Need("Drehteile aus Messing, Ø 12, 10.000 Stück, innerhalb von 3 Wochen",
             ("turning",), "brass-cuzn39pb3", "copper-alloys", 10000,
             deadline=date(2026, 12, 12), diameter=12.0),
        Need("WIG-Schweißen von Edelstahlrahmen 1500 x 700 mm, 20 Stück, EN 1090 EXC2, "
             "spätestens 31.01.2027",
             ("tig-welding",), None, "stainless-steel", 20, deadline=date(2027, 1, 31),
             dimensions=(1500.0, 700.0), certifications=("en-1090",)),
        Need("Laserschneiden und Pulverbeschichten von 400 Stk. Blechteilen aus S235, "
             "2 mm stark, ab KW 4",
             ("laser-cutting", "powder-coating"), "s235", "steel", 400,
             start=date(2027, 1, 25), thickness=2.0),
        Need("Spritzguss von 50.000 Teilen aus PP, IATF 16949 zertifiziert, Lieferung im April",
             ("injection-moulding",), "pp", "plastics", 50000, deadline=date(2027, 4, 30),
             certifications=("iatf-16949",)),
        Need("Sandstrahlen und Feuerverzinken von 30 Stahlträgern, vor März",
             ("abrasive-blasting", "hot-dip-galvanising"), None, "steel", 30,
             deadline=date(2027, 2, 28)),
        Need("5-Achs-Fräsen von 10 Teilen aus Titan, ±0,01 mm, AS9100, bis April",
             ("milling-5-axis",), None, "titanium", 10, deadline=date(2027, 3, 31),
             tolerance=0.01, certifications=("as9100",)),
        Need("Wasserstrahlschneiden von Aluminiumplatten 12 mm, 800x600 mm, 60 Stück, "
             "bis 20. Dezember",
             ("waterjet-cutting",), None, "aluminium", 60, deadline=date(2026, 12, 20),
             thickness=12.0, dimensions=(800.0, 600.0)),
        Need("3D-Druck von 30 Gehäusen aus PA12, innerhalb von 10 Arbeitstagen",
             ("additive-manufacturing",), "pa12", "plastics", 30,
             deadline=date(2026, 12, 4)),
        Need("Gesucht: Gewindebohren und Entgraten von 1 200 Flanschen aus 1.4404, "
             "Lieferung bis 19.02.2027",
             ("drilling", "vibratory-finishing"), "stainless-316l", "stainless-steel", 1200,
             deadline=date(2027, 2, 19)),
    ],
}

CASES = [pytest.param(lang, need, id=f"{lang}-{i}")
         for lang, needs in NEEDS.items() for i, need in enumerate(needs)]


def test_there_are_enough_needs_in_every_language():
    assert all(len(needs) >= 10 for needs in NEEDS.values())
    assert sum(len(needs) for needs in NEEDS.values()) >= 40


@pytest.mark.parametrize(("lang", "need"), CASES)
def test_reads_the_need(lang, need, taxonomy):
    parsed = parse(need.text, taxonomy)

    assert parsed.process_codes == need.steps
    for step in parsed.steps:
        assert (step.material.value if step.material else None) == need.material
        assert (step.material_family.value if step.material_family else None) == need.family
        assert (step.quantity.value if step.quantity else None) == need.quantity
    assert (parsed.quantity.value if parsed.quantity else None) == need.quantity
    assert (parsed.deadline.value if parsed.deadline else None) == need.deadline
    assert (parsed.earliest_start.value if parsed.earliest_start else None) == need.start
    assert (parsed.thickness_mm.value if parsed.thickness_mm else None) == need.thickness
    assert (parsed.dimensions_mm.value if parsed.dimensions_mm else None) == need.dimensions
    assert (parsed.diameter_mm.value if parsed.diameter_mm else None) == need.diameter
    if need.tolerance is None:
        assert parsed.tolerance_mm is None
    else:
        assert parsed.tolerance_mm.value == pytest.approx(need.tolerance)
    assert tuple(c.value for c in parsed.certifications) == need.certifications
    assert parsed.language == lang


@pytest.mark.parametrize(("lang", "need"), CASES)
def test_every_suggestion_shows_the_text_it_was_read_from(lang, need, taxonomy):
    parsed = parse(need.text, taxonomy)
    found = [parsed.quantity, parsed.deadline, parsed.earliest_start, parsed.thickness_mm,
             parsed.dimensions_mm, parsed.diameter_mm, parsed.tolerance_mm,
             *parsed.certifications, *parsed.materials, *parsed.material_families,
             *parsed.terms]
    evidence = [f.evidence for f in found if f is not None]
    evidence += [e for step in parsed.steps for e in step.evidence]
    assert evidence
    for item in evidence:
        assert need.text[item.start:item.end] == item.text
        assert item.text.strip() == item.text and item.text
        assert 0 < item.score <= 1


def test_the_issue_example_quotes_its_sources(taxonomy):
    text = "we need 500 brackets laser-cut from 3 mm stainless, then bent, before March"
    parsed = parse(text, taxonomy)

    laser, bent = parsed.steps
    assert laser.process.evidence.text == "laser-cut"
    assert bent.process.evidence.text == "bent"
    assert laser.material.evidence.text == "stainless"
    assert parsed.quantity.evidence.text == "500"
    assert parsed.thickness_mm.evidence.text == "3 mm"
    assert parsed.deadline.evidence.text == "before March"
    assert laser.process.evidence.rule == "exact"


# -- vocabulary ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "process"), [
    ("lasersnijen van beugels", "laser-cutting"),  # typo
    ("Poedercoatten", "powder-coating"),
    ("the parts must be deburred", "vibratory-finishing"),
    ("Lasersnijdne van plaatwerk", "laser-cutting"),  # transposed letters
    ("fraissage de pièces", "milling"),  # doubled letter
    ("Schweissen von Rahmen", "welding"),  # ß written ss
    ("SCHWEISSEN", "welding"),
    ("soudées au TIG", "tig-welding"),
    ("gefreesde onderdelen", "milling"),  # inflected
    ("pièces fraisées", "milling"),
    ("Edelstahlbleche abgekantet", "press-brake-bending"),
    ("poedercoaten in RAL 7016", "powder-coating"),
    ("thermolaquage", "powder-coating"),
    ("Pulverbeschichten", "powder-coating"),
    ("draaien", "turning"), ("tournage", "turning"), ("Drehen", "turning"),
    ("Lassen", "welding"), ("soudage", "welding"),
])
def test_reads_spelling_variants_and_typos(text, process, taxonomy):
    assert parse(text, taxonomy).process_codes == (process,)


@pytest.mark.parametrize("text", [
    "We will call you later about the price",  # "later" is no typo of "laser"
    "de trapbomen en de bomen in de tuin",  # "bomen" is no typo of "boren"
    "we are a robotics startup",
    "Et voilà, merci",  # "ET" is eddy current testing only in capitals
    "Am 3. Mai",  # "AM" is additive manufacturing only in capitals
    "the end",  # "END" (contrôle non destructif) only in capitals
    "a tour of the plant with our design team",  # everyday words
    "Hallo, wir melden uns morgen mit Mustern",
    "Bonjour, pouvez-vous nous envoyer les plans ?",
])
def test_everyday_words_are_not_read_as_processes(text, taxonomy):
    assert parse(text, taxonomy).steps == ()


def test_acronyms_in_capitals_are_read(taxonomy):
    parsed = parse("ET en UT op lasnaden", taxonomy)
    assert parsed.process_codes == ("eddy-current-testing", "ultrasonic-testing")


def test_a_general_process_named_with_a_specific_one_gives_one_step(taxonomy):
    parsed = parse("bending on a press brake, then welding with TIG", taxonomy)
    assert parsed.process_codes == ("press-brake-bending", "tig-welding")


def test_the_same_process_named_twice_is_one_step(taxonomy):
    parsed = parse("lasersnijden, plooien en daarna nog eens lasersnijden", taxonomy)
    assert parsed.process_codes == ("laser-cutting", "press-brake-bending")


def test_each_step_gets_the_material_named_near_it(taxonomy):
    parsed = parse("Milling of aluminium 6082 housings. Turning of brass bushes.", taxonomy)
    milling, turning = parsed.steps
    assert milling.material.value == "al-6082"
    assert turning.material.value == "brass-cuzn39pb3"


def test_a_term_shared_by_materials_of_one_family_gives_the_family(taxonomy):
    parsed = parse("RVS lasersnijden", taxonomy)
    assert parsed.steps[0].material is None
    assert parsed.steps[0].material_family.value == "stainless-steel"
    parsed = parse("RVS 316 lasersnijden", taxonomy)
    assert parsed.steps[0].material.value == "stainless-316l"


def test_reads_certifications(taxonomy):
    parsed = parse("ISO 9001 en ISO 14001 verplicht, IATF is een plus", taxonomy)
    assert [c.value for c in parsed.certifications] == ["iso-9001", "iso-14001", "iatf-16949"]


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "quantity"), [
    ("500 stuks", 500), ("500 pièces", 500), ("500 pcs", 500), ("500 Stück", 500),
    ("1.000 stuks", 1000), ("1 000 pièces", 1000), ("1,000 pcs", 1000), ("1'000 Stk.", 1000),
    ("aantal: 75", 75), ("Menge 40", 40), ("a batch of 250 brackets", 250),
    ("12 st.", 12), ("3 brackets", 3),
])
def test_reads_quantities(text, quantity, taxonomy):
    assert parse(text, taxonomy).quantity.value == quantity


@pytest.mark.parametrize(("text", "field", "value"), [
    ("600x400 mm", "dimensions_mm", (600.0, 400.0)),
    ("600 x 400 x 20 mm", "dimensions_mm", (600.0, 400.0, 20.0)),
    ("60 × 40 cm", "dimensions_mm", (600.0, 400.0)),
    ("Ø 20", "diameter_mm", 20.0),
    ("⌀20 mm", "diameter_mm", 20.0),
    ("Durchmesser 35 mm", "diameter_mm", 35.0),
    ("3 mm dik", "thickness_mm", 3.0),
    ("dikte 1,5 mm", "thickness_mm", 1.5),
    ("épaisseur 4 mm", "thickness_mm", 4.0),
    ("tôle de 2 mm", "thickness_mm", 2.0),
    ("Blech 2,5 mm", "thickness_mm", 2.5),
    ("8mm thick", "thickness_mm", 8.0),
    ("±0,05 mm", "tolerance_mm", 0.05),
    ("+/- 0.1", "tolerance_mm", 0.1),
    ("+-50 µm", "tolerance_mm", 0.05),
    ("Toleranz 0,02 mm", "tolerance_mm", 0.02),
])
def test_reads_limits(text, field, value, taxonomy):
    found = getattr(parse(text, taxonomy), field)
    assert found.value == pytest.approx(value)
    assert found.evidence.text in text


def test_a_plain_length_is_not_a_thickness(taxonomy):
    parsed = parse("lasersnijden, lengte 300 mm", taxonomy)
    assert parsed.thickness_mm is None


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "deadline"), [
    ("voor maart", date(2027, 2, 28)),
    ("before March", date(2027, 2, 28)),
    ("bis März", date(2027, 2, 28)),
    ("avant mars", date(2027, 2, 28)),
    ("avant fin mars", date(2027, 3, 31)),
    ("by end of March", date(2027, 3, 31)),
    ("eind maart", date(2027, 3, 31)),
    ("Ende März 2028", date(2028, 3, 31)),
    ("by 15 March", date(2027, 3, 15)),
    ("by March 15th", date(2027, 3, 15)),
    ("tegen 15 maart", date(2027, 3, 15)),
    ("bis zum 15. März", date(2027, 3, 15)),
    ("pour le 15 mars", date(2027, 3, 15)),
    ("by 15 Dec", date(2026, 12, 15)),
    ("voor 3 okt.", date(2027, 10, 3)),
    ("in week 12", date(2027, 3, 26)),
    ("KW 50", date(2026, 12, 11)),
    ("binnen 3 weken", date(2026, 12, 12)),
    ("within 3 weeks", date(2026, 12, 12)),
    ("d'ici 3 semaines", date(2026, 12, 12)),
    ("innerhalb von 3 Wochen", date(2026, 12, 12)),
    ("within 10 days", date(2026, 12, 1)),
    ("binnen 2 maanden", date(2027, 1, 21)),
    ("delivery 2027-03-15", date(2027, 3, 15)),
    ("voor 15/03/2027", date(2027, 3, 15)),
    ("bis 15.03.2027", date(2027, 3, 15)),
    ("uiterlijk 15-3-27", date(2027, 3, 15)),
    ("voor 15/03", date(2027, 3, 15)),
    ("in april", date(2027, 4, 30)),
    ("en mai", date(2027, 5, 31)),
    ("before November", date(2027, 10, 31)),  # November has begun: next year's
    ("by 30 November", date(2026, 11, 30)),  # still ahead this year
    ("by 1 November", date(2027, 11, 1)),  # past: next year
])
def test_reads_deadlines(text, deadline, taxonomy):
    parsed = parse(text, taxonomy)
    assert parsed.deadline.value == deadline
    assert parsed.earliest_start is None


@pytest.mark.parametrize(("text", "start"), [
    ("vanaf maart", date(2027, 3, 1)),
    ("from week 3", date(2027, 1, 18)),
    ("à partir du 4 janvier", date(2027, 1, 4)),
    ("ab 1. Februar", date(2027, 2, 1)),
    ("not before 2027-02-01", date(2027, 2, 1)),
])
def test_reads_earliest_starts(text, start, taxonomy):
    assert parse(text, taxonomy).earliest_start.value == start


def test_reads_a_window(taxonomy):
    parsed = parse("vanaf 4 januari, uiterlijk eind februari", taxonomy)
    assert parsed.earliest_start.value == date(2027, 1, 4)
    assert parsed.deadline.value == date(2027, 2, 28)


def test_before_march_read_in_february_is_this_month(taxonomy):
    assert parse("before March", taxonomy, today=date(2027, 2, 10)).deadline.value == \
        date(2027, 2, 28)
    assert parse("before March", taxonomy, today=date(2027, 3, 10)).deadline.value == \
        date(2028, 2, 29)


def test_may_the_verb_is_no_month(taxonomy):
    assert parse("we may need welding", taxonomy).deadline is None
    assert parse("by May", taxonomy).deadline.value == date(2027, 4, 30)


def test_impossible_dates_are_ignored(taxonomy):
    assert parse("voor 31/02", taxonomy).deadline is None
    assert parse("by 45 March", taxonomy).deadline is None
    assert parse("week 60", taxonomy).deadline is None


# -- robustness, determinism, speed --------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "???", "asdf qwer zxcv", "12345",
                                  "🔧🔩", "x" * 5000, "0" * 500, "999999999999999999999 stuks",
                                  "Ø", "±", "1/1/1", "week 0", "\x00\x01"])
def test_empty_or_absurd_input_gives_a_clear_result(text, taxonomy):
    parsed = parse(text, taxonomy)
    assert parsed.steps == ()
    assert parsed.text == text


def test_nothing_read_is_empty(taxonomy):
    assert parse("", taxonomy).is_empty
    assert parse("hello, how are you?", taxonomy).is_empty
    assert not parse("frezen", taxonomy).is_empty


def test_very_long_input_is_cut_and_flagged(taxonomy):
    text = "lasersnijden " * 2000
    parsed = parse(text, taxonomy)
    assert parsed.truncated
    assert len(parsed.text) == MAX_TEXT_LENGTH
    assert parsed.process_codes == ("laser-cutting",)


def test_a_given_language_is_reported(taxonomy):
    assert parse("PA12", taxonomy, language="de").language == "de"
    assert parse("PA12", taxonomy).language is None


def test_same_input_same_output(taxonomy):
    text = NEEDS["en"][0].text
    assert parse(text, taxonomy) == parse(text, taxonomy)
    assert parse(text, load_taxonomy()) == parse(text, taxonomy)


def test_a_typical_need_parses_well_under_20_ms(taxonomy):
    texts = [need.text for needs in NEEDS.values() for need in needs]
    parse(texts[0], taxonomy)  # build the index once
    started = time.perf_counter()
    for text in texts:
        parse(text, taxonomy)
    per_need = (time.perf_counter() - started) / len(texts)
    assert per_need < 0.02


def test_a_tube_gives_its_diameter_and_wall(taxonomy):
    parsed = parse("Biegen von Edelstahlrohren Ø 25 x 1,5 mm, 300 Stück", taxonomy)
    assert parsed.diameter_mm.value == 25.0
    assert parsed.thickness_mm.value == 1.5
    assert parsed.dimensions_mm is None


def test_a_coated_material_is_no_coating_step(taxonomy):
    parsed = parse("10 enclosures, 1.5 mm galvanised steel, laser cut and spot welded", taxonomy)
    assert parsed.process_codes == ("laser-cutting", "spot-welding")
    assert parsed.steps[0].material.value == "dx51d"
    assert parsed.thickness_mm.value == 1.5


@pytest.mark.parametrize(("text", "deadline"), [
    ("Délai : 4 semaines", date(2026, 12, 19)),
    ("levertijd 2 weken", date(2026, 12, 5)),
    ("Termin: 20.12.", date(2026, 12, 20)),
    ("deze week nog", TODAY),  # read on a Saturday: this week ends today
    ("next week", date(2026, 11, 27)),
])
def test_reads_lead_times_and_weeks(text, deadline, taxonomy):
    assert parse(text, taxonomy).deadline.value == deadline


def test_the_term_index_is_built_once_per_taxonomy(taxonomy):
    from fabshare.demand.parsing import _matcher

    assert _matcher(taxonomy) is _matcher(taxonomy)
    assert _matcher(load_taxonomy()) is _matcher(taxonomy)  # an equal copy shares it


def test_mid_month_is_the_fifteenth(taxonomy):
    parsed = parse("Angebot bis Mitte Januar", taxonomy)
    assert parsed.deadline.value == date(2027, 1, 15)
    assert parsed.deadline.evidence.text == "Mitte Januar"
