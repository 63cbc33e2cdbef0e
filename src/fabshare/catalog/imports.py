"""Onboarding import: read a CSV or XLSX file of organizations, sites and resources, and check
every row and column into plain specifications with a list of errors.

Pure: no database. What needs the database (process and material codes, certification names)
comes in through a ``Vocabulary``; matching rows to existing objects and writing them is the
job of ``catalog.services.import_preview`` / ``import_commit``.

The file
- CSV: UTF-8 with or without a byte-order mark; ``;`` or ``,`` between fields (whichever the
  header row uses more); one table whose kind is told by its header (``legal_name`` →
  organizations, ``name`` → resources, ``site_name`` and ``city`` → sites).
- XLSX: the sheets named ``organizations``, ``sites`` and ``resources`` (other sheets, such as
  the template's ``columns``, are ignored); without such a sheet, the first sheet, told by its
  header like a CSV.
- The first non-empty row is the header; column names are the identifiers of the template
  (case and surrounding spaces do not matter). Row numbers in errors are the numbers a
  spreadsheet shows (the header is usually row 1).

Rows of one table that share an external id describe one object: the first row carries its
fields, every further row adds a site (organizations) or a capability (resources); a value
repeated on a further row must equal the first one. A column missing from the header leaves
that field of an existing object untouched; a column present but empty sets the field's
default (so a file describes its objects completely and re-importing it changes nothing).

Complexity: linear in the number of cells; at most ``MAX_ROWS`` data rows per file.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl.utils import get_column_letter

from fabshare.catalog.limits import check_limits
from fabshare.catalog.models import ResourceKind, Visibility
from fabshare.network.identifiers import normalize_enterprise_number
from fabshare.network.models import OrganizationKind

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an XLSX is a ZIP: refuse a decompression bomb
MAX_CELL_CHARS = 4000
MAX_COLUMNS = 200
MAX_SHEET_ROW = 100_000  # the last row number read from a sheet (gaps included)

ORGANIZATIONS, SITES, RESOURCES = "organizations", "sites", "resources"
TABLES = (ORGANIZATIONS, SITES, RESOURCES)
NETWORK_SCOPE, ORGANIZATION_SCOPE = "network", "organization"
TABLES_BY_SCOPE = {NETWORK_SCOPE: (ORGANIZATIONS, RESOURCES),
                   ORGANIZATION_SCOPE: (SITES, RESOURCES)}

TRUE_WORDS = {"yes", "y", "ja", "j", "oui", "o", "true", "waar", "vrai", "wahr", "1", "x"}
FALSE_WORDS = {"no", "n", "nee", "non", "false", "onwaar", "faux", "falsch", "nein", "0"}
LIST_SEPARATOR = re.compile(r"[,;\n]")
LIMIT_COLUMNS = ("envelope_x_mm", "envelope_y_mm", "envelope_z_mm", "max_weight_kg",
                 "max_thickness_mm", "tolerance_um", "force_kn", "axes")


class ImportFileError(ValueError):
    """The file cannot be read at all (too large, empty, not CSV or XLSX, no known table)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportFile:
    """An uploaded file: its name (for messages only; the type is read from the content)."""

    name: str
    data: bytes

    @classmethod
    def from_upload(cls, upload) -> ImportFile:
        """Read an uploaded file, refusing it before reading when it is over the limit."""
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ImportFileError(too_large_message(upload.size))
        upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
        return cls(name=(upload.name or "upload")[:200], data=data)


@dataclass(frozen=True)
class RowError:
    """One problem, where the user finds it: sheet (or table of a CSV), row and column."""

    sheet: str
    row: int
    column: str
    message: str


@dataclass
class RawRow:
    number: int
    values: dict[str, str]


@dataclass
class Table:
    kind: str
    sheet: str
    header_row: int
    columns: list[str]
    rows: list[RawRow] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """A column of the template, with what the template's "columns" sheet says about it."""

    name: str
    required: bool
    format: Promise | str
    example: str
    description: Promise | str = ""
    allowed: Promise | str = ""


@dataclass(frozen=True)
class Vocabulary:
    """What rows may name: process and material codes, certifications by any name."""

    processes: frozenset[str]
    materials: frozenset[str]
    certifications: dict[str, str]  # folded name, code or synonym → code

    def certification(self, text: str) -> str | None:
        return self.certifications.get(fold_certification(text))


def fold_certification(text: str) -> str:
    return text.casefold().replace(" ", "")


# --- specifications: what the rows ask for ---------------------------------------------------


@dataclass
class SiteSpec:
    sheet: str
    row: int
    name: str
    city: str
    latitude: float
    longitude: float
    street: str = ""
    postal_code: str = ""
    country: str | None = None  # None: the organization's country


