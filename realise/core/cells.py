"""Cells of every CSV and XLSX download, written so that a spreadsheet never runs them.

A cell of text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be
read by Excel or LibreOffice as a formula (and could run one built from what someone
typed). Such text is written with a leading apostrophe in CSV; XLSX cells of text are
given the string type explicitly, so that no formula is ever built from user text.
Numbers stay numbers: a negative amount is not text and is not touched.
"""

from __future__ import annotations

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def safe_cell(value):
    """`value` itself, or, for text a spreadsheet would run as a formula, that text after an
    apostrophe. Numbers (and text that is only a plain number, like '-12.50') are kept."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_row(row):
    return [safe_cell(value) for value in row]


class CsvWriter:
    """`csv.writer` whose rows are written through `safe_cell`."""

    def __init__(self, out, **kwargs):
        self.writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self.writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class CsvDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose values are written through `safe_cell`."""

    def writerow(self, rowdict):
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})


def xlsx_text(cell):
    """Give an openpyxl cell holding text the string type, so Excel never reads it as a
    formula (openpyxl would store text starting with '=' as one). Returns the cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell
