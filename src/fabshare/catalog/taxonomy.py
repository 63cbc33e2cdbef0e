"""The shipped taxonomy: processes (a tree after DIN 8580), materials by family, and
certifications, each labelled in en, nl, fr and de with the synonyms people type.

Pure code, no Django: ``data/taxonomy.json`` is read and checked here; the data migration and
``vocabulary.py`` write it to the database, and the free-text parser matches against
``Taxonomy.all_terms()``.

Codes are lowercase ASCII slugs and are stable forever: they are the external ids in import
files and the API. ``din8580`` is the number of the DIN 8580:2003 group a process stands for
(e.g. "3.2.3" Fräsen); it is null for variants that inherit their parent's group and for the
branches DIN 8580 does not cover (additive manufacturing, testing, engineering services).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

LANGUAGES = ("en", "nl", "fr", "de")
CODE_MAX_LENGTH = 60  # the SlugField the codes are stored in
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DIN8580_PATTERN = re.compile(r"^[1-6](?:\.[1-9][0-9]*)*$")

SECTIONS = ("processes", "material_families", "materials", "certifications")


class TaxonomyError(ValueError):
    """The taxonomy file has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid taxonomy:\n" + "\n".join(f"- {p}" for p in problems))


class Term(NamedTuple):
    """One word or phrase that names a taxonomy entry; ``kind`` is "process", "material",
    "material_family" or "certification"."""

    term: str
    kind: str
    code: str


def _label(labels: Mapping[str, str], language: str) -> str:
    return labels.get(language) or labels["en"]


@dataclass(frozen=True)
class Process:
    code: str
    parent: str | None
    din8580: str | None
    labels: Mapping[str, str]
    synonyms: Mapping[str, tuple[str, ...]]

    def label(self, language: str = "en") -> str:
        return _label(self.labels, language)


@dataclass(frozen=True)
class MaterialFamily:
    code: str
    labels: Mapping[str, str]

    def label(self, language: str = "en") -> str:
        return _label(self.labels, language)


@dataclass(frozen=True)
class Material:
    code: str
    family: str
    labels: Mapping[str, str]
    synonyms: Mapping[str, tuple[str, ...]]

    def label(self, language: str = "en") -> str:
        return _label(self.labels, language)


@dataclass(frozen=True)
class Certification:
    code: str
    name: str  # the standard's own name ("ISO 9001"), the same in every language
    labels: Mapping[str, str]  # what it certifies, per language
    synonyms: tuple[str, ...]  # language-neutral spellings ("ISO9001", "9001")

    def label(self, language: str = "en") -> str:
        return _label(self.labels, language)


@dataclass(frozen=True)
class Taxonomy:
    version: int
    processes: tuple[Process, ...]
    material_families: tuple[MaterialFamily, ...]
    materials: tuple[Material, ...]
    certifications: tuple[Certification, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Taxonomy:
        """Build from the file's structure; call ``validate_taxonomy`` first."""

        def synonyms(entry):
            return {lang: tuple(terms) for lang, terms in (entry.get("synonyms") or {}).items()}

        return cls(
            version=data["version"],
            processes=tuple(
                Process(code=e["code"], parent=e.get("parent"), din8580=e.get("din8580"),
                        labels=dict(e["labels"]), synonyms=synonyms(e))
                for e in data["processes"]
            ),
            material_families=tuple(
                MaterialFamily(code=e["code"], labels=dict(e["labels"]))
                for e in data["material_families"]
            ),
            materials=tuple(
                Material(code=e["code"], family=e["family"], labels=dict(e["labels"]),
                         synonyms=synonyms(e))
                for e in data["materials"]
            ),
            certifications=tuple(
                Certification(code=e["code"], name=e["name"], labels=dict(e["labels"]),
                              synonyms=tuple(e.get("synonyms") or ()))
                for e in data["certifications"]
            ),
        )

    @cached_property
    def processes_by_code(self) -> Mapping[str, Process]:
        return {p.code: p for p in self.processes}

    @cached_property
    def materials_by_code(self) -> Mapping[str, Material]:
        return {m.code: m for m in self.materials}

    @cached_property
    def material_families_by_code(self) -> Mapping[str, MaterialFamily]:
        return {f.code: f for f in self.material_families}

    @cached_property
    def certifications_by_code(self) -> Mapping[str, Certification]:
        return {c.code: c for c in self.certifications}

    @cached_property
    def _children(self) -> Mapping[str | None, tuple[Process, ...]]:
        children: dict[str | None, list[Process]] = defaultdict(list)
        for process in self.processes:
            children[process.parent].append(process)
        return {parent: tuple(kids) for parent, kids in children.items()}

    def roots(self) -> tuple[Process, ...]:
        """The top-level processes, in file order."""
        return self._children.get(None, ())

    def children(self, code: str) -> tuple[Process, ...]:
        """The direct children of a process, in file order; KeyError for an unknown code."""
        if code not in self.processes_by_code:
            raise KeyError(code)
        return self._children.get(code, ())

    def descendants(self, code: str) -> tuple[Process, ...]:
        """The process itself and everything below it, depth first in file order.

        What a seeker asking for ``code`` is served by: "laser cutting" also finds the fibre
        and tube lasers. O(size of the subtree); KeyError for an unknown code.
        """
        found: list[Process] = []
        stack = [self.processes_by_code[code]]
        while stack:
            process = stack.pop()
            found.append(process)
            stack.extend(reversed(self._children.get(process.code, ())))
        return tuple(found)

    def materials_in(self, family: str) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if m.family == family)

    def all_terms(self, language: str | None = None) -> Iterator[Term]:
        """Every label and synonym as (term, kind, code), for the free-text parser.

        With ``language``, only that language's labels and synonyms, plus the
        language-neutral names and synonyms of certifications. Terms are yielded as written
        (case and accents kept); normalising is the parser's business.
        """
        languages = LANGUAGES if language is None else (language,)

        def labelled(kind, entries, with_synonyms=True):
            for entry in entries:
                for lang in languages:
                    if lang in entry.labels:
                        yield Term(entry.labels[lang], kind, entry.code)
                    if with_synonyms:
                        for synonym in entry.synonyms.get(lang, ()):
                            yield Term(synonym, kind, entry.code)

        yield from labelled("process", self.processes)
        yield from labelled("material", self.materials)
        yield from labelled("material_family", self.material_families, with_synonyms=False)
        for cert in self.certifications:
            yield Term(cert.name, "certification", cert.code)
            for lang in languages:
                if lang in cert.labels:
                    yield Term(cert.labels[lang], "certification", cert.code)
            for synonym in cert.synonyms:
                yield Term(synonym, "certification", cert.code)


def shipped_taxonomy_path() -> Path:
    return Path(str(resources.files("fabshare.catalog") / "data" / "taxonomy.json"))