@dataclass
class OrganizationSpec:
    sheet: str
    rows: list[int]
    external_id: str
    fields: dict  # name, kind, country, enterprise_number, website, description, sectors …
    sites: list[SiteSpec] = field(default_factory=list)
    ok: bool = True  # False when the first row has errors: the organization is not applied


@dataclass
class CapabilitySpec:
    row: int
    process: str
    limits: dict  # only the limit columns present in the file
    materials: list[tuple[str, Decimal | None]] | None  # None: no materials column


@dataclass
class ResourceSpec:
    sheet: str
    rows: list[int]
    external_id: str
    fields: dict  # model field → value, only for the columns present in the file
    site_name: str | None  # None: no site_name column; "" : no site
    org_external_id: str = ""  # network scope: an organization of the same file …
    org_enterprise_number: str = ""  # … or one known by its enterprise number
    capabilities: list[CapabilitySpec] = field(default_factory=list)
    ok: bool = True  # False when the first row has errors: the resource is not applied


@dataclass
class ParsedImport:
    tables: list[Table]
    organizations: list[OrganizationSpec] = field(default_factory=list)
    sites: list[SiteSpec] = field(default_factory=list)
    resources: list[ResourceSpec] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: list[tuple[str, int, str]] = field(default_factory=list)  # sheet, row, table kind
    unchecked: dict[tuple[str, int], int] = field(default_factory=dict)  # → its header row

    def error_rows(self) -> set[tuple[str, int]]:
        return {(e.sheet, e.row) for e in self.errors}


# --- the columns -----------------------------------------------------------------------------

TEXT80 = _lazy("text, at most 80 characters")
TEXT200 = _lazy("text, at most 200 characters")
NUMBER = _lazy("number; a decimal point or comma")
WHOLE = _lazy("whole number")
YES_NO = _lazy("yes or no (also ja/nee, oui/non, true/false, 1/0); empty means no")
SITE_WITH_ORG = _lazy("Required when the row describes a site.")

SITE_COLUMN_DEFS = (
    Column("site_name", False, TEXT80, "Hal 2", _lazy(
        "Name of a plant, lab or office; recognised by this name on the next import.")),
    Column("street", False, TEXT200, "Industrieweg 12"),
    Column("postal_code", False, _lazy("text, at most 12 characters"), "3600"),
    Column("city", False, _lazy("text, at most 100 characters"), "Genk", SITE_WITH_ORG),
    Column("latitude", False, _lazy("decimal degrees between -90 and 90"), "50.965",
           SITE_WITH_ORG),
    Column("longitude", False, _lazy("decimal degrees between -180 and 180"), "5.5008",
           SITE_WITH_ORG),
)


def _required(column: Column, description) -> Column:
    return Column(column.name, True, column.format, column.example, description, column.allowed)


ORGANIZATION_COLUMNS = (
    Column("external_id", True, TEXT80, "ORG-001", _lazy(
        "Your key for the organization, unique in the file. Repeat it on further rows to add "
        "more sites. Resources refer to it in org_external_id.")),
    Column("legal_name", True, TEXT200, "Example Metalworks NV", _lazy(
        "Without an enterprise number, the organization is recognised by this exact name on "
        "the next import.")),
    Column("kind", True, _lazy("one of the allowed values"), "manufacturer",
           allowed=", ".join(OrganizationKind.values)),
    Column("country", False, _lazy("two-letter ISO 3166 code; empty means BE"), "BE"),
    Column("enterprise_number", False, _lazy("text"), "0403.170.701", _lazy(
        "Belgian KBO/VAT or Dutch KvK number, checked. It recognises the organization on the "
        "next import.")),
    Column("website", False, _lazy("web address"), "https://metalworks.example"),
    Column("description", False, _lazy("text"), "Sheet metal and 5-axis machining."),
    Column("sectors", False, _lazy("list separated by commas"), "automotive, machine building"),
    Column("certifications", False, _lazy("list separated by commas; names, codes or "
                                          "common spellings"), "ISO 9001, EN 1090"),
    *SITE_COLUMN_DEFS,
)

SITE_COLUMNS = (
    _required(SITE_COLUMN_DEFS[0], SITE_COLUMN_DEFS[0].description),
    SITE_COLUMN_DEFS[1],
    SITE_COLUMN_DEFS[2],
    _required(SITE_COLUMN_DEFS[3], ""),
    Column("country", False, _lazy("two-letter ISO 3166 code; empty means the organization's "
                                   "country"), "BE"),
    _required(SITE_COLUMN_DEFS[4], ""),
    _required(SITE_COLUMN_DEFS[5], ""),
)

ORG_REFERENCE_COLUMNS = (
    Column("org_external_id", False, TEXT80, "ORG-001", _lazy(
        "The organization: its external_id in the organizations sheet of the same file …")),
    Column("org_enterprise_number", False, _lazy("text"), "", _lazy(
        "… or the enterprise number of an organization already in the network.")),
)

RESOURCE_COLUMNS = (
    Column("external_id", True, TEXT80, "M-001", _lazy(
        "Your key for the resource, unique per organization; the next import updates the "
        "resource with this key. Repeat it on further rows to add more processes.")),
    Column("kind", True, _lazy("one of the allowed values"), "machine",
           allowed=", ".join(ResourceKind.values)),
    Column("name", True, _lazy("text, at most 160 characters"), "DMU 65 monoBLOCK"),
    Column("site_name", False, TEXT80, "Hal 2", _lazy(
        "A site of the organization (existing, or in the same file). Required for machines "
        "and facilities.")),
    Column("description", False, _lazy("text"), "5-axis simultaneous machining centre."),
    Column("visibility", False, _lazy("one of the allowed values; empty means public"),
           "public", allowed=", ".join(Visibility.values)),
    Column("price_per_hour_eur", False, NUMBER, "95"),
    Column("minimum_booking_hours", False, _lazy("number; empty means 1"), "4"),
    Column("operator_included", False, YES_NO, "yes"),
    Column("lead_time_days", False, _lazy("whole number of days, 0 to 365"), "5"),
    Column("make", False, TEXT80, "DMG MORI"),
    Column("model", False, TEXT80, "DMU 65 monoBLOCK"),
    Column("year", False, _lazy("year, 1900 to 2100"), "2019"),
    Column("process", False, _lazy("a process code"), "milling-5-axis", _lazy(
        "One capability per row. The limits and materials of the row belong to it.")),
    Column("envelope_x_mm", False, WHOLE, "735"),
    Column("envelope_y_mm", False, WHOLE, "650"),
    Column("envelope_z_mm", False, WHOLE, "560"),
    Column("max_weight_kg", False, NUMBER, "600"),
    Column("max_thickness_mm", False, NUMBER, ""),
    Column("tolerance_um", False, _lazy("whole number of micrometres (0.01 mm is 10)"), "10"),
    Column("force_kn", False, NUMBER, ""),
    Column("axes", False, _lazy("whole number, 1 to 12"), "5"),
    Column("materials", False, _lazy(
        "material codes separated by commas; a maximum thickness in mm after a colon"),
        "al-6061, stainless-316l, s235:25"),
)


def columns_for(table: str, scope: str) -> tuple[Column, ...]:
    if table == ORGANIZATIONS:
        return ORGANIZATION_COLUMNS
    if table == SITES:
        return SITE_COLUMNS
    if scope == NETWORK_SCOPE:
        return ORG_REFERENCE_COLUMNS + RESOURCE_COLUMNS
    return RESOURCE_COLUMNS


# --- reading the file ------------------------------------------------------------------------


def too_large_message(size: int) -> str:
    return _("The file is %(size)s; the limit is %(limit)s.") % {
        "size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}


def normalize_header(text: str) -> str:
    text = text.replace("\ufeff", "").replace("*", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 50.965 stays "50.965", 5.0 is "5"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def read_tables(file: ImportFile) -> list[Table]:
    """The tables of a CSV or XLSX file, or ``ImportFileError``."""
    data = file.data
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(too_large_message(len(data)))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as .xlsx or as "
                                "CSV UTF-8 and upload it again."))
    return [_read_csv(data)]


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data:
        raise ImportFileError(_("Upload a CSV (UTF-8) or an Excel (.xlsx) file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not UTF-8. In Excel choose “Save as” → “CSV "
                                "UTF-8”, or upload the .xlsx file.")) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                  strict=False))
    except csv.Error:
        raise ImportFileError(_("The CSV file cannot be read: check its quotes.")) from None
    return _table(None, [(number, record) for number, record in enumerate(records, start=1)])


def _read_xlsx(data: bytes) -> list[Table]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(_("The Excel file is damaged or not an .xlsx file.")) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportFileError(_("The Excel file holds too much data; split it into smaller "
                                "files."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise ImportFileError(_("The Excel file is damaged or not an .xlsx file.")) from None
    try:
        sheets = [ws for ws in workbook.worksheets if ws.title.strip().casefold() in TABLES]
        named = bool(sheets)
        if not named:
            sheets = workbook.worksheets[:1]
        tables = []
        for sheet in sheets:
            try:
                records = _sheet_records(sheet)
                tables.append(_table(sheet.title.strip().casefold() if named else None,
                                     records, sheet=sheet.title))
            except ImportFileError:
                raise
            except Exception:  # noqa: BLE001
                raise ImportFileError(_("The Excel file is damaged or not an .xlsx file.")) \
                    from None
        if not tables:
            raise ImportFileError(_("The Excel file has no sheet."))
        return tables
    finally:
        workbook.close()


def _sheet_records(sheet) -> list[tuple[int, list[str]]]:
    """The non-empty rows of a sheet with their numbers; stops early on an oversized sheet."""
    records, data_rows = [], -1  # the first non-empty row is the header
    rows = sheet.iter_rows(min_row=1, max_row=MAX_SHEET_ROW + 1, max_col=MAX_COLUMNS,
                           values_only=True)
    for number, values in enumerate(rows, start=1):
        if number > MAX_SHEET_ROW:
            raise ImportFileError(_too_many_rows())
        texts = [cell_text(v) for v in values]
        if any(texts):
            data_rows += 1
            if data_rows > MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            records.append((number, texts))
    return records


def _too_many_rows() -> str:
    return _("The file has more than %(max)s rows; split it into smaller files.") % {
        "max": number_format(MAX_ROWS, force_grouping=True)}


def _table(kind: str | None, records: list[tuple[int, list[str]]], *,
           sheet: str | None = None) -> Table:
    records = [(n, [str(v).strip() for v in values]) for n, values in records]
    header_index = next((i for i, (_n, values) in enumerate(records) if any(values)), None)
    if header_index is None:
        if kind:
            return Table(kind, sheet or kind, 1, [])
        raise ImportFileError(_("The file is empty."))
    header_row, header = records[header_index]
    columns = [normalize_header(h) for h in header]
    while columns and not columns[-1]:
        columns.pop()
    if kind is None:
        kind = _guess_kind(columns)
    table = Table(kind, sheet or kind, header_row, columns)
    data_rows = 0
    for number, values in records[header_index + 1:]:
        if not any(values):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        row = {}
        for index, value in enumerate(values):
            name = columns[index] if index < len(columns) else ""
            if value or name:
                row[name or f"#{index + 1}"] = value
        table.rows.append(RawRow(number, row))
    return table


def _guess_kind(columns: list[str]) -> str:
    if "legal_name" in columns:
        return ORGANIZATIONS
    if "name" in columns:
        return RESOURCES
    if "site_name" in columns and "city" in columns:
        return SITES
    raise ImportFileError(_(
        "The first row must name the columns, as in the template: legal_name for "
        "organizations, name for resources, or site_name and city for sites."))


# --- checking values -------------------------------------------------------------------------


class _Invalid(Exception):  # noqa: N818 - internal signal carrying the message
    def __init__(self, message: str):
        self.message = message


def parse_decimal(text: str) -> Decimal:
    """ "1,5", "1.5", "€ 95", "1 200" → Decimal; anything else raises ``_Invalid``."""
    cleaned = text.replace("€", "").replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise _Invalid(_("Enter a number.")) from None
    if not number.is_finite():
        raise _Invalid(_("Enter a number."))
    return number


def parse_integer(text: str, low: int, high: int) -> int:
    number = parse_decimal(text)
    if number != number.to_integral_value():
        raise _Invalid(_("Enter a whole number."))
    if not low <= number <= high:
        raise _Invalid(_("Must be between %(low)s and %(high)s.") % {"low": low, "high": high})
    return int(number)


def parse_bool(text: str) -> bool:
    word = text.strip().casefold()
    if not word or word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS:
        return True
    raise _Invalid(_("Write yes or no."))


def parse_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATOR.split(text) if part.strip()]


def parse_choice(text: str, choices) -> str:
    value = text.strip().casefold()
    if value not in choices:
        raise _Invalid(_("Unknown value “%(value)s”; allowed: %(allowed)s.")
                       % {"value": text, "allowed": ", ".join(choices)})
    return value


def parse_text(text: str, max_length: int) -> str:
    if len(text) > max_length:
        raise _Invalid(_("At most %(max)s characters (this has %(n)s).")
                       % {"max": max_length, "n": len(text)})
    return text


def parse_website(text: str) -> str:
    if not text:
        return ""
    url = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) else f"https://{text}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise _Invalid(_("Enter a web address such as https://example.be.")) from None
    return parse_text(url, 200)


def parse_country(text: str) -> str:
    country = text.strip().upper() or "BE"
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise _Invalid(_("Use a two-letter country code such as BE or NL."))
    return country


def parse_coordinate(text: str, limit: int) -> float:
    number = parse_decimal(text)
    if not -limit <= number <= limit:
        raise _Invalid(_("Must be between %(low)s and %(high)s.") % {"low": -limit,
                                                                      "high": limit})
    return float(number)


