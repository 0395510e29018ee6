"""`realise report highlight|board|closure`: files written, and exit status 2 naming the
option when an argument is wrong."""

import datetime
from pathlib import Path

import pytest

from realise.cli import main
from realise.documents.management.commands import report
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


def test_an_out_naming_a_folder_is_refused_before_the_document_is_built(
    vetting, tmp_path, capsys, monkeypatch
):
    def built(*args, **kwargs):
        raise AssertionError("the document was built")

    monkeypatch.setattr(report, "render", built)
    args = ("board", "--body", "ek-board", "--date", "2026-11-30", "--out", str(tmp_path))
    assert run(*args) == 2
    assert f"--out: '{tmp_path}' is a folder" in capsys.readouterr().err


def test_a_document_that_cannot_be_written_leaves_the_last_one_whole(
    vetting, tmp_path, monkeypatch
):
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"last month's pack")

    def disk_full(self, data):
        with self.open("wb") as file:
            file.write(data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    args = ("board", "--body", "ek-board", "--date", "2026-11-30", "--out", str(out))
    assert run(*args) == 2
    assert out.read_bytes() == b"last month's pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.pdf"]
