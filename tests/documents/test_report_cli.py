"""`realise report highlight|board|closure`: files written, and exit status 2 naming the
option when an argument is wrong."""

import datetime

import pytest

from realise.cli import main
from realise.documents.services import close_initiative
from tests.documents.conftest import docx_parts, pdf_pages
from tests.documents.test_closure_refused import complete_plan


def run(*args) -> int:
    try:
        main(["realise", "report", *args])
    except SystemExit as exit:
        return exit.code
    return 0


def test_highlight_as_word_with_the_marking(vetting, tmp_path, capsys):
    out = tmp_path / "highlight.docx"
    status = run(
        "highlight", "--initiative", "joint-vetting", "--month", "2026-10",
        "--format", "docx", "--out", str(out), "--marking", "OFFICIAL-SENSITIVE",
    )  # fmt: skip
    assert status == 0
    body, headers, footers, _document = docx_parts(out.read_bytes())
    assert "Joint vetting, Oct 2026" in body and "£6,250.00" in body
    assert headers == ["OFFICIAL-SENSITIVE"] and footers[0].startswith("OFFICIAL-SENSITIVE")
    assert f"Wrote {out}" in capsys.readouterr().out


def test_board_pack_as_word(vetting, tmp_path):
    out = tmp_path / "pack.docx"
    status = run(
        "board", "--body", "ek-board", "--date", "2026-11-30", "--format", "docx",
        "--out", str(out),
    )  # fmt: skip
    assert status == 0
    body, headers, _footers, _document = docx_parts(out.read_bytes())
    assert "EK Programme Board: board pack" in body and "Contents" in body
    assert headers == ["OFFICIAL"]


def test_closure_report_as_pdf(vetting, tmp_path):
    close_initiative(
        vetting.initiative,
        complete_plan(vetting),
        user=vetting.alice,
        today=datetime.date(2026, 11, 15),
    )
    out = tmp_path / "closure.pdf"
    assert run("closure", "--initiative", "joint-vetting", "--out", str(out)) == 0
    text = " ".join("\n".join(pdf_pages(out.read_bytes())).split())
    assert "Project closure report" in text and "Bea Usual" in text


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["highlight", "--initiative", "nope", "--month", "2026-10"], "--initiative"),
        (["highlight", "--initiative", "joint-vetting", "--month", "2026-13"], "--month"),
        (["highlight", "--initiative", "joint-vetting", "--month", "October"], "--month"),
        (["highlight", "--initiative", "joint-vetting"], "--month"),
        (["board", "--body", "nope", "--date", "2026-11-30"], "--body"),
        (["board", "--body", "ek-board", "--date", "2026-11-31"], "--date"),
        (["board", "--body", "ek-board", "--date", "2026-11-30", "--format", "odt"], "--format"),
        (
            ["board", "--body", "ek-board", "--date", "2026-11-30", "--marking", "SECRET"],
            "--marking",
        ),
        (["closure", "--initiative", "joint-vetting"], "--initiative"),  # not closed
        (["closure", "--initiative", "joint-vetting", "--out", "/no/such/folder/x.pdf"], "--out"),
        (["minutes", "--initiative", "joint-vetting"], "highlight|board|closure"),
    ],
)
def test_bad_arguments_exit_2_naming_the_option(vetting, tmp_path, capsys, args, option):
    if "--out" not in args and args[0] != "minutes":
        args = [*args, "--out", str(tmp_path / "x.pdf")]
    assert run(*args) == 2
    assert option in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
