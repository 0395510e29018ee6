"""A force's own register as people keep it: a totals row at the bottom is not a benefit
(never imported as one, and said so), and a dash for zero is refused with a way out."""

import pytest

from realise.benefits.models import Benefit, PlannedValue
from realise.reports.mapped.grid import read_grid
from realise.reports.mapped.mapping import parse_mapping, suggest_columns
from realise.reports.mapped.translate import preview
from tests.reports.test_mapped_register import (
    STANDARD,
    STANDARD_COLUMNS,
    STANDARD_HEADERS,
    D,
    plans,
    ready,  # noqa: F401 - the fixture
    run,
)

HEADER = ["Ref", "Benefit", *STANDARD_HEADERS, "Apr-25", "May-25"]
MAPPING = {
    "sheet": "register",
    "header_row": 1,
    "initiative": "joint-vetting",
    "columns": {"reference": "Ref", "title": "Benefit", **STANDARD_COLUMNS},
    "monthly": [{"kind": "planned", "first_column": "I", "last_column": "J"}],
}


def csv(rows, encoding="utf-8-sig") -> bytes:
    def cell(value):
        return "" if value is None else f'"{value}"'

    return "".join(",".join(cell(v) for v in row) + "\r\n" for row in rows).encode(encoding)


@pytest.mark.parametrize(
    ("total", "note"),
    [
        (["Total", "All benefits"], "row 5 reads 'Total'"),
        ([None, "Grand total"], "row 5 reads 'Grand total'"),
        ([None, "Sub-total:"], "row 5 reads 'Sub-total:'"),
        (["TOTALS", None], "row 5 reads 'TOTALS'"),
    ],
)
def test_a_totals_row_at_the_bottom_is_not_imported_and_is_named(ready, total, note):  # noqa: F811
    """Blank lines between the rows, pounds with commas, a CSV saved with a byte-order mark
    or as Windows-1252, and the totals row a finance sheet ends with: the benefits are
    imported, the totals are not (they would count every pound twice)."""
    rows = [
        HEADER,
        ["EK-1", "Fewer agency vetters", *STANDARD, "£1,000.00", "1,100.50"],
        [],
        ["EK-2", "Shared contract", *STANDARD, "£250", None],
        [*total, *[None] * 6, "£1,250.00", "1,100.50"],
    ]
    for encoding in ("utf-8-sig", "cp1252"):
        PlannedValue.objects.all().delete()
        Benefit.objects.filter(reference__startswith="EK-").delete()
        result = run(csv(rows, encoding), "register.csv", MAPPING, ready.alice)

        assert result.ok and result.written, result.problems
        assert result.notes == [
            f"Sheet 'register': {note}, with no benefit reference of its own: it is taken "
            "for a total and not imported."
        ]
        assert plans("EK-1") == {D(2025, 4, 1): 1000, D(2025, 5, 1): 1100.50}
        assert plans("EK-2") == {D(2025, 4, 1): 250}
        assert (
            not Benefit.objects.exclude(reference__startswith="EK-")
            .filter(title__in=["All benefits", "", "Grand total"])
            .exists()
        )
        assert not Benefit.objects.filter(reference__iexact="total").exists()
        assert not Benefit.objects.filter(reference__iexact="totals").exists()


def test_a_row_without_a_reference_that_is_not_a_total_is_still_refused(ready):  # noqa: F811
    rows = [HEADER, ["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1100]]
    rows.append([None, "Totally new benefit", *STANDARD, 5, 5])
    rows.append([None, "Total cost of vetting", *STANDARD, 5, 5])

    result = run(csv(rows), "register.csv", MAPPING, ready.alice)

    assert result.problems == [
        "register!A3: the row has no benefit reference",
        "register!A4: the row has no benefit reference",
    ]
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def test_the_preview_names_the_totals_row(ready):  # noqa: F811
    rows = [HEADER, ["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1100]]
    rows.append(["Total", None, *[None] * 6, 1000, 1100])
    grid = read_grid(csv(rows), "register.csv")

    result = preview(grid, parse_mapping(MAPPING), user=ready.alice)

    assert result.ok, result.problems
    assert [row.row for row in result.preview] == [2]
    assert result.notes and "row 3 reads 'Total'" in result.notes[0]


@pytest.mark.parametrize("dash", ["-", "£-", " £ -   "])
def test_a_dash_for_zero_is_refused_saying_what_to_write(ready, dash):  # noqa: F811
    """Excel saves a zero in accounting format as a dash: zero or nothing, only the user
    knows."""
    rows = [HEADER, ["EK-1", "Fewer agency vetters", *STANDARD, 1000, dash]]

    result = run(csv(rows), "register.csv", MAPPING, ready.alice)

    assert result.problems == [
        f"register!J2: '{dash.strip()}' is not a number: enter 0 for zero, or leave the cell empty"
    ]


def test_a_benefit_category_heading_is_matched_to_the_sub_category():
    grid = read_grid(csv([["Benefit Ref.", "Benefit Category", "Benefit Unit"]]), "r.csv")

    assert suggest_columns(grid.sheets["r"], 1) == {
        "reference": "Benefit Ref.",
        "subcategory": "Benefit Category",
        "unit": "Benefit Unit",
    }
