"""Compile the translation catalogs (.po → .mo) without GNU gettext, and check they are current.

The compiled .mo files are committed and shipped in the package, so an installation needs no
build step. ``python -m fabshare.core.catalogs --compile`` rewrites them after a translator
edits a .po file; ``--check`` (run by the test command) fails when a .mo is stale or a
translation is missing or fuzzy.
"""

import argparse
import io
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("nl", "fr", "de")


def _compile(po_path: Path) -> tuple[bytes, list[str]]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        label = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            problems.append(f"{po_path}: fuzzy translation for {label!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"{po_path}: missing translation for {label!r}")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue(), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--compile", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    failures = []
    for language in LANGUAGES:
        po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        mo_path = po_path.with_suffix(".mo")
        if not po_path.exists():
            failures.append(f"{po_path} is missing")
            continue
        compiled, problems = _compile(po_path)
        failures.extend(problems)
        if args.compile:
            mo_path.write_bytes(compiled)
        elif not mo_path.exists() or mo_path.read_bytes() != compiled:
            failures.append(f"{mo_path} is stale: run python -m fabshare.core.catalogs --compile")
    for failure in failures:
        print(failure, file=sys.stderr)
    if not failures:
        print(f"catalogs {'compiled' if args.compile else 'current'}: {', '.join(LANGUAGES)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
