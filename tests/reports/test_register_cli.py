"""`realise import-register`: a summary on success; every error on stderr and exit 2."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from realise.benefits.models import Benefit
from realise.reports.register.xlsx import BENEFITS
from tests.reports.conftest import edit, history_counts, row_of

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import-register", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def test_unchanged_import_prints_the_summary(register, exported):
    code, out, err = run(str(exported), "--user", "alice")

    assert code == 0
    assert out.splitlines() == [
        "Initiatives: 0 created, 0 updated, 1 unchanged",
        "Benefits: 0 created, 0 updated, 2 unchanged",
        "Planned values: 0 created, 0 updated, 3 unchanged",
        "Actuals: 0 created, 0 updated, 2 unchanged",
        "Nothing has changed.",
    ]
    assert err == ""  # no progress bar when not on a terminal


def test_errors_go_to_stderr_with_exit_status_2(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(
        exported,
        {
            (BENEFITS, f"E{row}"): "Savings",
            (BENEFITS, f"N{row}"): "Nobody",
            ("Planned values", "B3"): "February",
        },
    )
    before = history_counts()

    code, out, err = run(str(exported), "--user", "alice")

    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"Benefits!{row}, Sub-category: 'Savings' is not a sub-category; "
        "use one of 1a, 1b, 1c, 2a, 2b, 3a, 3b, 3c",
        f"Benefits!{row}, Owner: unknown person 'Nobody'; choose someone from the list "
        "(Name <email>)",
        "Planned values!3, Month: 'February' is not a month; write it as YYYY-MM, e.g. 2026-10",
        "3 errors: nothing was imported.",
    ]
    assert history_counts() == before


def test_dry_run_writes_nothing(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed"})

    code, out, _ = run(str(exported), "--user", "alice", "--dry-run")

    assert code == 0
    assert "Benefits: 0 created, 1 updated, 1 unchanged" in out
    assert out.splitlines()[-1] == "Dry run: nothing was written."
    assert Benefit.objects.get(reference="B-VET-1").title == "Reduced vetting backlog"


def test_the_import_is_recorded_as_the_named_user(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed"})

    code, out, _ = run(str(exported), "--user", "alice")

    assert code == 0 and "Benefits: 0 created, 1 updated, 1 unchanged" in out
    benefit = Benefit.objects.get(reference="B-VET-1")
    assert benefit.title == "Renamed"
    assert benefit.history.latest().history_user == register.alice


def test_the_user_is_required_and_must_exist(register, exported):
    with pytest.raises(CommandError) as missing:
        call_command("import-register", str(exported))
    assert "--user" in str(missing.value)

    with pytest.raises(CommandError) as unknown:
        call_command("import-register", str(exported), "--user", "zed")
    assert unknown.value.returncode == 2


def test_a_missing_file_is_a_usage_error(register, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import-register", str(tmp_path / "nope.xlsx"), "--user", "alice")
    assert error.value.returncode == 2


def test_a_sheet_the_register_does_not_use_is_named_in_the_output(register, exported):
    from openpyxl import load_workbook

    workbook = load_workbook(exported)
    workbook.create_sheet("Notes")["A1"] = "Checked by the finance team"
    workbook.save(exported)

    code, out, err = run(str(exported), "--user", "alice")

    assert code == 0, err
    assert out.splitlines()[-2:] == ["Sheet 'Notes' was not read.", "Nothing has changed."]
