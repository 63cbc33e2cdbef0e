"""Loads the shipped taxonomy file into the database: an upsert by stable code.

Used by the data migration (with historical models), by ``fabshare manage load_taxonomy``
after an upgrade ships a new file version, and by tests after a table flush. Entries are never
deleted (resources may refer to them); labels, synonyms, parents and order are updated, and
entries operators added in the admin are left alone.
"""

import json
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"


def read_taxonomy(path: Path = TAXONOMY_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def sync_vocabulary(data: dict, *, Process, MaterialFamily, Material, Certification) -> dict:  # noqa: N803
    """Upsert every process, material family, material and certification; return counts."""
    counts = {}
    by_code = {}
    for position, entry in enumerate(data["processes"]):
        process, _ = Process.objects.update_or_create(
            code=entry["code"],
            defaults={"labels": entry["labels"], "synonyms": entry.get("synonyms", {}),
                      "din8580": entry.get("din8580") or "", "position": position},
        )
        by_code[process.code] = (process, entry.get("parent"))
    for process, parent in by_code.values():
        parent_id = by_code[parent][0].pk if parent else None
        if process.parent_id != parent_id:
            process.parent_id = parent_id
            process.save(update_fields=["parent"])
    counts["processes"] = len(by_code)
    families = {}
    for position, entry in enumerate(data["material_families"]):
        families[entry["code"]], _ = MaterialFamily.objects.update_or_create(
            code=entry["code"], defaults={"labels": entry["labels"], "position": position})
    counts["material_families"] = len(families)
    for position, entry in enumerate(data["materials"]):
        Material.objects.update_or_create(
            code=entry["code"],
            defaults={"family": families[entry["family"]], "labels": entry["labels"],
                      "synonyms": entry.get("synonyms", {}), "position": position},
        )
    counts["materials"] = len(data["materials"])
    for position, entry in enumerate(data["certifications"]):
        Certification.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "labels": entry.get("labels", {}),
                      "synonyms": entry.get("synonyms", []), "position": position},
        )
    counts["certifications"] = len(data["certifications"])
    return counts


def sync_from_apps(apps) -> dict:
    """The same, with the models of a migration state (or the live app registry)."""
    return sync_vocabulary(
        read_taxonomy(),
        Process=apps.get_model("catalog", "Process"),
        MaterialFamily=apps.get_model("catalog", "MaterialFamily"),
        Material=apps.get_model("catalog", "Material"),
        Certification=apps.get_model("network", "Certification"),
    )
