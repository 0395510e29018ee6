"""Bring your own register: three layouts forces really keep, each imported exactly, and
every refusal naming the cell of the force's own file (nothing written)."""

import datetime
import io
import json
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from realise.benefits.baselines import freeze_baseline
from realise.benefits.models import Benefit, Measurement, PlannedValue
from realise.reports.mapped.grid import read_grid
from realise.reports.mapped.mapping import (
    MappingError,
    guess_header_row,
    parse_mapping,
    suggest_columns,
)
from realise.reports.mapped.months import NotAMonth, month_of
from realise.reports.mapped.translate import import_mapped, preview
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    PersonFactory,
    member,
    share,
)

D = datetime.date
STANDARD = ["1a", "Decrease", "Agency spend", "GBP", "Erin Owner", "Erin Owner"]


def xlsx(rows, merges=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods(rows) -> bytes:
    """A minimal OpenDocument spreadsheet with one sheet called Register."""

    def cell(value):
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float | Decimal):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        text = escape(str(value))
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Register">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


@pytest.fixture
def ready(world):
    world.initiative.stage = 1
    world.initiative.save()
    return world


STANDARD_COLUMNS = {
    "subcategory": "Category",
    "direction": "Direction",
    "measure": "Measure",
    "unit": "Unit",
    "owner": "Owner",
    "measurement_owner": "Measured by",
}
STANDARD_HEADERS = ["Category", "Direction", "Measure", "Unit", "Owner", "Measured by"]


def months_down():
    """Layout 1: a CSV with one row per benefit and month (period and value columns)."""
    lines = [
        [
            "Ref",
            "Benefit",
            "Project",
            *STANDARD_HEADERS,
            "Force",
            "Month",
            "Plan",
            "Actual",
            "Note",
        ],
        [
            "EK-1",
            "Fewer agency vetters",
            "joint-vetting",
            *STANDARD,
            "Essex",
            "Apr-25",
            "1000",
            "900",
            "Payroll April",
        ],
        [
            "EK-1",
            "Fewer agency vetters",
            "joint-vetting",
            *STANDARD,
            "Essex",
            "May-25",
            "1,000.50",
            "",
            "",
        ],
        ["EK-2", "Shared contract", "joint-vetting", *STANDARD, "", "2025-04", "250", "", ""],
    ]
    text = "\n".join(",".join(f'"{v}"' for v in line) for line in lines)
    mapping = {
        "sheet": "register",
        "header_row": 1,
        "initiative": {"column": "Project"},
        "columns": {
            "reference": "Ref",
            "title": "Benefit",
            **STANDARD_COLUMNS,
            "force": "Force",
            "month": "Month",
            "planned": "Plan",
            "actual": "Actual",
            "evidence": "Note",
        },
    }
    return text.encode(), "register.csv", mapping


