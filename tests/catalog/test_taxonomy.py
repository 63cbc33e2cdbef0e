"""The shipped taxonomy is complete and valid, and the validator catches every kind of problem.

Pure tests (no database, no Django settings): run them with ``-p no:django`` too.
"""

import copy
import json
from collections import defaultdict

import pytest

from fabshare.catalog.taxonomy import (
    LANGUAGES,
    TaxonomyError,
    Term,
    load_taxonomy,
    read_taxonomy_data,
    validate_taxonomy,
)

DIN8580_MAIN_GROUPS = {
    "primary-shaping": "1",
    "forming": "2",
    "separating": "3",
    "joining": "4",
    "coating": "5",
    "changing-material-properties": "6",
}

# Every process issue 3 names, by the code it has in the file.
PROCESSES_NAMED_IN_ISSUE = [
    # primary shaping
    "casting", "sand-casting", "die-casting", "investment-casting", "moulding",
    "powder-metallurgy", "injection-moulding", "metal-injection-moulding",
    # forming
    "bending", "press-brake-bending", "tube-bending", "roll-bending", "deep-drawing", "forging",
    "rolling", "metal-extrusion", "stamping",
    # separating
    "shearing", "punching", "turning", "cnc-turning", "swiss-turning", "milling",
    "milling-3-axis", "milling-5-axis", "high-speed-milling", "drilling", "grinding",
    "surface-grinding", "cylindrical-grinding", "edm", "wire-edm", "sinker-edm",
    "laser-cutting", "laser-cutting-fibre", "laser-cutting-co2", "tube-laser-cutting",
    "waterjet-cutting", "plasma-cutting", "sawing",
    # joining
    "welding", "mig-mag-welding", "tig-welding", "spot-welding", "laser-welding",
    "robot-welding", "friction-stir-welding", "brazing-soldering", "adhesive-bonding",
    "riveting", "assembly", "mechanical-assembly", "electronics-assembly", "pcb-assembly",
    # coating
    "wet-painting", "powder-coating", "hot-dip-galvanising", "electroplating", "anodising",
    "pvd-coating", "cvd-coating",
    # changing material properties
    "heat-treatment", "hardening", "induction-hardening", "case-hardening", "nitriding",
    "annealing", "tempering",
    # additive manufacturing
    "additive-manufacturing", "fdm-fff", "sla", "sls", "mjf", "metal-powder-bed-fusion", "ded",
    # testing and inspection
    "testing-and-inspection", "cmm-measurement", "3d-scanning", "ndt", "ultrasonic-testing",
    "radiographic-testing", "computed-tomography", "dye-penetrant-testing",
    "magnetic-particle-testing", "climate-chamber-testing", "vibration-testing",
    "salt-spray-testing", "emc-testing", "materials-testing", "tensile-testing",
    "hardness-testing", "metallography",
    # engineering services
    "engineering-services", "product-design", "cad-design", "fea-simulation", "prototyping",
    "cam-programming", "industrial-automation",
]

MATERIALS_NAMED_IN_ISSUE = [
    "s235", "s355", "s690", "wear-resistant-steel", "42crmo4", "c45", "tool-steel-1-2379",
    "stainless-304", "stainless-316l", "duplex-1-4462", "al-5083", "al-6061", "al-6082",
    "al-7075", "alsi10mg", "cu-etp", "brass-cuzn39pb3", "bronze", "ti6al4v", "ti-grade-2",
    "inconel-718", "pa6", "pa12", "pa66-gf30", "pom", "peek", "pp", "pe-hd", "abs", "pc", "pmma",
    "pvc", "tpu", "pla", "petg", "cfrp", "gfrp", "solid-wood", "float-glass", "alumina",
    "natural-rubber",
]

