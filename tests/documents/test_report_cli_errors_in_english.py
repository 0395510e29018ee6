"""`realise report ... --language cy` writes the document in Welsh, but a wrong argument is
still refused in English, naming the option, as every command-line error is."""

import pytest
from django.utils import translation

from tests.core.welsh_entries import welsh
from tests.documents.test_report_cli import run

WELSH = {
    "'%(text)s' is not a month; write it as YYYY-MM, e.g. 2026-10.": (
        "Nid yw '%(text)s' yn fis; ysgrifennwch ef fel BBBB-MM, e.e. 2026-10."
    ),
    "A highlight report covers a month once it has ended: the latest is %(month)s.": (
        "Mae adroddiad uchafbwyntiau yn ymdrin â mis wedi iddo ddod i ben: %(month)s."
    ),
    "The meeting date must be from %(first)s to %(last)s.": (
        "Rhaid i ddyddiad y cyfarfod fod rhwng %(first)s a %(last)s."
    ),
}


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


@pytest.mark.parametrize(
    ("args", "english"),
    [
        (
            ["highlight", "--initiative", "joint-vetting", "--month", "2026-13"],
            "--month: '2026-13' is not a month; write it as YYYY-MM, e.g. 2026-10.",
        ),
        (
            ["highlight", "--initiative", "joint-vetting", "--month", "2070-01"],
            "--month: A highlight report covers a month once it has ended: the latest is ",
        ),
        (
            ["board", "--body", "ek-board", "--date", "1999-12-31"],
            "--date: The meeting date must be from 2000-01-01 to ",
        ),
    ],
)
def test_a_wrong_option_is_refused_in_english_when_writing_welsh(
    vetting, tmp_path, capsys, args, english
):
    out = tmp_path / "x.pdf"
    with welsh(WELSH):
        status = run(*args, "--language", "cy", "--out", str(out))
    assert status == 2
    error = capsys.readouterr().err
    assert english in error
    assert "Nid yw" not in error and "Rhaid" not in error and "Mae adroddiad" not in error
    assert not out.exists()