def months_across():
    """Layout 2: a title block, the header on row 4, months across I to K (plan only)."""
    rows = [
        ["Essex and Kent benefits register", None, None],
        ["Version 12, owner: EK programme office"],
        [],
        ["Reference", "Benefit", *STANDARD_HEADERS, "Apr-25", "May 2025 ", "Jun 2025"],
        ["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1100, 1200],
        ["EK-2", "Shared contract", *STANDARD, None, 250.25, None],
    ]
    mapping = {
        "sheet": "Register",
        "header_row": 4,
        "initiative": "joint-vetting",
        "columns": {"reference": "Reference", "title": "Benefit", **STANDARD_COLUMNS},
        "monthly": [{"kind": "planned", "first_column": "I", "last_column": "K"}],
    }
    return xlsx(rows), "register.xlsx", mapping


def side_by_side(as_ods=False):
    """Layout 3: plan and actual blocks side by side under merged "Plan" / "Actual" cells;
    plan months as date cells, actual months as financial-year months."""
    rows = [
        ["EK register", None, None, None, None, None, None, None, "Plan", None, "Actual", None],
        [
            "Ref",
            "Benefit",
            *STANDARD_HEADERS,
            D(2025, 4, 1),
            D(2025, 5, 1),
            "2025/26 M01",
            "2025/26 M02",
        ],
        ["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1000, 950, 1010],
    ]
    # Columns: A Ref, B Benefit, C-H standard, I-J plan, K-L actual.
    rows[0] = [None] * 8 + ["Plan", None, "Actual", None]
    mapping = {
        "sheet": "Register",
        "header_row": 2,
        "initiative": "joint-vetting",
        "columns": {"reference": "Ref", "title": "Benefit", **STANDARD_COLUMNS},
        "monthly": [
            {"kind": "planned", "first_column": "I", "last_column": "J"},
            {"kind": "actual", "first_column": "K", "last_column": "L"},
        ],
        "evidence_note": "Copied from the EK register v12, sheet Register",
    }
    if as_ods:
        rows[1][8], rows[1][9] = "Apr-25", "May-25"
        return ods(rows), "register.ods", mapping
    return xlsx(rows, merges=["I1:J1", "K1:L1"]), "register.xlsx", mapping


def run(data, name, mapping, user, dry_run=False):
    return import_mapped(read_grid(data, name), parse_mapping(mapping), user=user, dry_run=dry_run)


def plans(reference):
    return {
        pv.period: pv.value
        for pv in PlannedValue.objects.filter(benefit__reference=reference).order_by("period")
    }


def test_months_down_the_rows(ready):
    result = run(*months_down(), ready.alice)
    assert result.ok, result.problems
    assert (result.benefits_created, result.months_planned, result.actuals) == (2, 3, 1)
    one = Benefit.objects.get(reference="EK-1")
    assert one.initiative == ready.initiative and one.owner == ready.erin_person
    assert one.subcategory == "1a" and one.direction == "decrease"
    assert plans("EK-1") == {D(2025, 4, 1): Decimal("1000.00"), D(2025, 5, 1): Decimal("1000.50")}
    actual = Measurement.objects.get(benefit=one)
    assert (actual.period, actual.force.name, actual.value) == (
        D(2025, 4, 1),
        "Essex",
        Decimal("900.00"),
    )
    assert plans("EK-2") == {D(2025, 4, 1): Decimal("250.00")}
    assert list(actual.evidence.values_list("note", flat=True)) == ["Payroll April"]


def test_months_across_with_a_title_block(ready):
    result = run(*months_across(), ready.alice)
    assert result.ok, result.problems
    assert plans("EK-1") == {
        D(2025, 4, 1): Decimal("1000.00"),
        D(2025, 5, 1): Decimal("1100.00"),
        D(2025, 6, 1): Decimal("1200.00"),
    }
    assert plans("EK-2") == {D(2025, 5, 1): Decimal("250.25")}

    # Next month, the same file again: nothing changes.
    again = run(*months_across(), ready.alice)
    assert (again.benefits_created, again.benefits_changed, again.months_planned) == (0, 0, 0)


@pytest.mark.parametrize("as_ods", [False, True])
def test_plan_and_actual_blocks_side_by_side(ready, as_ods):
    result = run(*side_by_side(as_ods), ready.alice)
    assert result.ok, result.problems
    assert plans("EK-1") == {D(2025, 4, 1): Decimal("1000.00"), D(2025, 5, 1): Decimal("1000.00")}
    actuals = dict(
        Measurement.objects.filter(benefit__reference="EK-1").values_list("period", "value")
    )
    assert actuals == {D(2025, 4, 1): Decimal("950.00"), D(2025, 5, 1): Decimal("1010.00")}
    notes = set(
        Measurement.objects.filter(benefit__reference="EK-1").values_list(
            "evidence__note", flat=True
        )
    )
    assert notes == {"Copied from the EK register v12, sheet Register"}


def test_a_benefit_already_in_realise_keeps_what_the_mapping_leaves_out(ready):
    BenefitFactory(
        initiative=ready.initiative,
        reference="EK-1",
        title="Old title",
        description="Kept",
        owner=ready.erin_person,
    )
    data, name, mapping = months_across()
    result = run(data, name, mapping, ready.alice)
    assert result.ok, result.problems
    benefit = Benefit.objects.get(reference="EK-1")
    assert (benefit.title, benefit.description) == ("Fewer agency vetters", "Kept")
    assert result.benefits_changed == 1


def test_a_dry_run_counts_and_writes_nothing(ready):
    result = run(*months_down(), ready.alice, dry_run=True)
    assert result.ok and result.dry_run and not result.written
    assert (result.benefits_created, result.months_planned, result.actuals) == (2, 3, 1)
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def refused(data, name, mapping, user):
    result = run(data, name, mapping, user)
    assert not result.ok
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()
    assert not PlannedValue.objects.exists()
    return result.problems


def test_a_header_that_is_not_a_month_refuses_the_file_naming_the_cell(ready):
    data, name, mapping = months_across()
    mapping["monthly"][0]["last_column"] = "L"  # L4 is empty, not a month
    problems = refused(data, name, mapping, ready.alice)
    assert any(p.startswith("Register!L4: ") and "not a month" in p for p in problems)


def test_text_in_a_money_cell_refuses_the_file_naming_the_cell(ready):
    rows = [
        ["Reference", "Benefit", *STANDARD_HEADERS, "Apr-25", "May-25"],
        ["EK-1", "Fewer agency vetters", *STANDARD, 1000, "about a thousand"],
    ]
    mapping = {
        "sheet": "Register",
        "header_row": 1,
        "initiative": "joint-vetting",
        "columns": {"reference": "Reference", "title": "Benefit", **STANDARD_COLUMNS},
        "monthly": [{"kind": "planned", "first_column": "I", "last_column": "J"}],
    }
    problems = refused(xlsx(rows), "register.xlsx", mapping, ready.alice)
    assert problems == ["Register!J2: 'about a thousand' is not a number"]


def test_an_unknown_initiative_refuses_the_file_naming_the_cell(ready):
    data, name, mapping = months_down()
    data = data.replace(
        b'"EK-2","Shared contract","joint-vetting"', b'"EK-2","Shared contract","no-such"'
    )
    problems = refused(data, name, mapping, ready.alice)
    assert "register!C4: unknown initiative 'no-such'" in problems


def test_a_baselined_plan_refuses_the_file_naming_the_cell(ready):
    benefit = BenefitFactory(initiative=ready.initiative, reference="EK-1", owner=ready.erin_person)
    PlannedValue.objects.create(benefit=benefit, period=D(2025, 4, 1), value=Decimal("500"))
    freeze_baseline(ready.initiative, approved_on=D(2025, 3, 1), user=ready.alice)
    data, name, mapping = months_across()
    result = run(data, name, mapping, ready.alice)
    assert not result.ok
    assert any(p.startswith("Register!I5: ") and "baselined" in p for p in result.problems)
    assert plans("EK-1") == {D(2025, 4, 1): Decimal("500.00")}
    assert not Benefit.objects.filter(reference="EK-2").exists()


def test_actuals_need_evidence(ready):
    data, name, mapping = side_by_side()
    del mapping["evidence_note"]
    problems = refused(data, name, mapping, ready.alice)
    assert problems == [
        "Register!2: actuals need evidence: map an evidence column, or give one evidence note "
        "for the whole import saying where the figures came from"
    ]


def test_an_outsider_cannot_import_into_a_collaboration(ready):
    result = run(*months_across(), ready.nora)
    assert not result.ok
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


@pytest.mark.parametrize(
    ("header", "month"),
    [
        (D(2025, 4, 17), D(2025, 4, 1)),
        (datetime.datetime(2025, 4, 1, 0, 0), D(2025, 4, 1)),
        ("Apr-25", D(2025, 4, 1)),
        ("April 2025", D(2025, 4, 1)),
        ("2025-04", D(2025, 4, 1)),
        ("04/2025", D(2025, 4, 1)),
        ("2025/26 M01", D(2025, 4, 1)),
        ("2025/26 M09", D(2025, 12, 1)),
        ("2025/26 M10", D(2026, 1, 1)),
        ("2025/26 M12", D(2026, 3, 1)),
        ("Sept 2026", D(2026, 9, 1)),
        ("01/04/2025", D(2025, 4, 1)),
        ("17/4/2025", D(2025, 4, 1)),
        ("2025-04-17", D(2025, 4, 1)),
    ],
)
def test_month_headers(header, month):
    assert month_of(header) == month


@pytest.mark.parametrize(
    "header",
    [
        "Total",
        "",
        "2025/27 M01",
        "2025/26 M13",
        "13/2025",
        None,
        "２０２５-04",
        "31/02/2025",
        "04/17/2025",
        "2025-04-32",
    ],
)
def test_headers_that_are_not_months(header):
    with pytest.raises(NotAMonth):
        month_of(header)


def test_the_header_row_is_guessed_and_columns_prefilled():
    data, name, _ = months_across()
    sheet = read_grid(data, name).sheets["Register"]
    assert guess_header_row(sheet) == 4
    suggested = suggest_columns(sheet, 4)
    assert suggested["reference"] == "Reference"
    assert suggested["title"] == "Benefit"
    assert suggested["unit"] == "Unit" and suggested["owner"] == "Owner"


def test_the_preview_shows_rows_as_realise_reads_them(ready):
    data, name, mapping = months_across()
    result = preview(read_grid(data, name), parse_mapping(mapping), user=ready.alice)
    assert result.ok, result.problems
    first = result.preview[0]
    assert first.row == 5 and first.values["Reference"] == "EK-1"
    assert first.months["planned"] == {"Apr 2025": 1000, "May 2025": 1100, "Jun 2025": 1200}
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"header_row": 0}, "header_row: must be a row number"),
        ({"columns": {"title": "Benefit"}}, "columns.reference: required"),
        ({"columns": {"reference": "Ref", "colour": "C"}}, "columns.colour: unknown field"),
        ({"initiative": None}, "initiative: required"),
        ({"monthly": [{"kind": "plan", "first_column": "F", "last_column": "G"}]}, "kind"),
        ({"monthly": [{"kind": "planned", "first_column": "G", "last_column": "F"}]}, "before"),
        ({"extra": 1}, "extra: unknown key"),
    ],
)
def test_a_wrong_mapping_names_the_key(change, message):
    data = {
        "sheet": "Register",
        "header_row": 4,
        "initiative": "joint-vetting",
        "columns": {"reference": "Ref"},
    } | change
    with pytest.raises(MappingError, match=message):
        parse_mapping(data)


def test_the_command_imports_with_a_mapping(ready, tmp_path, capsys):
    data, name, mapping = side_by_side()
    (tmp_path / name).write_bytes(data)
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))
    call_command(
        "import-register",
        str(tmp_path / name),
        "--mapping",
        str(tmp_path / "mapping.json"),
        "--user",
        "alice",
    )
    out = capsys.readouterr().out
    assert "Benefits created: 1" in out and "Actuals (created or changed): 2" in out
    assert Measurement.objects.filter(benefit__reference="EK-1").count() == 2


def test_the_command_refuses_naming_every_cell_and_exits_2(ready, tmp_path, capsys):
    data, name, mapping = months_across()
    mapping["monthly"][0]["last_column"] = "L"
    (tmp_path / name).write_bytes(data)
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import-register",
            str(tmp_path / name),
            "--mapping",
            str(tmp_path / "mapping.json"),
            "--user",
            "alice",
        )
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Register!L4: " in err and "nothing was imported" in err
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


# The pages --------------------------------------------------------------------------------


def upload(client, data, name, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/register/map/", {"file": SimpleUploadedFile(name, data), **extra}, follow=False
    )


def form_data(mapping, **extra):
    data = {
        "sheet": mapping["sheet"],
        "header_row": mapping["header_row"],
        "evidence_note": mapping.get("evidence_note", ""),
    }
    initiative = mapping["initiative"]
    if isinstance(initiative, dict):
        data["initiative_column"] = initiative["column"]
    else:
        data["initiative"] = initiative
    for name, where in mapping["columns"].items():
        data[f"col_{name}"] = where
    for index, block in enumerate(mapping.get("monthly", [])):
        data[f"block{index}_kind"] = block["kind"]
        data[f"block{index}_first"] = block["first_column"]
        data[f"block{index}_last"] = block["last_column"]
    return data | extra


