"""From the parser's suggestions (``demand.parsing``, pure) to what pages show and what the
services store: taxonomy codes become processes, materials and certifications, millimetres of
tolerance become micrometres, and every suggestion keeps the words it was read from."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fabshare.catalog.models import Material, Process
from fabshare.catalog.taxonomy import Taxonomy, load_taxonomy
from fabshare.core.errors import DomainError
from fabshare.demand import parsing, services
from fabshare.demand.models import CapacityRequest
from fabshare.network.models import Certification, Organization, User


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def parse(text: str, *, today: date | None = None, language: str | None = None
          ) -> parsing.ParsedNeed:
    return parsing.parse_need(text or "", taxonomy=taxonomy(), today=today or timezone.localdate(),
                              language=language)


@dataclass
class Line:
    """One suggestion for the page: what it is, the value, and the words it was read from."""

    what: str
    value: str
    source: str
    rule: str = "exact"


@dataclass
class ReadStep:
    position: int
    process: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Reading:
    steps: list[ReadStep]
    general: list[Line]
    language: str | None
    is_empty: bool


def _n(value: float) -> str:
    return formats.number_format(value, decimal_pos=None if value % 1 else 0)


def _dims(values) -> str:
    return " × ".join(_n(v) for v in values) + " mm"


def _label(kind: str, code: str) -> str:
    lang = (get_language() or "en")[:2]
    tax = taxonomy()
    table = {"process": tax.processes_by_code, "material": tax.materials_by_code,
             "family": tax.material_families_by_code,
             "certification": tax.certifications_by_code}[kind]
    entry = table.get(code)
    if entry is None:
        return code
    return entry.label(lang) if kind != "certification" else getattr(entry, "name", code)


def _line(what: str, value: str, found) -> Line:
    return Line(what=what, value=value, source=found.evidence.text, rule=found.evidence.rule)


def _step_lines(step: parsing.SuggestedStep) -> list[Line]:
    lines = [_line(_("Process"), _label("process", step.process.value), step.process)]
    if step.material:
        lines.append(_line(_("Material"), _label("material", step.material.value),
                           step.material))
    elif step.material_family:
        lines.append(_line(_("Material"), _label("family", step.material_family.value),
                           step.material_family))
    if step.quantity:
        lines.append(_line(_("Quantity"), _n(step.quantity.value), step.quantity))
    if step.part_size_mm:
        lines.append(_line(_("Part size"), _dims(step.part_size_mm.value), step.part_size_mm))
    if step.diameter_mm:
        lines.append(_line(_("Diameter"), f"Ø {_n(step.diameter_mm.value)} mm",
                           step.diameter_mm))
    if step.thickness_mm:
        lines.append(_line(_("Thickness"), f"{_n(step.thickness_mm.value)} mm",
                           step.thickness_mm))
    if step.tolerance_mm:
        lines.append(_line(_("Tolerance"), f"± {_n(step.tolerance_mm.value * 1000)} µm",
                           step.tolerance_mm))
    return lines


def read(text: str, *, today: date | None = None) -> Reading:
    parsed = parse(text, today=today)
    general = []
    for cert in parsed.certifications:
        general.append(_line(_("Certification"), _label("certification", cert.value), cert))
    if parsed.earliest_start:
        general.append(_line(_("Earliest start"), formats.date_format(
            parsed.earliest_start.value, "SHORT_DATE_FORMAT"), parsed.earliest_start))
    if parsed.deadline:
        general.append(_line(_("Deadline"), formats.date_format(
            parsed.deadline.value, "SHORT_DATE_FORMAT"), parsed.deadline))
    steps = [ReadStep(position=n, process=_label("process", s.process.value),
                      lines=_step_lines(s)) for n, s in enumerate(parsed.steps, 1)]
    return Reading(steps=steps, general=general, language=parsed.language,
                   is_empty=not steps and not general)


def _first(*found):
    for item in found:
        if item is not None:
            return item.value
    return None


def step_fields(parsed: parsing.ParsedNeed) -> list[dict]:
    """The suggested steps as ``services.clean_steps`` input."""
    processes = Process.objects.in_bulk([s.process.value for s in parsed.steps],
                                        field_name="code")
    material_codes = [s.material.value for s in parsed.steps if s.material]
    materials = Material.objects.in_bulk(material_codes, field_name="code")
    rows = []
    for step in parsed.steps:
        process = processes.get(step.process.value)
        if process is None:
            continue
        row = {"process": process,
               "material": materials.get(step.material.value) if step.material else None,
               "quantity": _first(step.quantity, parsed.quantity)}
        size = _first(step.part_size_mm, parsed.dimensions_mm)
        diameter = _first(step.diameter_mm, parsed.diameter_mm)
        if size:
            dims = [math.ceil(v) for v in size[:3]]
            for key, value in zip(("part_x_mm", "part_y_mm", "part_z_mm"), dims, strict=False):
                row[key] = value
        elif diameter:
            row["part_x_mm"] = row["part_y_mm"] = math.ceil(diameter)
        thickness = _first(step.thickness_mm, parsed.thickness_mm)
        if thickness:
            row["thickness_mm"] = str(thickness)
        tolerance = _first(step.tolerance_mm, parsed.tolerance_mm)
        if tolerance:
            row["tolerance_um"] = max(1, round(tolerance * 1000))
        rows.append(row)
    return rows


def _title(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].strip()
    if len(first) > 80:
        first = first[:79].rsplit(" ", 1)[0] + "…"
    return first or _("New request")


@transaction.atomic
def request_from_text(*, actor: User, organization: Organization, text: str,
                      language: str | None = None, today: date | None = None
                      ) -> CapacityRequest:
    """Save a draft with the steps, dates and certifications read from ``text``; suggestions
    the services refuse (an absurd number, a date in the past) are left for the user."""
    today = today or timezone.localdate()
    parsed = parse(text, today=today)
    fields = {"description": text, "language": parsed.language or (language or "en")[:2]}
    if parsed.earliest_start and parsed.earliest_start.value >= today:
        fields["earliest_start"] = parsed.earliest_start.value
    if parsed.deadline and parsed.deadline.value >= max(today, fields.get("earliest_start",
                                                                           today)):
        fields["deadline"] = parsed.deadline.value
    codes = [c.value for c in parsed.certifications]
    if codes:
        fields["certifications"] = list(Certification.objects.filter(code__in=codes))
    steps = []
    for row in step_fields(parsed):
        try:
            steps.extend(services.clean_steps([row]))
        except DomainError:  # keep the process; the user corrects the rest
            steps.extend(services.clean_steps([{"process": row["process"],
                                                "material": row.get("material")}]))
    return services.request_create(actor=actor, organization=organization, title=_title(text),
                                   steps=steps, **fields)