def read_taxonomy_data(path: str | Path | None = None) -> dict:
    with Path(path or shipped_taxonomy_path()).open(encoding="utf-8") as handle:
        return json.load(handle)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and check a taxonomy file (the shipped one by default); TaxonomyError if invalid."""
    data = read_taxonomy_data(path)
    problems = validate_taxonomy(data)
    if problems:
        raise TaxonomyError(problems)
    return Taxonomy.from_dict(data)


# -- validation ----------------------------------------------------------------------------


def validate_taxonomy(data: dict) -> list[str]:
    """Every problem with a taxonomy structure, as readable sentences; empty when valid.

    Checks the shape, codes (slug, length, unique per list), labels (all four languages,
    non-empty), synonyms (known languages, non-empty strings, no repeats), process parents
    (known, no cycles), DIN 8580 numbers (well formed, inside the nearest numbered ancestor's
    group) and material families. Never raises on malformed input. O(n) in the entries,
    plus O(depth) per process for the cycle and DIN checks.
    """
    if not isinstance(data, dict):
        return ["the taxonomy must be a JSON object"]
    problems: list[str] = []
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(f"'version' must be a positive integer, not {version!r}")
    sections: dict[str, list[tuple[str, dict]]] = {}
    for section in SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, list):
            problems.append(f"'{section}' must be a list")
            entries = []
        sections[section] = _check_entries(section, entries, problems)

    family_codes = {entry["code"] for _, entry in sections["material_families"]}
    for where, entry in sections["materials"]:
        family = entry.get("family")
        if family not in family_codes:
            problems.append(f"{where}: unknown material family {family!r}")
    for where, entry in sections["certifications"]:
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: 'name' must be a non-empty string")
    _check_process_tree(sections["processes"], problems)
    return problems


def _check_entries(section: str, entries: list, problems: list[str]) -> list[tuple[str, dict]]:
    """Check what every entry has (code, labels, synonyms); return (location, entry) pairs
    for the entries that are objects with a string code, for the cross-entry checks."""
    seen: dict[str, str] = {}
    checked = []
    for index, entry in enumerate(entries):
        where = f"{section}[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object")
            continue
        code = entry.get("code")
        if not isinstance(code, str):
            problems.append(f"{where}: 'code' must be a string, not {code!r}")
            continue
        where = f"{section}[{index}] {code!r}"
        if not CODE_PATTERN.match(code):
            problems.append(f"{where}: code must be a lowercase ASCII slug (a-z, 0-9, hyphens)")
        if len(code) > CODE_MAX_LENGTH:
            problems.append(f"{where}: code is longer than {CODE_MAX_LENGTH} characters")
        if code in seen:
            problems.append(f"{where}: duplicate code, first used at {seen[code]}")
        else:
            seen[code] = f"{section}[{index}]"
        _check_labels(where, entry.get("labels"), problems)
        if section == "certifications":
            _check_terms(f"{where} synonyms", entry.get("synonyms", []), problems)
        elif section != "material_families":
            _check_synonyms(where, entry.get("synonyms", {}), problems)
        checked.append((where, entry))
    return checked


def _check_labels(where: str, labels: Any, problems: list[str]) -> None:
    if not isinstance(labels, dict):
        problems.append(f"{where}: 'labels' must be an object with {', '.join(LANGUAGES)}")
        return
    for lang in LANGUAGES:
        if lang not in labels:
            problems.append(f"{where}: label missing for language '{lang}'")
        elif not isinstance(labels[lang], str) or not labels[lang].strip():
            problems.append(f"{where}: empty label for language '{lang}'")
    for lang in labels:
        if lang not in LANGUAGES:
            problems.append(f"{where}: label in unknown language {lang!r}")


def _check_synonyms(where: str, synonyms: Any, problems: list[str]) -> None:
    if not isinstance(synonyms, dict):
        problems.append(f"{where}: 'synonyms' must be an object of lists per language")
        return
    for lang, terms in synonyms.items():
        if lang not in LANGUAGES:
            problems.append(f"{where}: synonyms in unknown language {lang!r}")
        _check_terms(f"{where} synonyms[{lang!r}]", terms, problems)


def _check_terms(where: str, terms: Any, problems: list[str]) -> None:
    if not isinstance(terms, list):
        problems.append(f"{where}: must be a list of strings")
        return
    seen = set()
    for term in terms:
        if not isinstance(term, str) or not term.strip():
            problems.append(f"{where}: empty or non-text synonym {term!r}")
        elif term in seen:
            problems.append(f"{where}: synonym {term!r} repeated")
        else:
            seen.add(term)


def _check_process_tree(processes: list[tuple[str, dict]], problems: list[str]) -> None:
    by_code = {}
    for where, entry in processes:
        by_code.setdefault(entry["code"], (where, entry))
    parent_of = {}
    for code, (where, entry) in by_code.items():
        parent = entry.get("parent")
        if parent is None:
            continue
        if not isinstance(parent, str):
            problems.append(f"{where}: 'parent' must be a code or null, not {parent!r}")
        elif parent not in by_code:
            problems.append(f"{where}: unknown parent {parent!r}")
        else:
            parent_of[code] = parent

    # A cycle: following parents from some process comes back to a process on the same path.
    reported: set[frozenset[str]] = set()
    in_cycle: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        on_path: set[str] = set()
        code: str | None = start
        while code is not None and code not in on_path:
            path.append(code)
            on_path.add(code)
            code = parent_of.get(code)
        if code is None:
            continue
        cycle = path[path.index(code):]
        if frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            in_cycle.update(cycle)
            problems.append("processes: parent cycle " + " -> ".join([*cycle, cycle[0]]))

    for code, (where, entry) in by_code.items():
        din = entry.get("din8580")
        if din is None:
            continue
        if not isinstance(din, str) or not DIN8580_PATTERN.match(din):
            problems.append(f"{where}: din8580 must be null or a group number such as "
                            f"'3.2.3', not {din!r}")
            continue
        if code in in_cycle:  # already reported; its ancestry has no meaning
            continue
        ancestor = parent_of.get(code)
        visited = {code}
        while ancestor is not None and ancestor not in visited:
            visited.add(ancestor)
            ancestor_din = by_code[ancestor][1].get("din8580")
            if isinstance(ancestor_din, str) and DIN8580_PATTERN.match(ancestor_din):
                if not din.startswith(ancestor_din + "."):
                    problems.append(f"{where}: din8580 {din!r} is not inside the group "
                                    f"{ancestor_din!r} of its ancestor {ancestor!r}")
                break
            ancestor = parent_of.get(ancestor)
