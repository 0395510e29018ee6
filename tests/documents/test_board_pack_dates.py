"""The meeting date of a board pack: within the days Realise records, and never counting
months that have not happened yet as due."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from realise.documents.board_pack import build_board_pack
from realise.documents.models import DocumentJob


def _section(document: dict, title: str) -> dict:
    return next(section for section in document["sections"] if section["title"] == title)


def _tables(document: dict, title: str) -> list[list[list[str]]]:
    blocks = _section(document, title)["blocks"]
    return [block["rows"] for block in blocks if block["type"] == "table"]


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_a_meeting_date_outside_the_days_recorded_is_refused_on_the_form(client, vetting, day):
    client.force_login(vetting.alice)
    response = client.get(
        reverse("board-pack", args=[vetting.board.slug]),
        {"date": day, "format": "pdf", "marking": "OFFICIAL"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["date"]
    assert errors[0].startswith("The meeting date must be from 2000-01-01 to ")
    html = response.content.decode()
    assert 'href="#id_date"' in html and "The meeting date must be from 2000-01-01" in html
    assert not DocumentJob.objects.exists()  # nothing queued to fail later


def test_the_command_refuses_a_meeting_date_outside_the_days_recorded(vetting, capsys, tmp_path):
    from realise.cli import main

    out = tmp_path / "pack.pdf"
    with pytest.raises(SystemExit) as exit:
        main(["realise", "report", "board", "--body", vetting.board.slug,
              "--date", "0001-01-01", "--out", str(out)])  # fmt: skip
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert "--date: The meeting date must be from 2000-01-01 to " in error
    assert "Traceback" not in error and not out.exists()


def test_a_pack_for_a_meeting_still_to_come_counts_to_today(vetting):
    """The figures of a meeting in the future are those known today (the dashboard's): the
    months after today have no actuals yet, and are neither due nor overdue."""
    today = timezone.localdate()
    later = today + datetime.timedelta(days=200)
    now = build_board_pack(vetting.board, today)
    ahead = build_board_pack(vetting.board, later)
    assert _tables(ahead, "Exceptions") == _tables(now, "Exceptions")
    assert _tables(ahead, "Benefits dashboard") == _tables(now, "Benefits dashboard")
    facts = dict(ahead["facts"])
    assert facts["Figures as at"] == f"{today.day} {today:%B %Y}"
    assert facts["Meeting"].startswith(f"{later.day} {later:%B %Y}")
    assert facts["Benefits off track"] == dict(now["facts"])["Benefits off track"]
    assert facts["Measurements overdue"] == dict(now["facts"])["Measurements overdue"]


def test_a_pack_for_a_past_meeting_counts_to_the_meeting(vetting):
    """V-HOURS: 10 hours planned a month from April 2026, 10 realised April to July. At a
    meeting on 31 July 2026, June is the last complete month: 30 planned, 30 realised."""
    pack = build_board_pack(vetting.board, datetime.date(2026, 7, 31))
    assert dict(pack["facts"])["Figures as at"] == "31 July 2026"
    headline = _tables(pack, "Benefits dashboard")[0]
    hours = next(row for row in headline if row[0] == "Hours")
    assert hours[2:4] == ["30 hours", "30 hours"]  # planned to date, realised to date