def test_the_pages_map_preview_try_and_import_a_register(client, ready):
    from realise.reports.models import ImportJob, RegisterMapping

    client.force_login(ready.alice)
    data, name, mapping = months_across()
    response = upload(client, data, name)
    job = ImportJob.objects.get()
    assert response["Location"] == f"/register/map/{job.pk}/"

    page = client.get(f"/register/map/{job.pk}/")
    form = page.context["form"]
    assert form.initial["header_row"] == 4  # guessed below the title block
    assert form.initial["col_reference"] == "Reference"
    assert "Essex and Kent benefits" in page.content.decode()  # the title block is shown

    page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="preview"))
    assert page.status_code == 200
    assert [row.row for row in page.context["result"].preview] == [5, 6]

    page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="dry-run"))
    assert page.context["result"].months_planned == 4
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()

    response = client.post(
        f"/register/map/{job.pk}/",
        form_data(mapping, action="import", save_as="EK register", collaboration="ek"),
    )
    job.refresh_from_db()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "done", job.errors
    assert plans("EK-2") == {D(2025, 5, 1): Decimal("250.25")}
    saved = RegisterMapping.objects.get(name="EK register")
    assert saved.mapping["monthly"][0]["first_column"] == "I"

    # Next month: the saved mapping fills in every choice.
    upload(client, data, name, saved=saved.pk)
    again = ImportJob.objects.exclude(pk=job.pk).get()
    form = client.get(f"/register/map/{again.pk}/").context["form"]
    assert form.initial["header_row"] == 4 and form.initial["initiative"] == "joint-vetting"