def _cents(text: str) -> int | None:
    if not text:
        return None
    euros = parse_decimal(text)
    if not Decimal(0) <= euros <= Decimal(1_000_000):
        raise _Invalid(_("Enter an amount between 0 and 1 000 000 euro."))
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _hours(text: str) -> Decimal:
    if not text:
        return Decimal(1)
    hours = parse_decimal(text)
    if not Decimal(0) <= hours <= Decimal(1000):
        raise _Invalid(_("Between 0 and 1000 hours."))
    return hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class _RowReader:
    """Reads the columns of one row, collecting an error per bad cell."""

    def __init__(self, table: Table, row: RawRow, errors: list[RowError]):
        self.table, self.row, self.errors = table, row, errors

    def has(self, column: str) -> bool:
        return column in self.table.columns

    def text(self, column: str) -> str:
        return self.row.values.get(column, "").strip()

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.table.sheet, self.row.number, column, message))

    def get(self, column: str, parse=None, *args, required: bool = False, default=None):
        """The parsed value, ``default`` when empty, or None after recording an error."""
        text = self.text(column)
        if not text:
            if required:
                self.error(column, _("This value is required."))
            return default
        if len(text) > MAX_CELL_CHARS:
            self.error(column, _("At most %(max)s characters (this has %(n)s).")
                       % {"max": MAX_CELL_CHARS, "n": len(text)})
            return default
        if parse is None:
            return text
        try:
            return parse(text, *args)
        except _Invalid as exc:
            self.error(column, exc.message)
            return default


# --- checking the tables ---------------------------------------------------------------------


def parse_import(tables: list[Table], *, scope: str, vocabulary: Vocabulary) -> ParsedImport:
    """Check every row and column of the tables into specifications and errors."""
    result = ParsedImport(tables=tables)
    if not any(table.rows for table in tables):
        raise ImportFileError(_("The file has a header row but no data rows."))
    allowed = TABLES_BY_SCOPE[scope]
    for table in tables:
        for raw in table.rows:
            result.rows.append((table.sheet, raw.number, table.kind))
        if table.kind not in allowed:
            message = (_("Organizations are imported by the network's operators; an "
                         "organization imports its sites and resources.")
                       if table.kind == ORGANIZATIONS else
                       _("Import sites as part of the organizations sheet (site_name, city, "
                         "latitude, longitude columns)."))
            result.errors.append(RowError(table.sheet, table.header_row, "", message))
        elif _check_header(table, scope, result.errors):
            if table.kind == ORGANIZATIONS:
                result.organizations += _parse_organizations(table, vocabulary, result.errors)
            elif table.kind == SITES:
                result.sites += _parse_sites(table, result.errors)
            else:
                result.resources += _parse_resources(table, scope, vocabulary, result.errors)
            continue
        for raw in table.rows:  # a table whose header is wrong is not read further
            result.unchecked[(table.sheet, raw.number)] = table.header_row
    return result


def _check_header(table: Table, scope: str, errors: list[RowError]) -> bool:
    known = {c.name: c for c in columns_for(table.kind, scope)}
    ok, seen = True, set()
    unnamed = sorted({key for raw in table.rows for key in raw.values if key.startswith("#")},
                     key=lambda key: int(key[1:]))
    for key in unnamed:
        errors.append(RowError(table.sheet, table.header_row, get_column_letter(int(key[1:])),
                               _("This column has values but no name in the header row.")))
        ok = False
    for name in table.columns:
        if not name:
            continue
        if name in seen:
            errors.append(RowError(table.sheet, table.header_row, name,
                                   _("This column appears twice.")))
            ok = False
        seen.add(name)
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            message = _("Unknown column.")
            if close:
                message += " " + _("Did you mean “%(name)s”?") % {"name": close[0]}
            errors.append(RowError(table.sheet, table.header_row, name, message))
            ok = False
    for column in known.values():
        if column.required and column.name not in seen:
            errors.append(RowError(table.sheet, table.header_row, column.name,
                                   _("This column is missing.")))
            ok = False
    if (table.kind == RESOURCES and scope == NETWORK_SCOPE
            and not {"org_external_id", "org_enterprise_number"} & seen):
        errors.append(RowError(table.sheet, table.header_row, "org_external_id", _(
            "Add the column org_external_id or org_enterprise_number to name each "
            "resource's organization.")))
        ok = False
    return ok


def _parse_site(r: _RowReader, *, standalone: bool) -> SiteSpec | None:
    if not standalone and not any(r.text(c) for c in SITE_TEXT_COLUMNS):
        return None
    before = len(r.errors)
    name = r.get("site_name", parse_text, 80, required=True)
    street = r.get("street", parse_text, 200, default="")
    postal_code = r.get("postal_code", parse_text, 12, default="")
    city = r.get("city", parse_text, 100, required=True)
    latitude = r.get("latitude", parse_coordinate, 90, required=True)
    longitude = r.get("longitude", parse_coordinate, 180, required=True)
    country = r.get("country", parse_country) if standalone else None
    if len(r.errors) > before:
        return None
    return SiteSpec(r.table.sheet, r.row.number, name, city, latitude, longitude, street,
                    postal_code, country)