# The names the demo data and the organizations' former free list use must resolve by name.
CERTIFICATIONS_BY_NAME = [
    "ISO 9001", "IATF 16949", "AS9100", "EN 9100", "ISO 13485", "ISO 14001", "ISO 45001",
    "ISO 50001", "ISO/IEC 17025", "ISO/IEC 27001", "EN 1090", "ISO 3834", "EN 15085",
    "FSSC 22000", "BRCGS", "IFS Food", "ISO 22000", "HACCP", "GMP", "Qualicoat",
    "Qualisteelcoat", "VCA/SCC", "Nadcap",
]


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture
def data():
    """A fresh, valid copy of the shipped file's structure to break."""
    return copy.deepcopy(_shipped_data())


_cache = {}


def _shipped_data():
    if "data" not in _cache:
        _cache["data"] = read_taxonomy_data()
    return _cache["data"]


def _process(data, code):
    return next(p for p in data["processes"] if p["code"] == code)


# -- the shipped file ------------------------------------------------------------------------


def test_shipped_file_validates_without_problems():
    assert validate_taxonomy(_shipped_data()) == []


def test_shipped_file_has_enough_entries(taxonomy):
    assert taxonomy.version >= 1
    assert len(taxonomy.processes) >= 100
    assert len(taxonomy.materials) >= 40
    assert len(taxonomy.certifications) >= 20
    assert {m.family for m in taxonomy.materials} == set(taxonomy.material_families_by_code)


def test_din8580_main_groups_are_top_level(taxonomy):
    for code, number in DIN8580_MAIN_GROUPS.items():
        process = taxonomy.processes_by_code[code]
        assert process.parent is None
        assert process.din8580 == number
    roots = {p.code for p in taxonomy.roots()}
    assert roots == {*DIN8580_MAIN_GROUPS, "additive-manufacturing", "testing-and-inspection",
                     "engineering-services"}


def test_assembly_sits_under_joining(taxonomy):
    assert taxonomy.processes_by_code["assembly"].parent == "joining"


@pytest.mark.parametrize("code", PROCESSES_NAMED_IN_ISSUE)
def test_every_process_named_in_the_issue_is_present(taxonomy, code):
    assert code in taxonomy.processes_by_code


@pytest.mark.parametrize("code", MATERIALS_NAMED_IN_ISSUE)
def test_every_material_named_in_the_issue_is_present(taxonomy, code):
    assert code in taxonomy.materials_by_code


def test_certifications_resolve_by_their_names(taxonomy):
    names = {c.name for c in taxonomy.certifications}
    assert set(CERTIFICATIONS_BY_NAME) <= names
    assert len(names) == len(taxonomy.certifications)  # the name is unique in the database


def test_every_process_and_material_has_synonyms_in_all_four_languages(taxonomy):
    for entry in [*taxonomy.processes, *taxonomy.materials]:
        for language in LANGUAGES:
            assert entry.synonyms.get(language), (entry.code, language)


def test_labels_are_unique_within_a_list_and_language(taxonomy):
    for entries in (taxonomy.processes, taxonomy.materials, taxonomy.material_families,
                    taxonomy.certifications):
        for language in LANGUAGES:
            seen = defaultdict(list)
            for entry in entries:
                seen[entry.labels[language].casefold()].append(entry.code)
            assert {label: codes for label, codes in seen.items() if len(codes) > 1} == {}


def test_the_machinists_words_are_there(taxonomy):
    def words(code, language):
        process = taxonomy.processes_by_code[code]
        return {process.labels[language], *process.synonyms[language]}

    assert {"kantbank", "zetten", "plooien"} <= words("press-brake-bending", "nl")
    assert "Abkanten" in words("press-brake-bending", "de")
    assert {"lasersnijden", "gelaserd"} <= {w.lower() for w in words("laser-cutting", "nl")}
    assert {"Découpe laser", "découpe au laser"} <= words("laser-cutting", "fr")
    assert {"Laserschneiden", "lasern"} <= words("laser-cutting", "de")
    assert "laser cut" in words("laser-cutting", "en")
    assert "Fraisage 5 axes" in words("milling-5-axis", "fr")
    assert "5-Achs-Fräsen" in words("milling-5-axis", "de")
    assert {"Drehen", "Draaien", "Tournage"} <= {
        taxonomy.processes_by_code["turning"].labels[lang] for lang in LANGUAGES}
    stainless = taxonomy.materials_by_code["stainless-304"]
    assert {"RVS", "inox", "V2A"} <= set(stainless.synonyms["nl"])
    assert "V4A" in taxonomy.materials_by_code["stainless-316l"].synonyms["de"]
    assert "1.0045" in taxonomy.materials_by_code["s355"].synonyms["en"]