def test_a_refused_import_lists_every_cell_on_the_page(client, ready):
    client.force_login(ready.alice)
    data, name, mapping = months_across()
    upload(client, data, name)
    from realise.reports.models import ImportJob

    job = ImportJob.objects.get()
    mapping["monthly"][0]["last_column"] = "L"
    page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="import"))
    assert page.status_code == 200
    assert any(p.startswith("Register!L4:") for p in page.context["problems"])
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def test_someone_elses_upload_is_not_found(client, ready):
    client.force_login(ready.alice)
    data, name, _ = months_across()
    upload(client, data, name)
    from realise.reports.models import ImportJob

    job = ImportJob.objects.get()
    client.force_login(ready.nora)
    assert client.get(f"/register/map/{job.pk}/").status_code in (403, 404)


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, ready):
    client.force_login(ready.alice)
    page = upload(client, b"#!/bin/sh\nrm -rf /\n", "register.xlsx")
    assert page.status_code == 200
    assert not page.context["form"].is_valid()
    assert "register.xlsx" in str(page.context["form"].errors["file"])


# Refusing exactly, and the preview showing each problem beside its cell ----------------------


def with_actuals(rows_below):
    """Months across with a title block: plan I to J, actuals K to L (Apr and May 2025)."""
    rows = [
        ["Essex and Kent benefits register"],
        ["Version 12"],
        [],
        ["Reference", "Benefit", *STANDARD_HEADERS, "Apr-25", "May-25", "Apr-25", "May-25"],
        *rows_below,
    ]
    mapping = {
        "sheet": "Register",
        "header_row": 4,
        "initiative": "joint-vetting",
        "columns": {"reference": "Reference", "title": "Benefit", **STANDARD_COLUMNS},
        "monthly": [
            {"kind": "planned", "first_column": "I", "last_column": "J"},
            {"kind": "actual", "first_column": "K", "last_column": "L"},
        ],
        "evidence_note": "Copied from the EK register v12",
    }
    return rows, mapping


