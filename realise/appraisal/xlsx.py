"""The economic case as an Excel workbook: a summary sheet (each option's figures, and
against business as usual) and one sheet per option.

Every figure is a number cell (rounded half-up as on the pages: pounds to pennies, ratios
to 2 places, discount factors to 4, switching values as percentages to 2 places) with a
number format, so the workbook can be checked and reused.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from realise.appraisal.greenbook import format_decimal
from realise.appraisal.models import fy_label
from realise.appraisal.templatetags.appraisal_format import VFM_LABELS
from realise.core.cells import xlsx_text
from realise.core.language import english

MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
RATIO_FORMAT = "0.00"
FACTOR_FORMAT = "0.0000"
PERCENT_FORMAT = "0.00%"
BOLD = Font(bold=True)
SUMMARY_HEADERS = [
    "Option",
    "Business as usual",
    "First year",
    "Price base year",
    "Discount schedule",
    "PV costs (incl. optimism bias)",
    "of which optimism bias",
    "PV benefits",
    "NPSV",
    "BCR",
    "Value for money",
    "NPSV relative to business as usual",
    "Note",
]
INCREMENT_HEADERS = [
    "Incremental PV costs",
    "Incremental PV benefits",
    "Incremental NPSV",
    "Incremental BCR",
    "Value for money against business as usual",
    "In words",
]


def rounded(value: Decimal | None, places: int = 2) -> Decimal | None:
    text = format_decimal(value, places)
    return None if text is None else Decimal(text)


def percent_fraction(value: Decimal | None) -> Decimal | None:
    """A percentage rounded to 2 places as Excel's fraction: 177.224 -> 1.7722."""
    pct = rounded(value)
    return None if pct is None else pct / 100


def _put(sheet, row: int, column: int, value, number_format: str | None = None):
    cell = sheet.cell(row=row, column=column, value=value)
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def _header(sheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet, first: int, others: int, count: int) -> None:
    sheet.column_dimensions["A"].width = first
    for column in range(2, count + 1):
        sheet.column_dimensions[get_column_letter(column)].width = others


