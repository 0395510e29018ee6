"""A force's own CSV is read as the upload's check reads it: saved by Excel on a UK PC as
"CSV" (Windows-1252) or "Unicode text" (UTF-16), or as UTF-8; what is not text, or not CSV,
is refused naming the file, never a server error."""

import pytest

from realise.reports.mapped.grid import GridError, read_grid

ROWS = [["Reference", "Month", "Value"], ["B1", "2026-04", "£1250.50"], ["B2", "2026-05", "Tŷ"]]
TEXT = "".join(",".join(row) + "\r\n" for row in ROWS[:2]) + "B2,2026-05,Tŷ\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_csv_saved_as_excel_saves_it_is_read(encoding):
    grid = read_grid(TEXT.encode(encoding), "force.csv")
    assert grid.sheets["force"].rows == ROWS


def test_excels_uk_csv_is_read_with_its_pound_signs():
    data = "".join(",".join(row) + "\r\n" for row in ROWS[:2]).encode("cp1252")
    assert read_grid(data, "force.csv").sheets["force"].rows == ROWS[:2]


@pytest.mark.parametrize("data", [b"Reference\x00,Month\r\n", b"\x81\x8d\x8f\x90"])
def test_bytes_that_are_not_text_are_refused_naming_the_file(data):
    with pytest.raises(GridError) as refused:
        read_grid(data, "force.csv")
    assert str(refused.value).startswith("force.csv: cannot be read")
