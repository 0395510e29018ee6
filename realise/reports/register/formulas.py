"""Formula cells with no calculated value, found in a worksheet's XML.

A workbook written by a program rather than saved by a spreadsheet may hold formulas
(`=L5*0.9`) without the value they give: read for its values, such a cell is empty, and
what the formula stands for would be lost without a word. A register import names each
such cell instead. The sheet's XML is scanned once, and parsed only when it holds a
formula at all.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as ET

UNCALCULATED = (
    "the cell holds a formula with no calculated value: open and save the workbook in "
    "Excel, or enter the value"
)
REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
CHUNK = 1 << 20


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _has_formula(open_source: Callable[[], IO[bytes]]) -> bool:
    tail = b""
    with open_source() as source:
        while chunk := source.read(CHUNK):
            if FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-8:]
    return False


def uncalculated_cells(open_source: Callable[[], IO[bytes]]) -> set[tuple[int, int]]:
    """The (1-based row, 0-based column) of every formula cell without a value in the
    worksheet XML that `open_source()` opens. (A program may also write a formula with a
    made-up value, such as 0; nothing in the file tells that from a calculated one.)"""
    if not _has_formula(open_source):
        return set()
    found: set[tuple[int, int]] = set()
    row_number, column = 0, -1
    with open_source() as source, contextlib.suppress(ET.ParseError, DefusedXmlException):
        # A sheet that cannot be parsed is refused by the read of its values.
        formula = value = False
        reference = kind = None
        for event, element in ET.iterparse(source, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    number = element.get("r")
                    row_number = int(number) if number else row_number + 1
                    column = -1
                elif tag == "c":
                    formula = value = False
                    reference, kind = element.get("r"), element.get("t")
                continue
            if tag == "f":
                formula = True
            elif tag in ("v", "is") and (element.text or len(element)):
                value = True
            elif tag == "c":
                match = REFERENCE.match(reference or "")
                if match:
                    row_number, column = int(match[2]), _column(match[1])
                else:
                    column += 1
                # An empty text (`t="str"`) is a value: a formula such as =IF(A5="","",A5).
                if formula and not value and kind != "str":
                    found.add((row_number, column))
                element.clear()
            elif tag == "row":
                element.clear()
    return found


def xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the path of its XML in an .xlsx archive."""
    namespaces = {
        "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "pkg": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        relations = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError, DefusedXmlException):
        return {}
    targets = {}
    for relation in relations.findall("pkg:Relationship", namespaces):
        target = relation.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[relation.get("Id")] = posixpath.normpath(path)
    paths = {}
    for sheet in workbook.iterfind("main:sheets/main:sheet", namespaces):
        path = targets.get(sheet.get(f"{{{namespaces['rel']}}}id"))
        if path and path in archive.namelist():
            paths[sheet.get("name", "")] = path
    return paths