def _parse_sites(table: Table, errors: list[RowError]) -> list[SiteSpec]:
    sites, first_row = [], {}
    for raw in table.rows:
        r = _RowReader(table, raw, errors)
        site = _parse_site(r, standalone=True)
        if site is None:
            continue
        key = site.name.casefold()
        if key in first_row:
            r.error("site_name", _("This site is already in row %(row)s.")
                    % {"row": first_row[key]})
            continue
        first_row[key] = raw.number
        sites.append(site)
    return sites


def _parse_organization_fields(r: _RowReader, vocabulary: Vocabulary) -> dict:
    fields = {
        "name": r.get("legal_name", parse_text, 200, required=True),
        "kind": r.get("kind", parse_choice, OrganizationKind.values, required=True),
    }
    if r.has("country") or r.has("enterprise_number"):
        fields["country"] = r.get("country", parse_country, default="BE")
    if r.has("enterprise_number"):
        number = r.get("enterprise_number", default="")
        try:
            fields["enterprise_number"] = normalize_enterprise_number(
                fields.get("country") or "BE", number)
        except ValueError as exc:
            r.error("enterprise_number", str(exc))
    if r.has("website"):
        fields["website"] = r.get("website", parse_website, default="")
    if r.has("description"):
        fields["description"] = r.get("description", default="")
    if r.has("sectors"):
        sectors = r.get("sectors", parse_list, default=[])
        fields["sectors"] = sorted({s[:80] for s in sectors})
    if r.has("certifications"):
        names = r.get("certifications", parse_list, default=[])
        codes = [vocabulary.certification(n) for n in names]
        unknown = [n for n, c in zip(names, codes, strict=True) if c is None]
        if unknown:
            r.error("certifications", _(
                "Unknown certification: %(names)s. Use a name from the template's list; the "
                "network's operators can add missing ones.") % {"names": ", ".join(unknown)})
        fields["certifications"] = sorted({c for c in codes if c})
    return fields


SITE_TEXT_COLUMNS = ("site_name", "street", "postal_code", "city", "latitude", "longitude")


def _parse_organizations(table: Table, vocabulary: Vocabulary,
                         errors: list[RowError]) -> list[OrganizationSpec]:
    by_key: dict[str, OrganizationSpec] = {}
    for raw in table.rows:
        r = _RowReader(table, raw, errors)
        before = len(errors)
        key = r.get("external_id", parse_text, 80, required=True)
        spec = by_key.get(key) if key else None
        repeated = spec is not None
        if not repeated:
            fields = _parse_organization_fields(r, vocabulary)
            if key:
                spec = by_key[key] = OrganizationSpec(table.sheet, [raw.number], key, fields)
        else:
            spec.rows.append(raw.number)
            _check_repeated(r, spec.rows[0], _parse_organization_fields(
                _QuietReader(r), vocabulary), spec.fields, {"name": "legal_name"})
        has_site = any(r.text(c) for c in SITE_TEXT_COLUMNS)
        site = _parse_site(r, standalone=False)
        if repeated and not has_site and len(errors) == before:
            r.error("external_id", _(
                "This external id is already used in row %(row)s; repeat it only to add "
                "another site.") % {"row": spec.rows[0]})
        if spec is not None and site is not None:
            twin = next((s for s in spec.sites if s.name.casefold() == site.name.casefold()),
                        None)
            if twin is not None:
                r.error("site_name", _("This site is already in row %(row)s.")
                        % {"row": twin.row})
            elif len(errors) == before:
                spec.sites.append(site)
        if len(errors) > before and spec is not None and not repeated:
            spec.ok = False
    return list(by_key.values())


class _QuietReader(_RowReader):
    """Reads a repeated row without reporting "required" for the values left empty."""

    def __init__(self, reader: _RowReader):
        super().__init__(reader.table, reader.row, [])

    def get(self, column, parse=None, *args, required=False, default=None):
        return super().get(column, parse, *args, required=False, default=default)


def _check_repeated(r: _RowReader, first_row: int, values: dict, first: dict,
                    column_of: dict[str, str]) -> None:
    """A value repeated on a further row of the same object must equal the first row's."""
    for key, value in values.items():
        column = column_of.get(key, key)
        if not r.text(column):
            continue
        if key in first and value != first[key]:
            r.error(column, _("Differs from row %(row)s of the same external id; leave it "
                              "empty or repeat the same value.") % {"row": first_row})


RESOURCE_FIELD_COLUMNS = {
    "kind": "kind", "name": "name", "description": "description", "visibility": "visibility",
    "price_per_hour_cents": "price_per_hour_eur", "minimum_booking_hours":
    "minimum_booking_hours", "operator_included": "operator_included",
    "lead_time_days": "lead_time_days", "make": "make", "model_name": "model", "year": "year",
}