def test_a_value_with_more_than_two_decimal_places_is_refused_naming_cell_and_value(ready):
    rows, mapping = with_actuals(
        [["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1000.005, 100.005, "90.999"]]
    )
    problems = refused(xlsx(rows), "register.xlsx", mapping, ready.alice)
    assert problems == [
        "Register!J5: '1000.005' has more than two decimal places",
        "Register!K5: '100.005' has more than two decimal places",
        "Register!L5: '90.999' has more than two decimal places",
    ]
    assert not Measurement.objects.exists()


def test_a_formula_with_no_calculated_value_is_refused_naming_the_cell(ready):
    rows, mapping = with_actuals(
        [
            ["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1000, 900, 950],
            ["EK-2", "Shared contract", *STANDARD, 250, 250, 200, "=K6*0.9"],
        ]
    )
    problems = refused(xlsx(rows), "register.xlsx", mapping, ready.alice)
    assert problems == [
        "Register!L6: the cell holds a formula with no calculated value: open and save the "
        "workbook in Excel, or enter the value"
    ]
    assert not Measurement.objects.exists()


def test_a_number_is_quoted_as_typed_and_a_missing_title_names_its_field(ready):
    rows, mapping = with_actuals(
        [
            ["EK-1", "Fewer agency vetters", *STANDARD, 1000, "12 hours", None, None],
            ["EK-2", None, *STANDARD, 250, None, None, None],
        ]
    )
    problems = refused(xlsx(rows), "register.xlsx", mapping, ready.alice)
    assert problems == [
        "Register!B6: Title: enter a value",
        "Register!J5: '12 hours' is not a number",
    ]


def test_the_preview_checks_the_rows_and_names_each_problem_beside_its_cell(ready):
    rows, mapping = with_actuals(
        [
            ["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1000, 900, "TBC"],
            ["EK-2", "Shared contract", *STANDARD[:4], "Nobody Known", STANDARD[5], 250, 250],
        ]
    )
    result = preview(
        read_grid(xlsx(rows), "register.xlsx"), parse_mapping(mapping), user=ready.alice
    )

    assert result.problems == [
        "Register!G6: Owner: unknown person 'Nobody Known'; choose someone from the list "
        "(Name <email>)",
        "Register!L5: 'TBC' is not a number",
    ]
    first, second = result.preview
    assert ("Actual", "May 2025", "TBC", ["'TBC' is not a number"]) in [
        (kind.capitalize(), month, value, reasons)
        for kind, month, value, reasons in first.month_cells
    ]
    # Beside its label, the problem does not name the field again.
    assert (
        "Owner",
        "Nobody Known",
        ["unknown person 'Nobody Known'; choose someone from the list (Name <email>)"],
    ) in second.fields
    assert ("Title", "Shared contract", []) in second.fields
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def test_the_preview_page_shows_each_problem_beside_its_row(client, ready):
    from realise.reports.models import ImportJob

    client.force_login(ready.alice)
    rows, mapping = with_actuals(
        [["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1000, 900, "TBC"]]
    )
    upload(client, xlsx(rows), "register.xlsx")
    job = ImportJob.objects.get()

    page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="preview"))

    assert page.status_code == 200
    assert page.context["problems"] == ["Register!L5: 'TBC' is not a number"]
    html = page.content.decode()
    summary, table = html.split('id="preview"', 1)
    assert "Register!L5: &#x27;TBC&#x27; is not a number" in summary
    assert "Actual May 2025: TBC" in table
    assert "&#x27;TBC&#x27; is not a number</span>" in table
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def map_page_errors(client, ready, **changes):
    from realise.reports.models import ImportJob

    client.force_login(ready.alice)
    data, name, mapping = months_across()
    upload(client, data, name)
    job = ImportJob.objects.get()
    page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="preview") | changes)
    assert page.status_code == 200 and "result" not in page.context
    return page.context["form"].labelled_errors(), page.content.decode()


@pytest.mark.parametrize("row", ["999", "0", "four"])
def test_a_wrong_header_row_is_the_only_error_and_names_its_field(client, ready, row):
    errors, html = map_page_errors(client, ready, header_row=row)
    [(field_id, message)] = errors
    assert field_id == "id_header_row"
    assert message.startswith("Header row: Enter ")
    assert "Select a valid choice" not in html


def test_a_header_row_past_the_end_of_the_sheet_is_the_only_error(client, ready):
    errors, _ = map_page_errors(client, ready, header_row="150")
    assert errors == [
        (
            "id_header_row",
            "Header row: Row 150 of this sheet is empty: enter the row holding the column "
            "headings.",
        )
    ]


def test_a_wrong_block_column_names_its_field(client, ready):
    errors, html = map_page_errors(client, ready, block0_first="ZZZZ")
    assert errors == [
        (
            "id_block0_first",
            "Block 1 from column: 'ZZZZ' is not a column: enter its letters, e.g. F or AB.",
        )
    ]
    assert "at most 3 characters" not in html


def test_a_heading_not_in_the_header_row_names_its_field(client, ready):
    errors, _ = map_page_errors(client, ready, col_title="Benefit name")
    [(field_id, message)] = errors
    assert field_id == "id_col_title"
    assert message.startswith("Title: 'Benefit name' is not a heading of the header row")


def test_months_as_dates_typed_in_a_csv_are_read(ready):
    """A CSV saved from a spreadsheet writes its date headers as text, day first."""
    text = (
        "Ref,Benefit,Category,Direction,Measure,Unit,Owner,Measured by,01/04/2025,01/05/2025\n"
        "EK-1,Fewer agency vetters,1a,Decrease,Agency spend,GBP,Erin Owner,Erin Owner,"
        '"£1,000.50",1100\n'
    )
    mapping = {
        "sheet": "register",
        "header_row": 1,
        "initiative": "joint-vetting",
        "columns": {"reference": "Ref", "title": "Benefit", **STANDARD_COLUMNS},
        "monthly": [{"kind": "planned", "first_column": "I", "last_column": "J"}],
    }
    result = run(text.encode(), "register.csv", mapping, ready.alice)
    assert result.ok, result.problems
    assert plans("EK-1") == {D(2025, 4, 1): Decimal("1000.50"), D(2025, 5, 1): Decimal("1100")}


def test_a_benefit_hidden_from_the_importer_is_unknown_and_untouched(ready):
    """A reference that is a benefit of a collaboration the importer may not see: refused
    as unknown by the preview and the import alike, its initiative never named."""
    other = CollaborationFactory(name="Norfolk projects", slug="nf", visibility="policing")
    share(other, "Norfolk", "100")
    InitiativeFactory(collaboration=other, slug="nf-vetting", stage=1)
    outsider = member("norman", "Norfolk", "programme_team", other)
    PersonFactory(name="Norman Owner", user=outsider)
    hidden = ready.benefit.reference
    rows = [
        ["Reference", "Benefit", *STANDARD_HEADERS, "Apr-25"],
        [f"{hidden}  ", "Renamed", "1a", "Decrease", "Spend", "GBP", "Norman Owner", None, 5],
    ]
    mapping = {
        "sheet": "Register",
        "header_row": 1,
        "initiative": "nf-vetting",
        "columns": {"reference": "Reference", "title": "Benefit", **STANDARD_COLUMNS},
        "monthly": [{"kind": "planned", "first_column": "I", "last_column": "I"}],
    }
    expected = [
        f"Register!A2: unknown benefit '{hidden}'; a new benefit needs a reference not used "
        "elsewhere"
    ]
    shown = preview(read_grid(xlsx(rows), "register.xlsx"), parse_mapping(mapping), user=outsider)
    assert shown.problems == expected
    result = run(xlsx(rows), "register.xlsx", mapping, outsider)
    assert result.problems == expected and not result.written
    ready.benefit.refresh_from_db()
    assert ready.benefit.title == "Reduced vetting backlog"
    assert not PlannedValue.objects.filter(benefit=ready.benefit).exists()
