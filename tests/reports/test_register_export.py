"""Exporting the register: one workbook people can work in, holding what they may see."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from realise.reports.register.xlsx import (
    ACTUALS,
    BENEFITS,
    INITIATIVES,
    LISTS,
    PLANNED,
    headers,
    write_register,
)
from tests.documents.conftest import run_started_job
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory
from tests.reports.conftest import row_of

pytestmark = pytest.mark.django_db


def rows(path, sheet):
    workbook = load_workbook(path, read_only=True)
    return list(workbook[sheet].iter_rows(values_only=True))


def test_sheets_headers_and_frozen_panes(exported):
    workbook = load_workbook(exported)

    assert workbook.sheetnames == [INITIATIVES, BENEFITS, PLANNED, ACTUALS, LISTS, "About"]
    assert workbook[LISTS].sheet_state == "hidden"
    # When the register was written and what it holds; the import passes over it.
    about = [row[0] for row in workbook["About"].iter_rows(values_only=True)]
    assert about[1].startswith("As at ") and about[2].startswith("Filters: ")
    for sheet in (INITIATIVES, BENEFITS, PLANNED, ACTUALS):
        ws = workbook[sheet]
        assert [cell.value for cell in ws[1]] == headers(sheet)
        assert ws.freeze_panes == "B2"
        assert ws["A1"].font.bold
        assert ws.column_dimensions["A"].width > 10


def test_each_sheet_states_its_size(exported):
    workbook = load_workbook(exported, read_only=True)

    assert workbook[BENEFITS].max_row == 3 and workbook[BENEFITS].max_column == 20
    assert workbook[PLANNED].max_row == 4 and workbook[ACTUALS].max_row == 3


def test_values_and_number_formats(exported):
    workbook = load_workbook(exported)
    benefits = workbook[BENEFITS]
    row = row_of(exported, BENEFITS, "B-VET-1")
    values = {h: benefits.cell(row, i + 1) for i, h in enumerate(headers(BENEFITS))}

    assert values["Initiative"].value == "joint-vetting"
    assert values["Sub-category"].value == "1a Savings: money"
    assert values["Direction"].value == "Decrease"
    assert values["Owner"].value == "Erin Owner <erin@kent.police.example>"
    assert values["Measurement owner"].value == "Frank Measurer <frank@essex.police.example>"
    assert values["Baseline"].value == 100000
    assert values["Baseline"].number_format == '"£"#,##0.00'
    assert values["Status"].value == "Agreed"

    score = row_of(exported, BENEFITS, "B-VET-2")
    assert benefits.cell(score, 10).value == 3.5
    assert benefits.cell(score, 10).number_format == "0.00"

    assert rows(exported, PLANNED)[1:] == [
        ("B-VET-1", "2025-01", 1000),
        ("B-VET-1", "2025-02", 2000.5),
        ("B-VET-1", "2025-03", 3000),
    ]
    assert workbook[PLANNED]["C2"].number_format == '"£"#,##0.00'
    assert rows(exported, ACTUALS)[1:] == [
        ("B-VET-1", "2025-01", None, 900.25, None, None, None, None),
        ("B-VET-1", "2025-02", "E23000028", 1500, None, None, None, None),
    ]


def test_drop_downs_for_category_direction_status_and_owner(exported):
    workbook = load_workbook(exported)
    lists = workbook[LISTS]
    columns = {cell.value: cell.column_letter for cell in lists[1]}
    validations = {
        str(v.sqref).split(":")[0]: v.formula1
        for v in workbook[BENEFITS].data_validations.dataValidation
    }
    by_header = dict(zip(headers(BENEFITS), "ABCDEFGHIJKLMNOPQRST", strict=False))

    for header, source in [
        ("Sub-category", "Sub-category"),
        ("Direction", "Direction"),
        ("Status", "Benefit status"),
        ("Owner", "Person"),
        ("Measurement owner", "Person"),
    ]:
        letter = columns[source]
        assert validations[f"{by_header[header]}2"].startswith(f"'Lists'!${letter}$2:${letter}$")
    people = [cell.value for cell in lists[columns["Person"]][1:] if cell.value]
    assert "Erin Owner <erin@kent.police.example>" in people
    categories = [cell.value for cell in lists[columns["Sub-category"]][1:] if cell.value]
    assert categories[0] == "1a Savings: money" and len(categories) == 8


def test_a_formula_like_title_stays_text(register, tmp_path):
    register.benefit.title = "=HYPERLINK(1)"
    register.benefit.save()
    path = tmp_path / "register.xlsx"

    write_register(path)

    cell = load_workbook(path)[BENEFITS]["C2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_the_page_download_holds_only_what_the_user_may_see(register, client):
    secret = CollaborationFactory(slug="secret", visibility="private")
    BenefitFactory(initiative=InitiativeFactory(collaboration=secret), reference="SEC-1")
    client.force_login(register.nora)

    response = run_started_job(client, client.get("/register/export.xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.body), read_only=True)
    references = [r[0] for r in workbook[BENEFITS].iter_rows(min_row=2, values_only=True)]
    assert references == []  # nora sees neither the private Essex–Kent nor 'secret'
    # ... and the hidden lists sheet's drop-downs do not name them either
    listed = {value for row in workbook[LISTS].iter_rows(values_only=True) for value in row}
    assert "secret" not in listed and "ek" not in listed

    client.force_login(register.alice)
    response = run_started_job(client, client.get("/register/export.xlsx", {"collaboration": "ek"}))
    workbook = load_workbook(io.BytesIO(response.body), read_only=True)
    references = [r[0] for r in workbook[BENEFITS].iter_rows(min_row=2, values_only=True)]
    assert references == ["B-VET-1", "B-VET-2"]


def test_the_register_page_needs_a_sign_in(client):
    assert client.get("/register/").status_code == 302
    assert client.get("/register/export.xlsx").status_code == 302


def test_the_register_page_offers_download_and_upload(register, client):
    client.force_login(register.alice)

    page = client.get("/register/").content.decode()

    assert 'action="/register/export.xlsx"' in page
    assert 'href="/register/import/"' in page


def test_cli_export_of_one_initiative(register, tmp_path):
    other = InitiativeFactory(collaboration=register.collab, slug="other")
    BenefitFactory(initiative=other, reference="OTH-1")
    out = io.StringIO()
    path = tmp_path / "one.xlsx"

    call_command("export-register", "--initiative", "joint-vetting", "--out", str(path), stdout=out)

    assert "1 initiative, 2 benefits, 3 planned values and 2 actuals" in out.getvalue()
    assert [r[0] for r in rows(path, INITIATIVES)[1:]] == ["joint-vetting"]
    assert [r[0] for r in rows(path, BENEFITS)[1:]] == ["B-VET-1", "B-VET-2"]


def test_cli_export_for_a_user_names_no_collaboration_hidden_from_them(register, tmp_path):
    """`--user` holds only what that user may see, the drop-downs of the hidden lists sheet
    included (as the page's download does)."""
    path = tmp_path / "nora.xlsx"

    call_command("export-register", "--user", "nora", "--out", str(path), stdout=io.StringIO())

    assert rows(path, BENEFITS)[1:] == []
    listed = {value for row in rows(path, LISTS) for value in row}
    assert "ek" not in listed  # the private Essex and Kent collaboration


def test_cli_export_names_the_filters_used(register, tmp_path):
    path = tmp_path / "ek.xlsx"

    call_command(
        "export-register", "--collaboration", "ek", "--out", str(path), stdout=io.StringIO()
    )

    about = [row[0] for row in rows(path, "About")]
    assert about[2] == f"Filters: Collaboration: {register.collab}"


def test_an_unknown_collaboration_is_refused_on_the_page(register, client):
    client.force_login(register.alice)

    response = client.get("/register/export.xlsx", {"collaboration": "no-such-thing"})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_the_export_names_the_filters_used(client, world):
    import io

    client.force_login(world.alice)
    started = client.get("/register/export.xlsx", {"collaboration": world.collab.slug})
    response = run_started_job(client, started)
    workbook = load_workbook(io.BytesIO(response.body))
    about = [row[0] for row in workbook["About"].iter_rows(values_only=True)]
    assert about[2] == f"Filters: Collaboration: {world.collab}"


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("nodir/r.xlsx", "--out: the folder '{tmp}/nodir' does not exist"),
        (".", "--out: '{tmp}' is a folder; name the .xlsx file to write"),
    ],
)
def test_an_out_that_cannot_be_written_is_refused_before_the_workbook(tmp_path, where, message):
    """One line naming --out, exit 2, and nothing started: no tracebacks after it."""
    out = tmp_path / where if where != "." else tmp_path
    env = {**os.environ, "REALISE_TESTING": "1", "DJANGO_SETTINGS_MODULE": "realise.settings"}
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "export-register", "--out", str(out)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == ["CommandError: " + message.format(tmp=tmp_path)]