def _parse_resource_fields(r: _RowReader) -> dict:
    parsers = {
        "kind": lambda: r.get("kind", parse_choice, ResourceKind.values, required=True),
        "name": lambda: r.get("name", parse_text, 160, required=True),
        "description": lambda: r.get("description", parse_text, MAX_CELL_CHARS, default=""),
        "visibility": lambda: r.get("visibility", parse_choice, Visibility.values,
                                    default=Visibility.PUBLIC.value),
        "price_per_hour_cents": lambda: r.get("price_per_hour_eur", _cents),
        "minimum_booking_hours": lambda: r.get("minimum_booking_hours", _hours,
                                               default=Decimal("1.00")),
        "operator_included": lambda: r.get("operator_included", parse_bool, default=False),
        "lead_time_days": lambda: r.get("lead_time_days", parse_integer, 0, 365, default=0),
        "make": lambda: r.get("make", parse_text, 80, default=""),
        "model_name": lambda: r.get("model", parse_text, 80, default=""),
        "year": lambda: r.get("year", parse_integer, 1900, 2100),
    }
    return {key: parse() for key, parse in parsers.items()
            if r.has(RESOURCE_FIELD_COLUMNS[key])}


def _parse_materials(text: str, vocabulary: Vocabulary) -> list[tuple[str, Decimal | None]]:
    rows, unknown, seen = [], [], set()
    for part in re.split(r"[,;\n]", text):
        part = part.strip()
        if not part:
            continue
        code, _sep, thickness = part.partition(":")
        code = code.strip().casefold()
        if code not in vocabulary.materials:
            unknown.append(code)
            continue
        if code in seen:
            raise _Invalid(_("The material %(code)s is listed twice.") % {"code": code})
        seen.add(code)
        value = None
        if thickness.strip():
            cleaned, errors = check_limits({"max_thickness_mm": thickness.strip()})
            if errors:
                raise _Invalid(f"{code}: {errors['max_thickness_mm']}")
            value = cleaned["max_thickness_mm"]
        rows.append((code, value))
    if unknown:
        raise _Invalid(_("Unknown material code: %(codes)s. The template's “materials” sheet "
                         "lists the codes.") % {"codes": ", ".join(unknown)})
    return rows


def _parse_capability(r: _RowReader, vocabulary: Vocabulary) -> CapabilitySpec | None:
    process = r.text("process").casefold()
    present = [c for c in LIMIT_COLUMNS if r.has(c)]
    if not process:
        filled = [c for c in (*present, "materials") if r.text(c)]
        if filled:
            r.error(filled[0], _("Limits and materials belong to a process: fill in the "
                                 "process column."))
        return None
    before = len(r.errors)
    if process not in vocabulary.processes:
        close = difflib.get_close_matches(process, sorted(vocabulary.processes), n=1)
        message = _("Unknown process code “%(code)s”.") % {"code": process}
        if close:
            message += " " + _("Did you mean “%(name)s”?") % {"name": close[0]}
        r.error("process", message)
    cleaned, errors = check_limits({c: r.text(c) for c in present})
    for column, message in errors.items():
        r.error(column, message)
    materials = r.get("materials", _parse_materials, vocabulary, default=[]) \
        if r.has("materials") else None
    if len(r.errors) > before:
        return None
    return CapabilitySpec(r.row.number, process, cleaned, materials)


def _parse_resources(table: Table, scope: str, vocabulary: Vocabulary,
                     errors: list[RowError]) -> list[ResourceSpec]:
    by_key: dict[tuple[str, str, str], ResourceSpec] = {}
    for raw in table.rows:
        r = _RowReader(table, raw, errors)
        before = len(errors)
        org_external_id = org_number = ""
        if scope == NETWORK_SCOPE:
            org_external_id = r.get("org_external_id", parse_text, 80, default="")
            org_number = r.get("org_enterprise_number", parse_text, 32, default="")
            if not org_external_id and not org_number:
                column = ("org_external_id" if r.has("org_external_id")
                          else "org_enterprise_number")
                r.error(column, _("Name the organization: org_external_id (from the "
                                  "organizations sheet) or org_enterprise_number."))
        key = r.get("external_id", parse_text, 80, required=True)
        group = (org_external_id, org_number, key)
        spec = by_key.get(group) if key else None
        repeated = spec is not None
        if not repeated:
            fields = _parse_resource_fields(r)
            site_name = (r.get("site_name", parse_text, 80, default="")
                         if r.has("site_name") else None)
            if key:
                spec = by_key[group] = ResourceSpec(
                    table.sheet, [raw.number], key, fields, site_name, org_external_id,
                    org_number)
        else:
            spec.rows.append(raw.number)
            quiet = _QuietReader(r)
            values = _parse_resource_fields(quiet)
            if r.has("site_name"):
                values["site_name"] = quiet.get("site_name", default="")
            _check_repeated(r, spec.rows[0], values,
                            {**spec.fields, "site_name": spec.site_name},
                            RESOURCE_FIELD_COLUMNS)
        capability = _parse_capability(r, vocabulary)
        if repeated and capability is None and len(errors) == before:
            r.error("external_id", _(
                "This external id is already used in row %(row)s; repeat it only to add "
                "another process.") % {"row": spec.rows[0]})
        if spec is not None and capability is not None:
            twin = next((c for c in spec.capabilities if c.process == capability.process),
                        None)
            if twin is not None:
                r.error("process", _("This process is already listed for this resource in "
                                     "row %(row)s.") % {"row": twin.row})
            elif len(errors) == before:
                spec.capabilities.append(capability)
        if len(errors) > before and spec is not None and not repeated:
            spec.ok = False
    return list(by_key.values())


