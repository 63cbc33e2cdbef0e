"""The onboarding import: the pure reader and checker, the all-or-nothing services, the pages
(upload → preview → import with the file kept on the server) and the API, with permissions."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from fabshare.catalog import import_views, imports, services
from fabshare.catalog.imports import ImportFile, ImportFileError
from fabshare.catalog.models import Capability, CapabilityMaterial, Resource
from fabshare.core.errors import DomainError, NotFound, PermissionDenied
from fabshare.network import services as network_services
from fabshare.network.models import (
    AuditEntry,
    Membership,
    NetworkMembership,
    NetworkMembershipStatus,
    Organization,
    Site,
)
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory

API = "/api/v1"
PROBLEM = "application/problem+json"
VOCABULARY = imports.Vocabulary(
    processes=frozenset({"milling-5-axis", "turning", "laser-cutting-fibre", "cmm-measurement",
                         "cam-programming"}),
    materials=frozenset({"al-6061", "s235", "stainless-316l"}),
    certifications={"iso9001": "iso-9001", "iso-9001": "iso-9001", "9001": "iso-9001"},
)

RESOURCE_HEADER = ["external_id", "kind", "name", "site_name", "process", "envelope_x_mm",
                   "tolerance_um", "materials", "operator_included", "price_per_hour_eur"]
GOOD = [
    ["M-1", "machine", "DMU 65 monoBLOCK", "Main plant", "milling-5-axis", 735, 10,
     "al-6061, stainless-316l", "yes", 95],
    ["M-2", "machine", "TruLaser 3030", "Main plant", "laser-cutting-fibre", 3000, None,
     "s235:25, al-6061:15", "nee", "110,50"],
    ["E-1", "expertise", "CAM programming", None, "cam-programming", None, None, None, None,
     None],
]
BAD = [
    ["M-3", "machine", None, "Main plant", "turning", None, None, None, None, None],
    ["F-1", "facility", "CMM room", "Main plant", "cmm-measurement", None, 0.005, None, "ja",
     None],
]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, delimiter=";", bom=True) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(
        [["" if v is None else v for v in row] for row in rows])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def tables(data: bytes, name="file"):
    return imports.read_tables(ImportFile(name, data))


def parse(data: bytes, scope=imports.ORGANIZATION_SCOPE):
    return imports.parse_import(tables(data), scope=scope, vocabulary=VOCABULARY)


def cells(errors) -> list[tuple]:
    return sorted((e.sheet, e.row, e.column) for e in errors)


def upload(data: bytes, name="resources.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def bearer(user) -> dict:
    _, raw = network_services.token_create(actor=user, name="import")
    return {"Authorization": f"Bearer {raw}"}


def problem(response, status) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


@pytest.fixture
def org_scope(world):
    return services.ImportScope(organization=world.factory)


@pytest.fixture
def network_scope(world):
    return services.ImportScope(network=world.network)


# --- reading files (pure) --------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_or_without_bom_and_either_delimiter(delimiter, bom):
    data = csv_bytes([["External ID ", "kind", "name", "description"],
                      ["M-1", "machine", "Press, 100 t", "Bends; cuts"]],
                     delimiter=delimiter, bom=bom)
    [table] = tables(data)
    assert table.kind == "resources" and table.header_row == 1
    assert table.columns == ["external_id", "kind", "name", "description"]
    assert table.rows[0].number == 2
    assert table.rows[0].values["name"] == "Press, 100 t"
    assert table.rows[0].values["description"] == "Bends; cuts"


def test_xlsx_named_sheets_row_numbers_and_typed_cells():
    data = xlsx({
        "columns": [["sheet", "column"], ["resources", "name"]],
        "Resources": [[], ["external_id", "kind", "name", "year", "price_per_hour_eur",
                           "operator_included"],
                      [], ["M-1", "machine", "Mill", 2019.0, 95.5, True]],
        "sites": [["site_name", "city", "latitude", "longitude"], ["Hal 2", "Genk", 50.965, 5.5]],
    })
    found = {t.kind: t for t in tables(data)}
    assert set(found) == {"resources", "sites"}  # "columns" is ignored
    resources = found["resources"]
    assert resources.sheet == "Resources" and resources.header_row == 2
    [row] = resources.rows
    assert row.number == 4  # the number the spreadsheet shows, blank rows counted
    assert row.values == {"external_id": "M-1", "kind": "machine", "name": "Mill",
                          "year": "2019", "price_per_hour_eur": "95.5",
                          "operator_included": "yes"}
    assert found["sites"].rows[0].values["latitude"] == "50.965"


def test_first_sheet_is_told_by_its_header():
    [table] = tables(xlsx({"Blad1": [["legal_name", "kind", "external_id"],
                                     ["Acme", "sme", "A"]]}))
    assert table.kind == "organizations"
    with pytest.raises(ImportFileError, match="must name the columns"):
        tables(csv_bytes([["foo", "bar"], ["1", "2"]]))


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b" \n\n", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel file"),
    (b"PK\x03\x04garbage", "damaged or not an .xlsx"),
    ("name;kind\nCaf\u00e9;machine\n".encode("cp1252"), "not UTF-8"),
    (b"%PDF-1.4\x00\x01binary", "Upload a CSV"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "Upload a CSV"),
])
def test_unreadable_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ImportFileError, match=message):
        tables(data)


def test_oversized_file_is_refused_before_reading():
    big = SimpleUploadedFile("big.csv", b"x" * (imports.MAX_BYTES + 1))
    with pytest.raises(ImportFileError, match="the limit is 5.0"):
        ImportFile.from_upload(big)
    with pytest.raises(ImportFileError, match="the limit is"):
        tables(b"name\n" + b"x" * imports.MAX_BYTES)


def test_too_many_rows():
    rows = [["external_id", "kind", "name"]] + [[f"M-{i}", "machine", "x"]
                                                for i in range(imports.MAX_ROWS + 1)]
    with pytest.raises(ImportFileError, match="more than 5,000 rows"):
        tables(csv_bytes(rows))


def test_header_only_file_is_an_error():
    with pytest.raises(ImportFileError, match="no data rows"):
        parse(csv_bytes([RESOURCE_HEADER]))


@given(st.binary(max_size=600))
@settings(max_examples=200, deadline=None)
def test_any_bytes_are_read_or_refused_with_a_message(data):
    try:
        found = tables(data)
    except ImportFileError as exc:
        assert exc.message
    else:
        assert all(t.kind in imports.TABLES for t in found)


@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=6), min_size=1,
                max_size=8))
@settings(max_examples=150, deadline=None)
def test_any_csv_grid_is_checked_without_crashing(grid):
    grid = [["external_id", "kind", "name", "process", "materials"], *grid]
    try:
        parsed = parse(csv_bytes(grid, delimiter=","))
    except ImportFileError:
        return
    for error in parsed.errors:
        assert error.row >= 1 and error.message


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_decimal_comma_and_point_read_the_same(number):
    assert imports.parse_decimal(str(number)) == number
    assert imports.parse_decimal(str(number).replace(".", ",")) == number


def test_cell_text_keeps_what_people_typed():
    assert imports.cell_text(50.965) == "50.965"
    assert imports.cell_text(5.0) == "5"
    assert imports.cell_text(403170701) == "403170701"
    assert imports.cell_text(False) == "no"
    assert imports.cell_text(None) == ""


@pytest.mark.parametrize("word", ["yes", "Ja", "oui", "TRUE", "1", "waar", "x"])
def test_yes_in_four_languages(word):
    assert imports.parse_bool(word) is True


@pytest.mark.parametrize("word", ["no", "nee", "Non", "false", "0", "", "nein"])
def test_no_in_four_languages(word):
    assert imports.parse_bool(word) is False


# --- checking rows (pure) --------------------------------------------------------------------


def test_unknown_missing_duplicate_and_unnamed_columns_are_reported_on_the_header():
    data = csv_bytes([["external_id", "name", "nmae", "proces", "name", ""],
                      ["M-1", "Mill", "x", "turning", "Mill", "stray"]])
    parsed = parse(data)
    by_column = {e.column: e.message for e in parsed.errors}
    assert all(e.row == 1 for e in parsed.errors)
    assert "Did you mean “name”" in by_column["nmae"]
    assert "Did you mean “process”" in by_column["proces"]
    assert by_column["kind"] == "This column is missing."
    assert by_column["name"] == "This column appears twice."
    assert "no name" in by_column["F"]
    assert not parsed.resources


def test_every_bad_cell_is_reported_with_row_and_column():
    data = csv_bytes([
        ["external_id", "kind", "name", "site_name", "process", "tolerance_um", "axes",
         "materials", "operator_included", "price_per_hour_eur", "year", "visibility"],
        ["M-1", "robot", "", "Main plant", "milling-5axis", "0.01", "13", "al-6061, unobtainium",
         "maybe", "-5", "1850", "secret"],
    ])
    parsed = parse(data)
    messages = {e.column: e.message for e in parsed.errors}
    assert set(messages) == {"kind", "name", "process", "tolerance_um", "axes", "materials",
                             "operator_included", "price_per_hour_eur", "year", "visibility"}
    assert all(e.row == 2 for e in parsed.errors)
    assert "Did you mean “milling-5-axis”" in messages["process"]
    assert "micrometres" in messages["tolerance_um"] and "10 µm" in messages["tolerance_um"]
    assert "unobtainium" in messages["materials"]
    assert [r.ok for r in parsed.resources] == [False]


def test_rows_with_the_same_external_id_add_capabilities():
    data = csv_bytes([
        ["external_id", "kind", "name", "site_name", "process", "axes"],
        ["M-1", "machine", "Mill-turn", "Main plant", "milling-5-axis", "5"],
        ["M-1", "", "", "", "turning", ""],
        ["M-1", "machine", "Mill-turn", "", "cmm-measurement", ""],
    ])
    parsed = parse(data)
    assert parsed.errors == []
    [resource] = parsed.resources
    assert resource.rows == [2, 3, 4]
    assert [c.process for c in resource.capabilities] == ["milling-5-axis", "turning",
                                                          "cmm-measurement"]
    assert resource.capabilities[0].limits == {"axes": 5}


def test_duplicate_external_ids_and_processes_are_errors():
    data = csv_bytes([
        ["external_id", "kind", "name", "site_name", "process"],
        ["M-1", "machine", "Mill", "Main plant", "turning"],
        ["M-1", "machine", "Another mill", "", "milling-5-axis"],
        ["M-1", "", "", "", "turning"],
        ["M-1", "", "", "", ""],
    ])
    errors = {(e.row, e.column): e.message for e in parse(data).errors}
    assert "Differs from row 2" in errors[(3, "name")]
    assert "already listed for this resource in row 2" in errors[(4, "process")]
    assert "already used in row 2" in errors[(5, "external_id")]


def test_organization_rows_add_sites_and_check_identifiers():
    data = csv_bytes([
        ["external_id", "legal_name", "kind", "country", "enterprise_number", "website",
         "sectors", "certifications", "site_name", "city", "latitude", "longitude"],
        ["O-1", "Acme NV", "sme", "be", "BE 0403.170.701", "acme.example", "metal, automotive",
         "ISO 9001", "Plant", "Genk", "50,965", "5.5"],
        ["O-1", "", "", "", "", "", "", "", "Lab", "Hasselt", "50.93", "5.33"],
        ["O-1", "", "", "", "", "", "", "", "lab", "Hasselt", "50.93", "5.33"],
        ["O-2", "Bad BV", "bank", "", "0403.170.702", "", "", "ISO 9999", "X", "", "91", ""],
    ])
    parsed = parse(data, imports.NETWORK_SCOPE)
    first, second = parsed.organizations
    assert first.fields["enterprise_number"] == "0403170701"
    assert first.fields["country"] == "BE"
    assert first.fields["website"] == "https://acme.example"
    assert first.fields["sectors"] == ["automotive", "metal"]
    assert first.fields["certifications"] == ["iso-9001"]
    assert [s.name for s in first.sites] == ["Plant", "Lab"]
    assert first.sites[0].latitude == 50.965
    assert not second.ok
    assert cells(parsed.errors) == [
        ("organizations", 4, "site_name"),
        ("organizations", 5, "certifications"), ("organizations", 5, "city"),
        ("organizations", 5, "enterprise_number"), ("organizations", 5, "kind"),
        ("organizations", 5, "latitude"), ("organizations", 5, "longitude")]


def test_each_scope_imports_its_own_tables():
    data = xlsx({"organizations": [["external_id", "legal_name", "kind"], ["O", "Acme", "sme"]]})
    [error] = parse(data).errors
    assert error.row == 1 and "operators" in error.message
    data = xlsx({"resources": [["external_id", "kind", "name"], ["M", "machine", "Mill"]]})
    [error] = parse(data, imports.NETWORK_SCOPE).errors
    assert error.column == "org_external_id"


# --- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["organization", "network"])
def test_xlsx_template_explains_every_column_and_lists_the_codes(db, scope):
    name, content_type, data = services.import_template(scope_kind=scope)
    assert name.endswith(".xlsx") and "spreadsheetml" in content_type
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    tables_ = imports.template_tables(scope)
    assert workbook.sheetnames == [*tables_, "columns", "processes", "materials",
                                   "certifications"]
    explained = {(row[0], row[1]): row for row in
                 workbook["columns"].iter_rows(min_row=2, values_only=True)}
    for table in tables_:
        header = [c.value for c in workbook[table][1]]
        assert header == [c.name for c in imports.columns_for(table, scope)]
        assert workbook[table].max_row == 2  # the header and one example row
        for column in header:
            assert (table, column) in explained
    process_row = explained[("resources", "process")]
    assert "milling-5-axis" in process_row[5] and "cmm-measurement" in process_row[5]
    assert explained[("resources", "external_id")][2] == "yes"
    codes = [r[0] for r in workbook["processes"].iter_rows(min_row=2, values_only=True)]
    assert len(codes) >= 80 and "milling-5-axis" in codes


def test_csv_template_opens_in_excel_and_reads_back(db):
    name, content_type, data = services.import_template(scope_kind="organization",
                                                        table="resources")
    assert name == "fabshare-resources.csv" and content_type.startswith("text/csv")
    assert data.startswith("\ufeff".encode())
    [table] = tables(data)
    assert table.columns == [c.name for c in imports.RESOURCE_COLUMNS]
    with pytest.raises(NotFound):
        services.import_template(scope_kind="organization", table="organizations")


def test_the_templates_import_as_they_are(world, org_scope, network_scope):
    for scope, actor in ((org_scope, world.admin), (network_scope, world.operator)):
        _, _, data = services.import_template(scope_kind=scope.kind)
        report = services.import_preview(actor=actor, scope=scope,
                                         file=ImportFile("t.xlsx", data))
        assert report.ok, report.errors
        assert {r.action for r in report.rows} == {"create"}


# --- the import: all or nothing, idempotent --------------------------------------------------


def test_bad_rows_are_all_reported_and_nothing_is_imported_until_fixed(world, org_scope):
    resources_before = Resource.objects.count()
    audit_before = AuditEntry.objects.count()
    bad_file = ImportFile("machines.xlsx", xlsx({"resources": [RESOURCE_HEADER, GOOD[0], BAD[0],
                                                              GOOD[1], BAD[1], GOOD[2]]}))
    report = services.import_commit(actor=world.admin, scope=org_scope, file=bad_file)
    assert not report.committed
    assert cells(report.errors) == [("resources", 3, "name"), ("resources", 5, "tolerance_um")]
    assert [r.action for r in report.rows] == ["create", "error", "create", "error", "create"]
    assert Resource.objects.count() == resources_before
    assert not Capability.objects.exists()
    assert AuditEntry.objects.count() == audit_before

    fixed = ImportFile("machines.xlsx", xlsx({"resources": [RESOURCE_HEADER, *GOOD]}))
    report = services.import_commit(actor=world.admin, scope=org_scope, file=fixed)
    assert report.committed and report.counts["create"] == 3
    assert Resource.objects.filter(organization=world.factory).count() == 3
    mill = Resource.objects.get(organization=world.factory, external_id="M-1")
    assert mill.site.name == "Main plant" and mill.operator_included
    assert mill.price_per_hour_cents == 9500
    laser = Resource.objects.get(external_id="M-2")
    assert laser.price_per_hour_cents == 11050 and not laser.operator_included
    limits = {cm.material.code: cm.max_thickness_mm
              for cm in CapabilityMaterial.objects.filter(capability__resource=laser)}
    assert limits == {"s235": Decimal(25), "al-6061": Decimal(15)}
    assert AuditEntry.objects.filter(action="import.commit", organization=world.factory).exists()

    again = services.import_commit(actor=world.admin, scope=org_scope, file=fixed)
    assert again.committed and [r.action for r in again.rows] == ["unchanged"] * 3
    assert Resource.objects.filter(organization=world.factory).count() == 3
    assert Capability.objects.filter(resource__organization=world.factory).count() == 3

    corrected = [["M-3", "machine", "Lathe", "Main plant", "turning", None, None, None, None,
                  None], BAD[1][:6] + [5] + BAD[1][7:]]
    changed = [GOOD[0][:9] + [99], *GOOD[1:], *corrected]
    report = services.import_commit(
        actor=world.admin, scope=org_scope,
        file=ImportFile("m.xlsx", xlsx({"resources": [RESOURCE_HEADER, *changed]})))
    assert [r.action for r in report.rows] == ["update", "unchanged", "unchanged", "create",
                                               "create"]
    mill.refresh_from_db()
    assert mill.price_per_hour_cents == 9900
    assert Resource.objects.filter(organization=world.factory).count() == 5


def test_preview_writes_nothing_and_announces_what_the_commit_does(world, org_scope):
    file = ImportFile("m.csv", csv_bytes([RESOURCE_HEADER, *GOOD]))
    preview = services.import_preview(actor=world.admin, scope=org_scope, file=file)
    assert preview.ok and not preview.committed
    assert not Resource.objects.exists()
    commit = services.import_commit(actor=world.admin, scope=org_scope, file=file)
    assert [r.action for r in commit.rows] == [r.action for r in preview.rows]
    assert preview.sha256 == commit.sha256


def test_absent_columns_leave_fields_alone_and_empty_cells_reset_them(world, org_scope):
    full = [["external_id", "kind", "name", "site_name", "description", "lead_time_days"],
            ["M-1", "machine", "Mill", "Main plant", "Five axes", "5"]]
    services.import_commit(actor=world.admin, scope=org_scope,
                           file=ImportFile("a.csv", csv_bytes(full)))
    narrow = [["external_id", "kind", "name", "lead_time_days"], ["M-1", "machine", "Mill", ""]]
    report = services.import_commit(actor=world.admin, scope=org_scope,
                                    file=ImportFile("b.csv", csv_bytes(narrow)))
    assert [r.action for r in report.rows] == ["update"]
    mill = Resource.objects.get(external_id="M-1")
    assert mill.description == "Five axes" and mill.site is not None
    assert mill.lead_time_days == 0


def test_sites_then_resources_in_one_file(world, org_scope):
    data = xlsx({
        "sites": [["site_name", "street", "postal_code", "city", "latitude", "longitude"],
                  ["Hal 2", "Industrieweg 12", "3600", "Genk", 50.97, 5.51]],
        "resources": [["external_id", "kind", "name", "site_name"],
                      ["M-9", "machine", "Press brake", "hal 2"],
                      ["M-10", "machine", "Robot cell", "Hal 3"]],
    })
    report = services.import_commit(actor=world.admin, scope=org_scope,
                                    file=ImportFile("x.xlsx", data))
    assert cells(report.errors) == [("resources", 3, "site_name")]
    assert "no site named “Hal 3”" in report.errors[0].message
    assert not Site.objects.filter(name="Hal 2").exists()
    data = xlsx({
        "sites": [["site_name", "street", "postal_code", "city", "latitude", "longitude"],
                  ["Hal 2", "Industrieweg 12", "3600", "Genk", 50.97, 5.51]],
        "resources": [["external_id", "kind", "name", "site_name"],
                      ["M-9", "machine", "Press brake", "hal 2"]],
    })
    report = services.import_commit(actor=world.admin, scope=org_scope,
                                    file=ImportFile("x.xlsx", data))
    assert report.committed
    site = Site.objects.get(organization=world.factory, name="Hal 2")
    assert site.country == "BE" and not site.is_main
    assert Resource.objects.get(external_id="M-9").site == site


def test_a_wrong_header_is_reported_and_its_rows_are_not_checked(world, org_scope):
    data = xlsx({"resources": [["external_id", "kind", "nmae"], ["M-1", "machine", "Mill"]]})
    report = services.import_preview(actor=world.admin, scope=org_scope,
                                     file=ImportFile("a.xlsx", data))
    assert cells(report.errors) == [("resources", 1, "name"), ("resources", 1, "nmae")]
    assert [(r.row, r.action) for r in report.rows] == [(2, "skipped")]
    assert "row 1 of resources has errors" in report.rows[0].note


def test_machines_need_a_site_by_the_domain_rule(world, org_scope):
    data = csv_bytes([["external_id", "kind", "name"], ["M-1", "machine", "Mill"]])
    report = services.import_preview(actor=world.admin, scope=org_scope,
                                     file=ImportFile("a.csv", data))
    assert cells(report.errors) == [("resources", 2, "site_name")]
    assert "need a site" in report.errors[0].message


def test_values_are_rounded_as_stored_so_reimport_is_unchanged(world, org_scope):
    data = csv_bytes([["external_id", "kind", "name", "site_name", "process", "max_weight_kg",
                       "minimum_booking_hours"],
                      ["M-1", "machine", "Mill", "Main plant", "milling-5-axis", "2,555",
                       "1.005"]])
    file = ImportFile("a.csv", data)
    services.import_commit(actor=world.admin, scope=org_scope, file=file)
    assert Capability.objects.get().max_weight_kg == Decimal("2.56")
    report = services.import_commit(actor=world.admin, scope=org_scope, file=file)
    assert [r.action for r in report.rows] == ["unchanged"]


def test_queries_grow_linearly_and_an_unchanged_file_costs_little(world, org_scope):
    def machines(n):
        rows = [RESOURCE_HEADER]
        for i in range(n):
            rows += [[f"M-{i}", "machine", f"Mill {i}", "Main plant", "milling-5-axis", 735, 10,
                      "al-6061, s235", "yes", 95],
                     [f"M-{i}", None, None, None, "turning", 200, None, None, None, None]]
        return ImportFile("m.csv", csv_bytes(rows))

    def queries(service, file):
        with CaptureQueriesContext(connection) as captured:
            service(actor=world.admin, scope=org_scope, file=file)
        return len(captured)

    small, large = machines(5), machines(15)
    per_machine = (queries(services.import_preview, large)
                   - queries(services.import_preview, small)) / 10
    # two capabilities, materials, audit entries, savepoint; and two statements for each
    # saved resource or capability that keep matching's search index in step
    assert per_machine <= 13 + 6
    services.import_commit(actor=world.admin, scope=org_scope, file=large)
    assert queries(services.import_commit, large) <= 3 * 15 + 20


def test_only_admins_import(world, org_scope):
    file = ImportFile("a.csv", csv_bytes([RESOURCE_HEADER, GOOD[2]]))
    with pytest.raises(PermissionDenied):
        services.import_preview(actor=world.member, scope=org_scope, file=file)
    with pytest.raises(NotFound):
        services.import_commit(actor=world.outsider, scope=org_scope, file=file)
    with pytest.raises(PermissionDenied):
        services.import_commit(actor=world.admin,
                               scope=services.ImportScope(network=world.network), file=file)


def test_unreadable_file_is_a_domain_error_on_the_file(world, org_scope):
    with pytest.raises(DomainError) as caught:
        services.import_preview(actor=world.admin, scope=org_scope, file=ImportFile("x", b""))
    assert caught.value.field == "file"


# --- network scope: organizations ------------------------------------------------------------

ORG_HEADER = ["external_id", "legal_name", "kind", "enterprise_number", "certifications",
              "site_name", "city", "latitude", "longitude"]
NET_RESOURCE_HEADER = ["org_external_id", "org_enterprise_number", "external_id", "kind",
                       "name", "site_name", "process"]


def network_file(orgs, resources=()) -> ImportFile:
    sheets = {"organizations": [ORG_HEADER, *orgs]}
    if resources:
        sheets["resources"] = [NET_RESOURCE_HEADER, *resources]
    return ImportFile("network.xlsx", xlsx(sheets))


def test_operator_imports_organizations_sites_and_resources(world, network_scope):
    file = network_file(
        [["O-1", "Maaseik Metaal NV", "sme", "0403.170.701", "ISO 9001, EN 1090", "Plant",
          "Maaseik", 51.09, 5.79],
         ["O-1", None, None, None, None, "Warehouse", "Dilsen", 51.03, 5.72],
         ["O-2", "Lommel Labs", "knowledge", None, None, "Lab", "Lommel", 51.23, 5.31]],
        [["O-1", None, "M-1", "machine", "Press brake", "Plant", "turning"],
         [None, "BE0403170701", "M-2", "machine", "Laser", "Warehouse", None],
         ["O-2", None, "E-1", "expertise", "Metrology", None, "cmm-measurement"]])
    report = services.import_commit(actor=world.operator, scope=network_scope, file=file)
    assert report.committed, report.errors
    assert report.counts == {"create": 6, "update": 0, "unchanged": 0, "error": 0,
                             "skipped": 0}
    maaseik = Organization.objects.get(enterprise_number="0403170701")
    assert {c.name for c in maaseik.certifications.all()} == {"ISO 9001", "EN 1090"}
    assert [s.name for s in maaseik.sites.all()] == ["Plant", "Warehouse"]  # main first
    assert maaseik.sites.get(name="Plant").is_main
    assert sorted(maaseik.resources.values_list("external_id", flat=True)) == ["M-1", "M-2"]
    membership = NetworkMembership.objects.get(network=world.network, organization=maaseik)
    assert membership.status == NetworkMembershipStatus.APPROVED
    assert membership.decided_by == world.operator
    assert not Membership.objects.filter(organization=maaseik).exists()  # no one joined
    assert not Membership.objects.filter(user=world.operator).exists()
    assert AuditEntry.objects.filter(action="network_membership.import",
                                     network=world.network).count() == 2

    again = services.import_commit(actor=world.operator, scope=network_scope, file=file)
    assert again.committed and again.counts["unchanged"] == 6
    assert Organization.objects.filter(name="Lommel Labs").count() == 1
    assert Resource.objects.filter(organization__name="Lommel Labs").count() == 1

    resources_only = ImportFile("r.csv", csv_bytes([
        NET_RESOURCE_HEADER, [None, "0403.170.701", "M-1", "machine", "Press brake (100 t)",
                              "Plant", None]]))
    report = services.import_commit(actor=world.operator, scope=network_scope,
                                    file=resources_only)
    assert [r.action for r in report.rows] == ["update"]
    assert maaseik.resources.get(external_id="M-1").name == "Press brake (100 t)"

    renamed = network_file([["X-9", "Maaseik Metaal", "manufacturer", "0403170701", None,
                             None, None, None, None],
                            ["X-8", "lommel labs", "knowledge", None, None, None, None, None,
                             None]])
    report = services.import_commit(actor=world.operator, scope=network_scope, file=renamed)
    assert [r.action for r in report.rows] == ["update", "update"]
    maaseik.refresh_from_db()
    assert maaseik.name == "Maaseik Metaal" and maaseik.kind == "manufacturer"
    assert list(Organization.objects.filter(name__iexact="lommel labs")
                .values_list("name", flat=True)) == ["lommel labs"]  # matched, case ignored


def test_operators_do_not_overwrite_organizations_with_their_own_admins(world, network_scope):
    outside = OrganizationFactory(name="Elsewhere NV", enterprise_number="0403170701")
    NetworkMembershipFactory(network=NetworkFactory(), organization=outside)
    file = network_file([
        ["O-1", "Genk Precision NV", "sme", None, None, None, None, None, None],
        ["O-2", "Elsewhere", "sme", "0403.170.701", None, None, None, None, None],
        ["O-3", "New NV", "sme", None, None, None, None, None, None],
        ["O-4", "NEW NV", "sme", None, None, None, None, None, None],
    ], [["O-1", None, "M-1", "expertise", "Welding", None, None],
        ["O-9", None, "M-1", "expertise", "Welding", None, None]])
    report = services.import_commit(actor=world.operator, scope=network_scope, file=file)
    assert not report.committed
    errors = {(e.sheet, e.row, e.column): e.message for e in report.errors}
    assert "has its own admins" in errors[("organizations", 2, "legal_name")]
    assert "outside Limburg Maakt" in errors[("organizations", 3, "enterprise_number")]
    assert "same organization as row 4" in errors[("organizations", 5, "external_id")]
    assert "No organization has this external id" in errors[("resources", 3,
                                                             "org_external_id")]
    by_row = {(r.sheet, r.row): r for r in report.rows}
    assert by_row[("organizations", 4)].action == "create"
    assert by_row[("resources", 2)].action == "skipped"
    assert "row 2 of organizations" in by_row[("resources", 2)].note
    assert not Organization.objects.filter(name="New NV").exists()
    world.factory.refresh_from_db()
    assert world.factory.kind == "manufacturer"


# --- pages -----------------------------------------------------------------------------------


def test_upload_preview_and_import_the_same_file(client, world, settings):
    client.force_login(world.admin)
    url = reverse("organization_import", args=["genk-precision"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("organization_import_template", args=["genk-precision"]) in body
    assert "envelope_x_mm" in body  # the columns explained on the page

    data = xlsx({"resources": [RESOURCE_HEADER, *GOOD]})
    preview = client.post(url, {"file": upload(data)})
    assert preview.status_code == 200
    assert [r.action for r in preview.context["report"].rows] == ["create"] * 3
    assert not Resource.objects.exists()
    token = preview.context["commit_form"].initial["token"]
    staged = import_views.staging_dir() / token
    assert staged.read_bytes() == data
    assert not str(staged).startswith(str(settings.MEDIA_ROOT))  # never served

    commit_url = reverse("organization_import_commit", args=["genk-precision"])
    result = client.post(commit_url, {"token": token})
    assert result.status_code == 200
    assert "was imported" in result.content.decode()
    assert Resource.objects.filter(organization=world.factory).count() == 3
    assert not staged.exists()
    again = client.post(commit_url, {"token": token}, follow=True)
    assert "no longer available" in again.content.decode()
    assert Resource.objects.count() == 3


def test_preview_lists_every_error_with_row_and_column(client, world):
    client.force_login(world.admin)
    data = xlsx({"resources": [RESOURCE_HEADER, GOOD[0], BAD[0], GOOD[1], BAD[1], GOOD[2]]})
    page = client.post(reverse("organization_import", args=["genk-precision"]),
                       {"file": upload(data)})
    body = page.content.decode()
    assert page.context["commit_form"] is None
    assert "2 rows have errors" in body
    assert "resources, row 3, column name: This value is required." in body
    assert "resources, row 5, column tolerance_um" in body
    staging = import_views.staging_dir()
    assert not staging.exists() or not any(staging.iterdir())  # nothing kept to import


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The submitted file is empty."),
    (b"%PDF-1.7\x00binary", "Upload a CSV (UTF-8) or an Excel (.xlsx) file."),
    (b"x" * (imports.MAX_BYTES + 1), "the limit is 5.0"),
    (b"a;b\n1;2\n", "must name the columns"),
])
def test_unreadable_uploads_get_a_field_error(client, world, data, message):
    client.force_login(world.admin)
    page = client.post(reverse("organization_import", args=["genk-precision"]),
                       {"file": upload(data, "x.csv")})
    assert page.status_code == 200
    assert message in page.context["form"].errors["file"][0]


def test_staged_file_is_bound_to_session_scope_time_and_content(client, world):
    client.force_login(world.admin)
    url = reverse("organization_import", args=["genk-precision"])
    commit_url = reverse("organization_import_commit", args=["genk-precision"])
    data = csv_bytes([RESOURCE_HEADER, GOOD[2]])

    def preview_token():
        return client.post(url, {"file": upload(data, "r.csv")}).context["commit_form"] \
            .initial["token"]

    token = preview_token()
    other = reverse("network_import_commit", args=["limburg"])
    client.force_login(world.operator)  # not an admin of the organization
    assert client.post(commit_url, {"token": token}).status_code == 403
    client.force_login(world.owner)  # an admin, but in another session
    response = client.post(commit_url, {"token": token})
    assert response.status_code == 302 and not Resource.objects.exists()

    client.force_login(world.admin)
    token = preview_token()
    (import_views.staging_dir() / token).write_bytes(data + b"\r\nE-2;expertise;Sneaky")
    assert client.post(commit_url, {"token": token}).status_code == 302
    assert not Resource.objects.exists()

    token = preview_token()
    with time_machine.travel(import_views.time.time() + 3601):
        assert client.post(commit_url, {"token": token}).status_code == 302
    assert not Resource.objects.exists()
    assert client.post(other, {"token": token}).status_code == 403  # not an operator
    assert client.post(commit_url, {"token": "../../etc/passwd"}).status_code == 302
    assert client.post(commit_url, {"token": token}).status_code == 200
    assert Resource.objects.count() == 1


def test_commit_reports_changes_made_since_the_preview(client, world):
    client.force_login(world.admin)
    url = reverse("organization_import", args=["genk-precision"])
    token = client.post(url, {"file": upload(csv_bytes([RESOURCE_HEADER, GOOD[0]]), "r.csv")}) \
        .context["commit_form"].initial["token"]
    world.factory.sites.update(name="Renamed plant")
    page = client.post(reverse("organization_import_commit", args=["genk-precision"]),
                       {"token": token})
    assert page.status_code == 200 and page.context["report"].errors
    assert "no site named" in page.content.decode()
    assert not Resource.objects.exists()


def test_operator_page_imports_into_the_network(client, world):
    client.force_login(world.operator)
    url = reverse("network_import", args=["limburg"])
    assert "Import organizations into Limburg Maakt" in client.get(url).content.decode()
    file = network_file([["O-1", "Bree Bouw", "sme", None, None, "Yard", "Bree", 51.14, 5.6]])
    token = client.post(url, {"file": upload(file.data)}).context["commit_form"].initial["token"]
    client.post(reverse("network_import_commit", args=["limburg"]), {"token": token})
    assert NetworkMembership.objects.get(organization__name="Bree Bouw").status == "approved"


@pytest.mark.parametrize("name", ["organization_import", "organization_import_template"])
def test_page_permissions(client, world, name):
    url = reverse(name, args=["genk-precision"])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(world.member)
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(reverse(name, args=["bolt-robotics"])).status_code == 404
    assert client.get(url).status_code == 403  # the profile is public, the import is not
    client.force_login(world.admin)
    assert client.get(url).status_code == 200


def test_network_page_permissions(client, world):
    url = reverse("network_import", args=["limburg"])
    client.force_login(world.admin)
    assert client.get(url).status_code == 403
    assert client.get(reverse("network_import", args=["nowhere"])).status_code == 404
    client.force_login(world.operator)
    assert client.get(url).status_code == 200


def test_template_downloads(client, world):
    client.force_login(world.operator)
    response = client.get(reverse("network_import_template", args=["limburg"]))
    assert response.status_code == 200
    assert 'filename="fabshare-import-network.xlsx"' in response["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[:3] == [
        "organizations", "resources", "columns"]
    response = client.get(reverse("network_import_template_csv",
                                  args=["limburg", "organizations"]))
    assert response.content.decode("utf-8-sig").startswith("external_id;legal_name;kind")
    assert client.get(reverse("network_import_template_csv",
                              args=["limburg", "sites"])).status_code == 404


# --- API -------------------------------------------------------------------------------------


def test_api_preview_and_commit(client, world):
    headers = bearer(world.admin)
    data = xlsx({"resources": [RESOURCE_HEADER, *GOOD]})
    response = client.post(f"{API}/imports/preview",
                           {"file": upload(data), "organization_id": world.factory.pk},
                           headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] and not body["committed"]
    assert body["counts"] == {"create": 3, "update": 0, "unchanged": 0, "error": 0,
                              "skipped": 0}
    assert body["rows"][0] == {"sheet": "resources", "row": 2, "table": "resources",
                               "action": "create", "key": "M-1", "name": "DMU 65 monoBLOCK",
                               "note": "", "errors": []}
    assert not Resource.objects.exists()
    response = client.post(f"{API}/imports",
                           {"file": upload(data), "organization_id": world.factory.pk},
                           headers=headers)
    assert response.status_code == 200 and response.json()["committed"]
    assert Resource.objects.count() == 3
    response = client.post(f"{API}/imports",
                           {"file": upload(data), "organization_id": world.factory.pk},
                           headers=headers)
    assert response.json()["counts"]["unchanged"] == 3
    assert Resource.objects.count() == 3


def test_api_reports_row_errors_as_a_problem_and_writes_nothing(client, world):
    headers = bearer(world.admin)
    data = xlsx({"resources": [RESOURCE_HEADER, GOOD[0], BAD[0], GOOD[1], BAD[1]]})
    preview = client.post(f"{API}/imports/preview",
                          {"file": upload(data), "organization_id": world.factory.pk},
                          headers=headers).json()
    assert not preview["valid"]
    assert [(e["row"], e["column"]) for e in preview["errors"]] == [(3, "name"),
                                                                   (5, "tolerance_um")]
    body = problem(client.post(f"{API}/imports",
                               {"file": upload(data), "organization_id": world.factory.pk},
                               headers=headers), 422)
    assert [e["field"] for e in body["errors"]] == ["resources.3.name",
                                                    "resources.5.tolerance_um"]
    assert "nothing was imported" in body["detail"]
    assert not Resource.objects.exists()


def test_api_refuses_unreadable_files_and_bad_scopes(client, world):
    headers = bearer(world.admin)
    body = problem(client.post(f"{API}/imports", {"file": upload(b"\x00\x01\x02", "x.bin"),
                                                  "organization_id": world.factory.pk},
                               headers=headers), 400)
    assert body["errors"] == [{"field": "file",
                               "message": "Upload a CSV (UTF-8) or an Excel (.xlsx) file."}]
    data = csv_bytes([RESOURCE_HEADER, GOOD[2]])
    for form in ({}, {"organization_id": world.factory.pk, "network_id": world.network.pk}):
        problem(client.post(f"{API}/imports/preview", {"file": upload(data), **form},
                            headers=headers), 422)
    problem(client.post(f"{API}/imports/preview", {"organization_id": world.factory.pk},
                        headers=headers), 422)


def test_api_permissions(client, world):
    data = csv_bytes([RESOURCE_HEADER, GOOD[2]])

    def post(user, **scope):
        headers = bearer(user) if user else {}
        return client.post(f"{API}/imports", {"file": upload(data), **scope}, headers=headers)

    problem(post(None, organization_id=world.factory.pk), 401)
    problem(post(world.outsider, organization_id=world.startup.pk), 404)
    problem(post(world.member, organization_id=world.factory.pk), 403)
    problem(post(world.outsider, organization_id=world.factory.pk), 403)
    problem(post(world.admin, network_id=world.network.pk), 403)
    problem(post(world.operator, network_id=10**6), 404)
    assert not Resource.objects.exists()
    org_file = network_file([["O-1", "Bree Bouw", "sme", None, None, None, None, None, None]])
    response = client.post(f"{API}/imports", {"file": upload(org_file.data),
                                              "network_id": world.network.pk},
                           headers=bearer(world.operator))
    assert response.status_code == 200 and response.json()["committed"]


def test_api_endpoints_are_documented(client, world):
    schema = json.loads(client.get(f"{API}/openapi.json").content)
    for path in ("/api/v1/imports/preview", "/api/v1/imports"):
        operation = schema["paths"][path]["post"]
        assert set(operation["responses"]) >= {"200", "400", "401", "403", "404", "422"}
        assert "multipart/form-data" in operation["requestBody"]["content"]