def test_codes_are_stable_slugs(taxonomy):
    # A rename would break every import file and API client that refers to the old code.
    for entries in (taxonomy.processes, taxonomy.materials, taxonomy.material_families,
                    taxonomy.certifications):
        for entry in entries:
            assert entry.code == entry.code.lower().strip()
            assert entry.code.isascii()


# -- the tree ----------------------------------------------------------------------------------


def test_descendants_include_the_process_and_everything_below(taxonomy):
    below_separating = {p.code for p in taxonomy.descendants("separating")}
    assert {"separating", "laser-cutting", "laser-cutting-fibre", "tube-laser-cutting",
            "milling-5-axis", "wire-edm", "punching"} <= below_separating
    assert "mig-mag-welding" not in below_separating
    assert [p.code for p in taxonomy.descendants("laser-cutting")] == [
        "laser-cutting", "laser-cutting-fibre", "laser-cutting-co2", "tube-laser-cutting"]
    assert [p.code for p in taxonomy.descendants("sla")] == ["sla"]


def test_children_are_the_direct_ones_only(taxonomy):
    children = {p.code for p in taxonomy.children("welding")}
    assert {"mig-mag-welding", "tig-welding", "robot-welding"} <= children
    assert all(taxonomy.processes_by_code[c].parent == "welding" for c in children)
    assert taxonomy.children("mjf") == ()


def test_unknown_codes_raise_key_error(taxonomy):
    with pytest.raises(KeyError):
        taxonomy.children("no-such-process")
    with pytest.raises(KeyError):
        taxonomy.descendants("no-such-process")


def test_descendants_of_the_roots_cover_every_process_once(taxonomy):
    covered = [p.code for root in taxonomy.roots() for p in taxonomy.descendants(root.code)]
    assert sorted(covered) == sorted(taxonomy.processes_by_code)


# -- terms for the parser ----------------------------------------------------------------------


def test_all_terms_yields_every_label_and_synonym(taxonomy):
    terms = list(taxonomy.all_terms())
    assert all(isinstance(t, Term) for t in terms)
    assert ("Laserschneiden", "process", "laser-cutting") in terms
    assert ("Lasersnijden", "process", "laser-cutting") in terms
    assert ("gelaserd", "process", "laser-cutting") in terms
    assert ("RVS", "material", "stainless-304") in terms
    assert ("Steel", "material_family", "steel") in terms
    assert ("ISO 9001", "certification", "iso-9001") in terms
    assert ("ISO9001", "certification", "iso-9001") in terms
    assert ("Kwaliteitsmanagement", "certification", "iso-9001") in terms
    assert {kind for _, kind, _ in terms} == {
        "process", "material", "material_family", "certification"}


def test_all_terms_for_one_language(taxonomy):
    dutch = set(taxonomy.all_terms("nl"))
    assert ("kantbank", "process", "press-brake-bending") in dutch
    assert ("Abkanten", "process", "press-brake-bending") not in dutch
    assert ("Press brake bending", "process", "press-brake-bending") not in dutch
    # Certification names and spellings belong to no language and always come along.
    assert ("IATF 16949", "certification", "iatf-16949") in dutch
    assert ("TS 16949", "certification", "iatf-16949") in dutch
    assert ("Milieumanagement", "certification", "iso-14001") in dutch
    assert ("Environmental management", "certification", "iso-14001") not in dutch


# -- loading -----------------------------------------------------------------------------------