def sheet_title(name: str, taken: set[str]) -> str:
    """A unique Excel sheet name (31 characters at most, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name)
    base = re.sub(r"\s+", " ", base).strip().strip("'")[:31].strip() or "Option"
    title, number = base, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(title.lower())
    return title


def _summary(sheet, comparison) -> None:
    sheet.cell(row=1, column=1, value=f"Economic case: {comparison.initiative}").font = Font(
        bold=True, size=14
    )
    sheet.cell(
        row=2,
        column=1,
        value="Green Book appraisal in real prices; years are UK financial years (April to "
        "March); pounds rounded to pennies.",
    )
    today = timezone.localdate()
    sheet.cell(
        row=3,
        column=1,
        value=f"As at {today.day} {today:%B %Y}. Filters: none (every option of the initiative).",
    )
    _header(sheet, 4, SUMMARY_HEADERS + INCREMENT_HEADERS)
    for row, appraisal in enumerate(comparison.appraisals, start=5):
        option, result = appraisal.option, appraisal.result
        _put(sheet, row, 1, option.name)
        _put(sheet, row, 2, "Yes" if option.is_business_as_usual else "No")
        _put(sheet, row, 3, fy_label(option.first_year))
        _put(sheet, row, 4, fy_label(option.base_year))
        _put(sheet, row, 5, english(option.get_discount_schedule_display))
        if result is None:
            _put(sheet, row, 13, english(appraisal.error or ""))
            _against_business_as_usual(sheet, row, appraisal)
            continue
        _put(sheet, row, 6, rounded(result.pv_costs), MONEY_FORMAT)
        _put(sheet, row, 7, rounded(result.optimism_bias_pv), MONEY_FORMAT)
        _put(sheet, row, 8, rounded(result.pv_benefits), MONEY_FORMAT)
        _put(sheet, row, 9, rounded(result.npsv), MONEY_FORMAT)
        _put(sheet, row, 10, rounded(result.bcr), RATIO_FORMAT)
        _put(sheet, row, 11, english(VFM_LABELS.get(result.vfm_category, "No BCR")))
        _put(sheet, row, 12, rounded(appraisal.relative_npsv), MONEY_FORMAT)
        _against_business_as_usual(sheet, row, appraisal)
    _widths(sheet, 34, 18, len(SUMMARY_HEADERS) + len(INCREMENT_HEADERS))
    sheet.freeze_panes = "B5"


def _against_business_as_usual(sheet, row: int, appraisal) -> None:
    """The page's table "Against business as usual", beside the option's own figures: its
    figures less those of business as usual, the incremental BCR and value for money, and
    the comparison in words."""
    change = appraisal.increment
    column = len(SUMMARY_HEADERS) + 1
    if appraisal.option.is_business_as_usual:
        return
    if change is None:  # the option or business as usual cannot be appraised
        _put(sheet, row, column + 5, "Cannot be appraised.")
        return
    _put(sheet, row, column, rounded(change.pv_costs), MONEY_FORMAT)
    _put(sheet, row, column + 1, rounded(change.pv_benefits), MONEY_FORMAT)
    _put(sheet, row, column + 2, rounded(change.npsv), MONEY_FORMAT)
    _put(sheet, row, column + 3, rounded(change.bcr), RATIO_FORMAT)
    if change.vfm_category:
        _put(sheet, row, column + 4, english(VFM_LABELS[change.vfm_category]))
    _put(sheet, row, column + 5, change.summary)


def _option_sheet(sheet, appraisal) -> None:
    option = appraisal.option
    sheet.cell(row=1, column=1, value=option.name).font = Font(bold=True, size=14)
    # The workbook is in English: its sentences take the English names whatever the page's.
    bias = english(lambda: "; ".join(option.optimism_bias_labels()))
    sheet.cell(
        row=2,
        column=1,
        value=f"First year {fy_label(option.first_year)}; prices of {fy_label(option.base_year)}; "
        f"{english(option.get_discount_schedule_display)} discount rate; optimism bias "
        f"{bias or 'none'}.",
    )
    if appraisal.error:
        sheet.cell(row=3, column=1, value=f"Cannot be appraised: {english(appraisal.error)}")
    years = appraisal.years
    first_year_column = 6
    pv_column = first_year_column + len(years)
    headers = ["Line", "Type", "Kind", "Prices", "Register benefit"]
    headers += [fy_label(year) for year in years] + ["Present value", "Switching value"]
    _header(sheet, 5, headers)
    row = 6
    for figures in appraisal.lines:
        line = figures.line
        _put(sheet, row, 1, line.name)
        _put(sheet, row, 2, "Cost" if figures.is_cost else "Benefit")
        _put(sheet, row, 3, english(line.get_kind_display) if figures.is_cost else "")
        _put(sheet, row, 4, english(line.get_prices_display))
        if not figures.is_cost and line.benefit_id:
            linked = f"{line.benefit.reference} {line.benefit.title}"
            if line.cost_per_hour is not None:
                linked += f" (hours at £{line.cost_per_hour} an hour)"
            _put(sheet, row, 5, linked)
        for offset, year in enumerate(years):
            amount = figures.values.get(year)
            _put(sheet, row, first_year_column + offset, rounded(amount), MONEY_FORMAT)
        if figures.result is not None:
            _put(sheet, row, pv_column, rounded(figures.result.pv), MONEY_FORMAT)
            _put(
                sheet,
                row,
                pv_column + 1,
                percent_fraction(figures.result.switching_value_pct),
                PERCENT_FORMAT,
            )
        row += 1

    if appraisal.result is not None:
        row += 1
        totals = [
            ("Costs, real, incl. optimism bias", "costs", MONEY_FORMAT, 2),
            ("Benefits, real", "benefits", MONEY_FORMAT, 2),
            ("Net flow", "net", MONEY_FORMAT, 2),
            ("Discount factor", "discount_factor", FACTOR_FORMAT, 4),
            ("Present value of net flow", "pv_net", MONEY_FORMAT, 2),
        ]
        by_year = {y.year: y for y in appraisal.result.years}
        for label, attribute, number_format, places in totals:
            sheet.cell(row=row, column=1, value=label).font = BOLD
            for offset, year in enumerate(years):
                if year in by_year:
                    value = rounded(getattr(by_year[year], attribute), places)
                    _put(sheet, row, first_year_column + offset, value, number_format)
            row += 1
        result = appraisal.result
        row += 1
        for label, value, number_format in (
            ("PV costs (incl. optimism bias)", rounded(result.pv_costs), MONEY_FORMAT),
            ("of which optimism bias", rounded(result.optimism_bias_pv), MONEY_FORMAT),
            ("PV benefits", rounded(result.pv_benefits), MONEY_FORMAT),
            ("NPSV", rounded(result.npsv), MONEY_FORMAT),
            ("BCR", rounded(result.bcr), RATIO_FORMAT),
        ):
            sheet.cell(row=row, column=1, value=label).font = BOLD
            _put(sheet, row, 2, value, number_format)
            row += 1
        sheet.cell(row=row, column=1, value="Value for money").font = BOLD
        _put(sheet, row, 2, english(VFM_LABELS.get(result.vfm_category, "No BCR")))
    _widths(sheet, 34, 14, pv_column + 1)
    sheet.freeze_panes = "F6"


def economic_case_workbook(comparison) -> bytes:
    """The workbook for a `services.Comparison`, as bytes."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _summary(summary, comparison)
    taken = {"summary"}
    for appraisal in comparison.appraisals:
        _option_sheet(workbook.create_sheet(sheet_title(appraisal.option.name, taken)), appraisal)
    for sheet in workbook.worksheets:  # no formula is ever built from what people typed
        for row in sheet.iter_rows():
            for cell in row:
                xlsx_text(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