# --- the downloadable templates --------------------------------------------------------------


def template_tables(scope: str) -> tuple[str, ...]:
    return TABLES_BY_SCOPE[scope]


def _example_row(columns: tuple[Column, ...]) -> list[str]:
    return [c.example for c in columns]


def template_csv(table: str, scope: str) -> bytes:
    """A CSV template: header and one example row, UTF-8 with a byte-order mark and ``;``
    (what Excel opens directly in Belgium, the Netherlands, France and Germany)."""
    columns = columns_for(table, scope)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerow(_example_row(columns))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(scope: str, *, reference: dict[str, list[tuple[str, str]]]) -> bytes:
    """An XLSX template: one sheet per table (header and an example row), a "columns" sheet
    explaining every column, and the codes rows may use ("processes", "materials",
    "certifications") with their labels in the active language."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    # Drop-down lists; yes/no only suggests, since ja/nee, oui/non … are accepted too.
    allowed_lists = {"visibility": ",".join(Visibility.values), "operator_included": "yes,no"}
    for table in template_tables(scope):
        sheet = workbook.create_sheet(table)
        columns = columns_for(table, scope)
        sheet.append([c.name for c in columns])
        sheet.append([_example_value(c) for c in columns])
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = bold
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = max(12, len(column.name) + 4)
            choices = allowed_lists.get(column.name, "")
            if column.name == "kind":
                choices = ",".join(OrganizationKind.values if table == ORGANIZATIONS
                                   else ResourceKind.values)
            if choices:
                validation = DataValidation(
                    type="list", formula1=f'"{choices}"', allow_blank=True,
                    showErrorMessage=column.name != "operator_included")
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.freeze_panes = "A2"
    explain = workbook.create_sheet("columns")
    explain.append([str(_("sheet")), str(_("column")), str(_("required")), str(_("format")),
                    str(_("example")), str(_("allowed values")), str(_("explanation"))])
    for cell in explain[1]:
        cell.font = bold
    reference_names = {"process": "processes", "materials": "materials",
                       "certifications": "certifications"}
    for table in template_tables(scope):
        for column in columns_for(table, scope):
            allowed = str(column.allowed)
            if column.name in reference_names:
                codes = [code for code, _label in reference.get(reference_names[column.name],
                                                                [])]
                allowed = _("See the sheet “%(sheet)s”: %(codes)s") % {
                    "sheet": reference_names[column.name], "codes": ", ".join(codes)}
            elif column.name in ("operator_included",):
                allowed = "yes, no, ja, nee, oui, non, true, false, 1, 0"
            explain.append([table, column.name, str(_("yes")) if column.required else "",
                            str(column.format), column.example, allowed,
                            str(column.description)])
    widths = {"A": 16, "B": 24, "C": 10, "D": 40, "E": 28, "F": 60, "G": 80}
    for letter, width in widths.items():
        explain.column_dimensions[letter].width = width
    for row in explain.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    explain.freeze_panes = "A2"
    for name in ("processes", "materials", "certifications"):
        sheet = workbook.create_sheet(name)
        sheet.append([str(_("code")), str(_("name"))])
        for cell in sheet[1]:
            cell.font = bold
        for code, label in reference.get(name, []):
            sheet.append([code, label])
        sheet.column_dimensions["A"].width = 32
        sheet.column_dimensions["B"].width = 48
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _example_value(column: Column):
    """Numbers as numbers, so the example row is typed like the rows people add."""
    if column.name in ("latitude", "longitude", "price_per_hour_eur", "minimum_booking_hours",
                       "max_weight_kg", "max_thickness_mm", "force_kn") and column.example:
        return float(column.example)
    if column.name in ("lead_time_days", "year", "envelope_x_mm", "envelope_y_mm",
                       "envelope_z_mm", "tolerance_um", "axes") and column.example:
        return int(column.example)
    return column.example