def test_the_last_line_of_progress_is_written_once(register, tmp_path):
    err = io.StringIO()
    call_command(
        "export-register", "--out", str(tmp_path / "r.xlsx"), stdout=io.StringIO(), stderr=err
    )
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(" rows")


def test_the_workbook_names_only_the_people_its_reader_may_choose(register, client, tmp_path):
    """The Person list (the owners' drop-down) holds the people the reader may choose in a
    form, each email address only where they may read it; the command line's holds all."""
    from realise.organisations.models import SharingPreference
    from tests.factories import PersonFactory

    secret = CollaborationFactory(slug="secret", visibility="private")
    harriet = PersonFactory(name="Harriet Hidden", email="harriet@norfolk.police.example")
    BenefitFactory(initiative=InitiativeFactory(collaboration=secret), owner=harriet)
    SharingPreference.objects.create(person=register.erin_person, share_email=True)

    client.force_login(register.dave)  # a viewer: reads no one's address unless shared
    body = run_started_job(client, client.get("/register/export.xlsx")).body
    book = load_workbook(io.BytesIO(body), read_only=True)
    listed = " | ".join(
        str(value) for row in book[LISTS].iter_rows(values_only=True) for value in row if value
    )
    assert "Harriet" not in listed
    assert "Erin Owner <erin@kent.police.example>" in listed  # she shares it
    assert "Frank Measurer" in listed and "frank@essex.police.example" not in listed

    path = tmp_path / "all.xlsx"
    call_command("export-register", "--out", str(path), stdout=io.StringIO())
    everyone = {value for row in rows(path, LISTS) for value in row}
    assert "Harriet Hidden <harriet@norfolk.police.example>" in everyone
