"""The benefits register as an Excel workbook: its layout, and the streaming export.

One workbook, four sheets that the import reads back (`Initiatives`, `Benefits`,
`Planned values`, `Actuals`) and a hidden `Lists` sheet holding the drop-down choices.
Each sheet has a stable reference column that the import matches rows on: an initiative's
slug, a benefit's reference, a planned value's benefit and month, an actual's benefit,
month and force (its ONS code, blank for the whole collaboration). An actual carries its
evidence note (its latest evidence's) and who verified it and when: verification is
read-only here (actuals are verified on their page or through the API, by someone other
than whoever entered them).

The export uses openpyxl's write-only mode and reads the database with iterators of plain
tuples, so memory stays flat however large the register is.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from realise.benefits.models import (
    Benefit,
    BenefitStatus,
    Direction,
    Evidence,
    Measurement,
    Nature,
    PlannedValue,
    SubCategory,
    Unit,
)
from realise.collaborations.models import Collaboration, Initiative, InitiativeStatus, Stage
from realise.collaborations.nesting import with_nested
from realise.core.cells import xlsx_text
from realise.organisations.models import Force, Person
from realise.organisations.rules import may_read_email

INITIATIVES = "Initiatives"
BENEFITS = "Benefits"
PLANNED = "Planned values"
ACTUALS = "Actuals"
LISTS = "Lists"
# Not read back by the import: when the workbook was written and what it holds.
ABOUT = "About"
# The custom document property holding when the export began (ISO 8601, with its offset):
# the import refuses to undo what was changed in Realise after it (`since_export`).
EXPORTED_AT = "Realise exported at"
DATA_SHEETS = (INITIATIVES, BENEFITS, PLANNED, ACTUALS)

GBP_FORMAT = '"£"#,##0.00'
NUMBER_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

# A benefit's own fields as the Benefits sheet holds them (after its reference and
# initiative), in the order of its columns: written by the export, compared by the import.
BENEFIT_FIELDS = (
    "title",
    "description",
    "subcategory",
    "direction",
    "measure",
    "unit",
    "nature",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "owner_id",
    "measurement_owner_id",
    "cashable",
    "is_disbenefit",
    "identified_in_business_case",
    "identified_at_stage",
    "status",
)
YES, NO = "Yes", "No"
LAST_ROW = 1_048_576
ID_SUFFIX = re.compile(r"\(#(\d+)\)$")
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    choices: str | None = None  # the Lists column offering its drop-down
    strict: bool = True  # refuse values not in the list (else warn, e.g. a new initiative)
    read_only: bool = False  # shown for information; the import never writes it


COLUMNS: dict[str, tuple[Column, ...]] = {
    INITIATIVES: (
        Column("Slug", 30),
        Column("Collaboration", 30, "Collaboration"),
        Column("Name", 40),
        Column("Stage", 32, "Stage"),
        Column("Status", 12, "Initiative status"),
        Column("SRO", 36, "Person"),
        Column("Start date", 12),
        Column("End date", 12),
        Column("Purpose", 60),
    ),
    BENEFITS: (
        Column("Reference", 14),
        Column("Initiative", 30, "Initiative", strict=False),
        Column("Title", 40),
        Column("Description", 50),
        Column("Sub-category", 40, "Sub-category"),
        Column("Direction", 12, "Direction"),
        Column("Measure", 36),
        Column("Unit", 18, "Unit"),
        Column("Nature", 14, "Nature"),
        Column("Baseline", 16),
        Column("Baseline date", 13),
        Column("Target", 16),
        Column("Target date", 13),
        Column("Owner", 36, "Person"),
        Column("Measurement owner", 36, "Person"),
        Column("Cashable", 10, "Yes or no"),
        Column("Dis-benefit", 11, "Yes or no"),
        Column("In business case", 16, "Yes or no"),
        Column("Identified at stage", 32, "Stage"),
        Column("Status", 12, "Benefit status"),
    ),
    PLANNED: (
        Column("Benefit reference", 18),
        Column("Month", 10),
        Column("Value", 16),
    ),
    ACTUALS: (
        Column("Benefit reference", 18),
        Column("Month", 10),
        Column("Force code", 13, "Force code"),
        Column("Value", 16),
        Column("Assessment", 60),
        Column("Evidence note", 60),
        Column("Verified by", 24, read_only=True),
        Column("Verified at", 18, read_only=True),
    ),
}


def headers(sheet: str) -> list[str]:
    return [column.header for column in COLUMNS[sheet]]


def user_label(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """Who verified an actual, as the Actuals sheet names them."""
    name = f"{first_name or ''} {last_name or ''}".strip()
    return name or username or ""


def latest_evidence_note():
    """An actual's evidence note as the register holds it: its latest evidence's note."""
    return Subquery(
        Evidence.objects.filter(measurement=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("note")[:1]
    )


# How values are written as text --------------------------------------------------------------


def month_text(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def verified_text(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def yes_no(value: bool) -> str:
    return YES if value else NO


def stage_label(stage: int | None) -> str | None:
    return None if stage is None else str(Stage(stage).label)


def number_format(unit: str) -> str:
    return GBP_FORMAT if unit == Unit.GBP else NUMBER_FORMAT


def people_rows(reader=None) -> list[tuple[int, str, str]]:
    """The people a workbook for `reader` names and its import reads back, each with their
    email address: those the reader may choose in a form (`Person.objects.choosable_by`),
    each address only where the reader may read it (`may_read_email`); everyone, with their
    addresses, for the command line (None)."""
    if reader is None:
        return list(Person.objects.order_by("name", "pk").values_list("pk", "name", "email"))
    people = Person.objects.choosable_by(reader).select_related("sharing").order_by("name", "pk")
    return [
        (person.pk, person.name, person.email if may_read_email(reader, person) else "")
        for person in people
    ]


def person_labels(people: Iterable[tuple[int, str, str]] | None = None) -> dict[int, str]:
    """Each person's label in the workbook: 'Name <email>', made unique with '(#id)'.

    The label is what the Owner drop-down offers and what the import resolves back to the
    person; when two people would share a label, each carries its database id as well.
    """
    if people is None:
        people = Person.objects.order_by("name", "pk").values_list("pk", "name", "email")
    rows = list(people)
    base = {pk: f"{name} <{email}>" if email else name for pk, name, email in rows}
    seen: dict[str, int] = {}
    for label in base.values():
        seen[label] = seen.get(label, 0) + 1
    return {
        pk: label if seen[label] == 1 and not ID_SUFFIX.search(label) else f"{label} (#{pk})"
        for pk, label in base.items()
    }


def choice_lists(
    persons: dict[int, str], collaborations: list[str], initiatives: list[str], forces: list[str]
) -> dict[str, list[str]]:
    """Every drop-down's choices, one column each on the hidden Lists sheet."""
    return {
        "Sub-category": [str(choice.label) for choice in SubCategory],
        "Direction": [str(choice.label) for choice in Direction],
        "Unit": [str(choice.label) for choice in Unit],
        "Nature": [str(choice.label) for choice in Nature],
        "Benefit status": [str(choice.label) for choice in BenefitStatus],
        "Initiative status": [str(choice.label) for choice in InitiativeStatus],
        "Stage": [str(choice.label) for choice in Stage],
        "Yes or no": [YES, NO],
        "Person": sorted(persons.values(), key=str.casefold),
        "Collaboration": collaborations,
        "Initiative": initiatives,
        "Force code": forces,
    }


# What is exported ---------------------------------------------------------------------------


def collaboration_tree(collaboration: Collaboration) -> list[int]:
    """The collaboration and every collaboration nested in it."""
    return sorted(with_nested({collaboration.pk}))


def register_scope(
    initiatives: QuerySet | None = None,
    *,
    collaboration: Collaboration | None = None,
    initiative: Initiative | None = None,
) -> QuerySet:
    """The initiatives to export: `initiatives` (default: all), narrowed to a collaboration
    (with those nested in it) or to one initiative."""
    scope = initiatives if initiatives is not None else Initiative.objects.all()
    if collaboration is not None:
        scope = scope.filter(collaboration_id__in=collaboration_tree(collaboration))
    if initiative is not None:
        scope = scope.filter(pk=initiative.pk)
    return scope


def register_rows(initiatives: QuerySet | None = None) -> int:
    """How many data rows the export of `initiatives` writes (for a progress bar)."""
    scope = register_scope(initiatives)
    benefits = Benefit.objects.filter(initiative__in=scope.values("pk"))
    return (
        scope.count()
        + benefits.count()
        + PlannedValue.objects.filter(benefit__in=benefits.values("pk")).count()
        + Measurement.objects.filter(benefit__in=benefits.values("pk")).count()
    )


# Writing --------------------------------------------------------------------------------------


@dataclass
class ExportCounts:
    initiatives: int = 0
    benefits: int = 0
    planned_values: int = 0
    actuals: int = 0

    @property
    def rows(self) -> int:
        return self.initiatives + self.benefits + self.planned_values + self.actuals


class _SheetWriter:
    def __init__(self, workbook: Workbook, title: str, lists: dict[str, list[str]], rows: int):
        self.ws = workbook.create_sheet(title)
        self.title = title
        self.columns = COLUMNS[title]
        # The sheet's size, written at its top so that readers need not scan it to learn it
        # (an estimate if rows change while exporting; the import never relies on it).
        size = f"A1:{get_column_letter(len(self.columns))}{rows + 1}"
        self.ws.calculate_dimension = lambda: size
        for index, column in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        self.ws.freeze_panes = "B2"
        header_font = Font(bold=True)
        header_fill = PatternFill("solid", fgColor="DDE3EA")
        wrap = Alignment(wrap_text=True, vertical="top")
        cells = []
        for column in self.columns:
            cell = WriteOnlyCell(self.ws, value=column.header)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
            cells.append(cell)
        self.ws.append(cells)
        self.rows = 0
        self._add_validations(lists)

    def _add_validations(self, lists: dict[str, list[str]]) -> None:
        names = list(lists)
        for index, column in enumerate(self.columns, start=1):
            if column.choices is None or not lists[column.choices]:
                continue
            source = get_column_letter(names.index(column.choices) + 1)
            last = len(lists[column.choices]) + 1
            validation = DataValidation(
                type="list",
                formula1=f"{quote_sheetname(LISTS)}!${source}$2:${source}${last}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop" if column.strict else "warning",
                errorTitle=column.header,
                error=f"Choose a {column.header.lower()} from the list.",
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            self.ws.data_validations.append(validation)

    def cell(self, value, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = number_format
        return cell

    def text(self, value: str | None):
        """Text exactly as stored; never read by Excel as a formula."""
        if not value:
            return None
        return xlsx_text(WriteOnlyCell(self.ws, value=ILLEGAL_CHARACTERS.sub("", value)))

    def append(self, row: list) -> None:
        self.ws.append([self.text(value) if isinstance(value, str) else value for value in row])
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def write_register(
    out,
    initiatives: QuerySet | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    collaborations: QuerySet | None = None,
    filters: list[tuple[str, str]] | None = None,
    reader=None,
) -> ExportCounts:
    """Write the register of `initiatives` (a queryset; default all) to `out` (a path or a
    binary file), streaming. `progress(rows_written)` is called every few thousand rows.
    The lists sheet offers `collaborations` (default all): for a person, those they may
    see, so that the workbook names nothing hidden from them; and the people `reader` may
    choose (`people_rows`; default everyone). The workbook records when the export began
    (`EXPORTED_AT`), before anything is read."""
    exported = timezone.now()
    scope = register_scope(initiatives)
    benefits = Benefit.objects.filter(initiative__in=scope.values("pk"))
    persons = person_labels(people_rows(reader))
    if collaborations is None:
        collaborations = Collaboration.objects.all()
    collaboration_slugs = list(
        Collaboration.objects.filter(pk__in=collaborations.values_list("pk", flat=True))
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    initiative_slugs = list(scope.order_by("slug").values_list("slug", flat=True))
    forces = list(Force.objects.order_by("ons_code").values_list("ons_code", flat=True))
    lists = choice_lists(persons, collaboration_slugs, initiative_slugs, forces)

    workbook = Workbook(write_only=True)
    counts = ExportCounts()
    written = 0

    def tick():
        nonlocal written
        written += 1
        if progress is not None and written % 5000 == 0:
            progress(written)

    sheet = _SheetWriter(workbook, INITIATIVES, lists, scope.count())
    rows = (
        scope.order_by("slug")
        .values_list(
            "slug",
            "collaboration__slug",
            "name",
            "stage",
            "status",
            "sro_id",
            "start_date",
            "end_date",
            "purpose",
        )
        .iterator(chunk_size=2000)
    )
    for slug, collaboration, name, stage, status, sro, start, end, purpose in rows:
        sheet.append(
            [
                slug,
                collaboration,
                sheet.text(name),
                stage_label(stage),
                str(InitiativeStatus(status).label),
                persons.get(sro),
                sheet.cell(start, DATE_FORMAT) if start else None,
                sheet.cell(end, DATE_FORMAT) if end else None,
                sheet.text(purpose),
            ]
        )
        tick()
    sheet.finish()
    counts.initiatives = sheet.rows

    sheet = _SheetWriter(workbook, BENEFITS, lists, benefits.count())
    rows = (
        benefits.order_by("reference")
        .values_list("reference", "initiative__slug", *BENEFIT_FIELDS)
        .iterator(chunk_size=2000)
    )
    for row in rows:
        (reference, initiative, title, description, subcategory, direction, measure, unit) = row[:8]
        (nature, baseline, baseline_date, target, target_date, owner, measurer) = row[8:15]
        cashable, disbenefit, in_case, stage, status = row[15:]
        money = number_format(unit)
        sheet.append(
            [
                sheet.text(reference),
                initiative,
                sheet.text(title),
                sheet.text(description),
                str(SubCategory(subcategory).label) if subcategory else None,
                str(Direction(direction).label) if direction else None,
                sheet.text(measure),
                str(Unit(unit).label),
                str(Nature(nature).label),
                sheet.cell(baseline, money) if baseline is not None else None,
                sheet.cell(baseline_date, DATE_FORMAT) if baseline_date else None,
                sheet.cell(target, money) if target is not None else None,
                sheet.cell(target_date, DATE_FORMAT) if target_date else None,
                persons.get(owner),
                persons.get(measurer),
                yes_no(cashable),
                yes_no(disbenefit),
                yes_no(in_case),
                stage_label(stage),
                str(BenefitStatus(status).label),
            ]
        )
        tick()
    sheet.finish()
    counts.benefits = sheet.rows

    planned = PlannedValue.objects.filter(benefit__in=benefits.values("pk"))
    sheet = _SheetWriter(workbook, PLANNED, lists, planned.count())
    rows = (
        planned.order_by("benefit__reference", "period")
        .values_list("benefit__reference", "period", "value", "benefit__unit")
        .iterator(chunk_size=5000)
    )
    for reference, period, value, unit in rows:
        sheet.append(
            [
                sheet.text(reference),
                sheet.cell(month_text(period), TEXT_FORMAT),
                sheet.cell(value, number_format(unit)),
            ]
        )
        tick()
    sheet.finish()
    counts.planned_values = sheet.rows

    actuals = Measurement.objects.filter(benefit__in=benefits.values("pk")).annotate(
        evidence_note=latest_evidence_note()
    )
    sheet = _SheetWriter(workbook, ACTUALS, lists, actuals.count())
    rows = (
        actuals.order_by("benefit__reference", "period", F("force__ons_code").asc(nulls_first=True))
        .values_list(
            "benefit__reference",
            "period",
            "force__ons_code",
            "value",
            "assessment",
            "benefit__unit",
            "evidence_note",
            "verified_by__first_name",
            "verified_by__last_name",
            "verified_by__username",
            "verified_at",
        )
        .iterator(chunk_size=5000)
    )
    for reference, period, force, value, assessment, unit, note, *verifier, at in rows:
        sheet.append(
            [
                sheet.text(reference),
                sheet.cell(month_text(period), TEXT_FORMAT),
                force,
                sheet.cell(value, number_format(unit)) if value is not None else None,
                sheet.text(assessment),
                sheet.text(note),
                sheet.text(user_label(*verifier)) if at else None,
                sheet.cell(verified_text(at), TEXT_FORMAT) if at else None,
            ]
        )
        tick()
    sheet.finish()
    counts.actuals = sheet.rows

    _write_lists(workbook, lists)
    _write_about(workbook, filters or [], exported)
    workbook.custom_doc_props.append(StringProperty(name=EXPORTED_AT, value=exported.isoformat()))
    workbook.save(out)
    if progress is not None:
        progress(written)
    return counts


def _write_about(
    workbook: Workbook, filters: list[tuple[str, str]], exported: datetime.datetime
) -> None:
    """A last sheet saying when the register was written and which part of it this is."""
    ws = workbook.create_sheet(ABOUT)
    ws.column_dimensions["A"].width = 90
    today = timezone.localdate()
    described = "; ".join(f"{label}: {value}" for label, value in filters)
    ws.append(["Register of collaborations, initiatives, benefits, plans and actuals"])
    ws.append([f"As at {today.day} {today:%B %Y}"])
    ws.append([f"Filters: {described}" if filters else "Filters: none (everything you may see)"])
    ws.append(["Pounds are written with the format £#,##0.00; months as YYYY-MM text."])
    ws.append(
        [
            f"Exported at {verified_text(exported)}. Importing this workbook changes nothing "
            "that was changed in Realise since then: export the register again for that."
        ]
    )


def _write_lists(workbook: Workbook, lists: dict[str, list[str]]) -> None:
    ws = workbook.create_sheet(LISTS)
    ws.sheet_state = "hidden"
    names = list(lists)
    for index in range(1, len(names) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 30
    ws.append(names)
    longest = max(len(values) for values in lists.values())
    for row in range(longest):
        ws.append(
            [
                xlsx_text(WriteOnlyCell(ws, value=values[row])) if row < len(values) else None
                for values in lists.values()
            ]
        )