def test_load_taxonomy_reads_a_given_path(tmp_path, data):
    data["processes"] = data["processes"][:1]
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert [p.code for p in load_taxonomy(path).processes] == ["primary-shaping"]


def test_load_taxonomy_refuses_an_invalid_file(tmp_path, data):
    data["processes"].append(copy.deepcopy(data["processes"][0]))
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TaxonomyError) as excinfo:
        load_taxonomy(path)
    assert excinfo.value.problems
    assert "duplicate code" in str(excinfo.value)


# -- the validator ---------------------------------------------------------------------------


def _problems(data):
    return "\n".join(validate_taxonomy(data))


def test_validator_catches_a_duplicate_code(data):
    data["materials"].append(copy.deepcopy(data["materials"][3]))
    assert f"'{data['materials'][3]['code']}': duplicate code" in _problems(data)


def test_validator_catches_an_unknown_parent(data):
    _process(data, "milling")["parent"] = "machinning"
    assert "'milling': unknown parent 'machinning'" in _problems(data)


def test_validator_catches_a_cycle(data):
    _process(data, "separating")["parent"] = "milling-5-axis"
    problems = _problems(data)
    assert "parent cycle" in problems
    assert "separating" in problems and "milling-5-axis" in problems
    assert problems.count("parent cycle") == 1  # reported once, not once per member
    assert "din8580" not in problems  # no follow-on noise about the cycle's DIN groups


def test_validator_catches_a_process_that_is_its_own_parent(data):
    _process(data, "sla")["parent"] = "sla"
    assert "parent cycle sla -> sla" in _problems(data)


def test_validator_catches_a_missing_language(data):
    del _process(data, "milling")["labels"]["fr"]
    del data["certifications"][0]["labels"]["de"]
    problems = _problems(data)
    assert "'milling': label missing for language 'fr'" in problems
    assert "'iso-9001': label missing for language 'de'" in problems


def test_validator_catches_an_empty_label(data):
    _process(data, "milling")["labels"]["nl"] = "  "
    data["material_families"][0]["labels"]["en"] = ""
    problems = _problems(data)
    assert "'milling': empty label for language 'nl'" in problems
    assert "'steel': empty label for language 'en'" in problems


@pytest.mark.parametrize("code", ["Milling", "laser_cutting", "5 axis", "-milling", "milling-",
                                  "fräsen", "a--b", "", "x" * 61])
def test_validator_catches_a_bad_code(data, code):
    _process(data, "mjf")["code"] = code
    assert "code" in _problems(data)


def test_validator_catches_an_unknown_material_family(data):
    data["materials"][0]["family"] = "unobtainium"
    assert "unknown material family 'unobtainium'" in _problems(data)


def test_validator_catches_bad_synonyms_and_din_numbers(data):
    milling = _process(data, "milling")
    milling["synonyms"]["es"] = ["fresado"]
    milling["synonyms"]["de"] = ["Fräsen", "Fräsen", ""]
    milling["din8580"] = "3.2.x"
    _process(data, "drilling")["din8580"] = "4.2"  # not inside separating's group 3
    data["certifications"][0]["name"] = ""
    problems = _problems(data)
    assert "synonyms in unknown language 'es'" in problems
    assert "synonym 'Fräsen' repeated" in problems
    assert "empty or non-text synonym ''" in problems
    assert "din8580 must be null or a group number" in problems
    assert "din8580 '4.2' is not inside the group '3'" in problems
    assert "'iso-9001': 'name' must be a non-empty string" in problems


@pytest.mark.parametrize("broken", [
    None, [], {}, {"version": 1}, {"version": "1", "processes": {}},
    {"version": 1, "processes": [None, {"code": 7}, {"code": "x", "labels": []}],
     "material_families": [], "materials": [{"code": "m", "labels": {}, "synonyms": []}],
     "certifications": [{"code": "c", "labels": {}, "synonyms": {}}]},
])
def test_validator_reports_malformed_structures_without_raising(broken):
    problems = validate_taxonomy(broken)
    assert problems and all(isinstance(p, str) for p in problems)
