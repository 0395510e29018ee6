"""Reading the benefits register back from Excel: check everything, then write it all or nothing.

`import_register(file, user=...)` reads the workbook once, with openpyxl's read-only mode,
and its rows twice:

1. the check: every row of every sheet is read and validated, references between the
   sheets and to the database are resolved, duplicates are found, each row is compared with
   what is stored and, where it would create or change something, the user's permission
   is checked. Only compact keys are kept between rows (references, ids and small integer
   keys for duplicate checks), never whole rows, so memory stays flat as rows grow. The
   rows read are kept on disk (`_Spool`) for the write.
2. the write, only when the check found no error: the same pass again over the kept rows
   (the workbook is not parsed again), in batches, inside one transaction, creating and
   updating with history recorded for the importing user (simple-history's bulk helpers).
   Rows equal to what is stored write nothing, so exporting and importing a register
   unchanged changes nothing; when the check found every row unchanged, there is no second
   pass.

Business rules (stage changes go through stage gates, closing through closure, the
measurement rules of `benefits.services` for actuals: evidence, member forces, months that
have begun) apply to the rows that create or change
something; an unchanged row is never refused. Every problem is a `RowError` naming the
sheet, row, column and reason.
"""

from __future__ import annotations

import copy
import datetime
import pickle  # noqa: S403 - only of the rows this process read, in its own file
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from realise.benefits.baselines import (
    baselined_among,
    baselined_field_errors,
    plan_closed_refusal,
)
from realise.benefits.contributions import link_errors
from realise.benefits.models import (
    Benefit,
    BenefitStatus,
    Evidence,
    Measurement,
    Nature,
    PlannedValue,
    Unit,
)
from realise.benefits.services import clear_checks, measurement_problems, record_refusal
from realise.benefits.standard import standard_errors
from realise.collaborations.models import (
    Collaboration,
    ForceShare,
    Initiative,
    Stage,
)
from realise.collaborations.services import initiative_change_problems
from realise.core.language import english
from realise.organisations.models import Force
from realise.reports.register.cells import (
    BENEFIT_STATUSES,
    DIRECTIONS,
    INITIATIVE_STATUSES,
    NATURES,
    SUBCATEGORIES,
    UNITS,
    People,
    _blank,
    _max_length,
    count_data_rows,
    layout_in,
    open_workbook,
    read_bool,
    read_date,
    read_decimal,
    read_key,
    read_month,
    read_stage,
    read_text,
    uncalculated_in,
)
from realise.reports.register.formulas import UNCALCULATED
from realise.reports.register.layout import hidden_rows_note, hidden_sheet_note, misread
from realise.reports.register.results import (
    CHUNK,
    MAX_LISTED_ERRORS,
    WORKBOOK,
    CellError,
    ImportResult,
    Progress,
    RowError,
    SheetCounts,
    _Rollback,
)
from realise.reports.register.since_export import Change, SinceExport, StampError, exported_at
from realise.reports.register.xlsx import (
    ABOUT,
    ACTUALS,
    BENEFIT_FIELDS,
    BENEFITS,
    COLUMNS,
    DATA_SHEETS,
    INITIATIVES,
    LISTS,
    PLANNED,
    latest_evidence_note,
    user_label,
)

# The importer ---------------------------------------------------------------------------------


class _InitiativeInfo:
    __slots__ = ("obj", "collaboration")

    def __init__(self, obj, collaboration):
        self.obj = obj  # the stored initiative, or None until it is created
        self.collaboration = collaboration


class _MonthKeys:
    """The months seen so far for each key (a benefit, or a benefit and force), as one
    integer bit mask per key: memory grows with the keys, not with the monthly rows."""

    __slots__ = ("masks",)

    def __init__(self):
        self.masks: dict[int, tuple[int, int]] = {}

    def add(self, key: int, period: datetime.date) -> bool:
        """Record the month; False if it was already there."""
        month = period.year * 12 + period.month
        found = self.masks.get(key)
        if found is None:
            self.masks[key] = (month, 1)
            return True
        base, mask = found
        if month < base:
            mask, base = mask << (base - month), month
        bit = 1 << (month - base)
        if mask & bit:
            return False
        self.masks[key] = (base, mask | bit)
        return True


class _Spool:
    """A sheet's rows as the check read them, for the write to read back: pickled in
    batches to a temporary file of this process, so memory stays flat as rows grow and the
    workbook is parsed once (parsing is most of the cost of reading a row)."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by `close`
        self.batch: list[tuple[int, tuple]] = []

    def add(self, number: int, cells: tuple) -> None:
        self.batch.append((number, cells))
        if len(self.batch) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def read(self) -> Iterator[tuple[int, tuple]]:
        self.flush()
        self.file.seek(0)
        while True:
            try:
                batch = pickle.load(self.file)  # noqa: S301 - written above, by this process
            except EOFError:
                return
            yield from batch

    def close(self) -> None:
        self.file.close()


class _BenefitInfo:
    __slots__ = ("index", "collaboration", "qualitative", "owner_id", "measurer_id", "row")

    def __init__(self, index, collaboration, qualitative, owner_id, measurer_id, row):
        self.index = index
        self.collaboration = collaboration
        self.qualitative = qualitative
        self.owner_id = owner_id  # as stored (or as in the file, for a new benefit)
        self.measurer_id = measurer_id
        self.row = row  # its row on the Benefits sheet, 0 when only in the database


BENEFIT_HEADERS = {
    "initiative": "Initiative",
    "title": "Title",
    "description": "Description",
    "subcategory": "Sub-category",
    "direction": "Direction",
    "measure": "Measure",
    "unit": "Unit",
    "nature": "Nature",
    "baseline_value": "Baseline",
    "baseline_date": "Baseline date",
    "target_value": "Target",
    "target_date": "Target date",
    "owner": "Owner",
    "owner_id": "Owner",
    "measurement_owner": "Measurement owner",
    "measurement_owner_id": "Measurement owner",
    "cashable": "Cashable",
    "is_disbenefit": "Dis-benefit",
    "identified_in_business_case": "In business case",
    "identified_at_stage": "Identified at stage",
    "status": "Status",
}
# The Actuals sheet's column for each field the measurement rules name.
ACTUAL_HEADERS = {
    "reference": "Benefit reference",
    "period": "Month",
    "value": "Value",
    "assessment": "Assessment",
    "force": "Force code",
    "evidence_note": "Evidence note",
}
ACTUAL_FIELDS = [
    "value",
    "assessment",
    "changed_by",
    "verified_by",
    "verified_at",
    "returned_by",
    "returned_at",
    "return_reason",
]
VERIFICATION_READ_ONLY = (
    "Verification is read-only in the register: actuals are verified on the page "
    "'Actuals awaiting verification' or through the API, by someone other than whoever "
    "entered or last changed them."
)
REMOVED_MEANWHILE = (
    "was deleted by someone else while the register was being imported; nothing was "
    "changed: import the file again"
)
UNKNOWN_BENEFIT = "unknown benefit '{}'"
UNKNOWN_INITIATIVE = "unknown initiative '{}'"
# Said of a reference or slug taken by a record the importer may not see.
NEW_BENEFIT = "; a new benefit needs a reference not used elsewhere"
NEW_INITIATIVE = "; a new initiative needs a slug not used elsewhere"
INITIATIVE_FIELDS = ("name", "status", "sro_id", "start_date", "end_date", "purpose")
INITIATIVE_HEADERS = {
    "name": "Name",
    "status": "Status",
    "sro_id": "SRO",
    "start_date": "Start date",
    "end_date": "End date",
    "purpose": "Purpose",
}


class _Importer:
    def __init__(
        self,
        workbook,
        user,
        progress: Progress | None,
        total: int | None,
        since: SinceExport | None = None,
    ):
        self.workbook = workbook
        self.user = user
        # When the workbook says when it was exported: what changed in Realise since then.
        self.since = since
        self.change_reason = since.change_reason if since is not None else None
        self.progress = progress
        self.total = total
        self.errors: list[RowError] = []
        self.error_count = 0
        self.notes: list[str] = []
        self.people = People(user)
        # Only what the importer may see: a record of a collaboration hidden from them is
        # unknown to the import, never changed nor named.
        self.collaborations = {c.slug: c for c in Collaboration.objects.visible_to(user)}
        self.visible = {c.pk for c in self.collaborations.values()}
        self.members: dict[int, set[int]] = {}
        for collaboration_id, force_id in ForceShare.objects.values_list(
            "collaboration_id", "force_id"
        ):
            self.members.setdefault(collaboration_id, set()).add(force_id)
        self.forces = {f.ons_code.casefold(): f for f in Force.objects.all()}
        self.permissions: dict[tuple, bool] = {}
        self._plan_closed: dict[int, str | None] = {}
        self.this_month = timezone.localdate().replace(day=1)
        # Each sheet's rows as the check read them (`_Spool`), when a write may follow.
        self.spooling = True
        self.spools: dict[str, _Spool] = {}

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()
        self.spools = {}

    # bookkeeping ---------------------------------------------------------------------------
    def error(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(sheet, row, column, reason))

    def read_cells(self, sheet: str, row: int, cells: dict, readers) -> tuple[dict, bool]:
        """Each (name, header, reader) cell of a row read; every refusal is an error naming
        the column. Returns what was read, and whether all of it was."""
        values, ok = {}, True
        for name, header, reader in readers:
            try:
                values[name] = reader(cells[header])
            except CellError as exc:
                self.error(sheet, row, header, str(exc))
                ok = False
        return values, ok

    def report(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(phase, self.done, self.total)

    def allowed(self, permission: str, key: tuple, make_object: Callable) -> bool:
        """`user.has_perm`, remembered per permission and the attributes the rules read.

        The apps' rules (`<app>/rules.py`) decide on the collaboration, the benefit's owners and
        the force; `key` holds exactly those, so equal keys get equal answers.
        """
        memo_key = (permission, *key)
        if memo_key not in self.permissions:
            self.permissions[memo_key] = self.user.has_perm(permission, make_object())
        return self.permissions[memo_key]

    def undoing(self, changes: dict[str, Change] | None, fields) -> list[tuple[str, str]]:
        """(field, reason) for each of `fields` (those the row would change) whose value was
        changed in Realise since the workbook was exported (`changes`)."""
        if not changes or self.since is None:
            return []
        return [(name, self.since.reason(changes[name])) for name in fields if name in changes]

    @staticmethod
    def light_benefit(collaboration, owner_id, measurer_id) -> Benefit:
        return Benefit(
            initiative=Initiative(collaboration=collaboration),
            owner_id=owner_id,
            measurement_owner_id=measurer_id,
        )

    # the sheets ---------------------------------------------------------------------------
    def check_structure(self) -> None:
        names = self.workbook.sheetnames
        for name in DATA_SHEETS:
            if name not in names:
                self.error(name, None, "", f'the workbook has no sheet called "{name}"')
        for ws in self.workbook.worksheets:
            if ws.title in DATA_SHEETS and ws.sheet_state != "visible":
                self.notes.append(hidden_sheet_note(ws.title))
            if ws.title in (*DATA_SHEETS, LISTS, ABOUT) or ws.sheet_state != "visible":
                continue
            # A sheet of the user's own (notes, a chart) is left alone, and said so.
            self.notes.append(f"Sheet '{ws.title}' was not read.")
        self.columns: dict[str, dict[str, int]] = {}
        for name in DATA_SHEETS:
            if name not in names:
                continue
            header = next(self.workbook[name].iter_rows(max_row=1, values_only=True), ())
            found = {
                str(value).strip().casefold(): index
                for index, value in enumerate(header)
                if not _blank(value)
            }
            positions: dict[str, int] = {}
            missing = False
            for column in COLUMNS[name]:
                index = found.get(column.header.casefold())
                if index is None and column.read_only:
                    continue  # shown for information only; a workbook may leave it out
                if index is None:
                    self.error(name, 1, column.header, "the column is missing")
                    missing = True
                    continue
                positions[column.header] = index
            if not missing:
                self.columns[name] = positions

    def rows(self, sheet: str) -> Iterator[tuple[int, dict]]:
        """Each non-empty data row as (row number, {header: value})."""
        headers = tuple(self.columns[sheet])
        for number, cells in self.cells(sheet):
            yield number, dict(zip(headers, cells, strict=True))
            self.done += 1
            if self.done % CHUNK == 0:
                self.report(self.phase)

    def cells(self, sheet: str) -> Iterator[tuple[int, tuple]]:
        """Each non-empty data row as (row number, its cells in the columns read): from the
        workbook, kept as read where a write may follow; in the write, as the check kept it."""
        spool = self.spools.get(sheet)
        if self.write and spool is not None:
            yield from spool.read()
            return
        positions = tuple(self.columns[sheet].values())
        wanted = max(positions) + 1
        keep = _Spool() if self.spooling and not self.write else None
        ws = self.workbook[sheet]
        uncalculated = uncalculated_in(ws)
        layout = layout_in(ws)
        merged_rows = self.merged(sheet, layout.merged)
        hidden: list[int] = []
        ws.reset_dimensions()  # read every row, whatever size the file claims to be
        try:
            for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
                if uncalculated and self.uncalculated(sheet, number, uncalculated):
                    continue
                if all(_blank(value) for value in values):
                    continue
                if number in layout.hidden_rows:
                    hidden.append(number)
                if number in merged_rows:
                    continue
                values = tuple(values) + (None,) * (wanted - len(values))
                cells = tuple(values[index] for index in positions)
                if keep is not None:
                    keep.add(number, cells)
                yield number, cells
        except BaseException:
            if keep is not None:
                keep.close()
            raise
        if hidden:
            self.notes.append(hidden_rows_note(sheet, hidden))
        if keep is not None:  # every row was read: the write may read them back
            self.spools[sheet] = keep

    def merged(self, sheet: str, ranges) -> set[int]:
        """Name each merged range over cells the import reads (only its first cell holds
        the value); the rows it covers are not read further."""
        headers = {index: header for header, index in self.columns[sheet].items()}
        rows: set[int] = set()
        for cells in misread(ranges, 2, headers):
            column = next(index for index in cells.columns() if index in headers)
            self.error(sheet, max(cells.first_row, 2), headers[column], cells.problem())
            rows.update(cells.rows())
        return rows

    def uncalculated(self, sheet: str, row: int, cells: set[tuple[int, int]]) -> bool:
        """Name each cell of the row read that holds a formula with no value; True if any
        does (the row is not read further)."""
        found = False
        for header, index in self.columns[sheet].items():
            if (row, index) in cells:
                self.error(sheet, row, header, UNCALCULATED)
                found = True
        return found

    def chunks(self, sheet: str) -> Iterator[list[tuple[int, dict]]]:
        chunk = []
        for item in self.rows(sheet):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def run(self, write: bool) -> dict[str, SheetCounts]:
        self.write = write
        self.phase = "write" if write else "check"
        self.done = 0
        self.counts = {sheet: SheetCounts() for sheet in DATA_SHEETS}
        self.initiatives = {}
        self.hidden_initiatives: set[str] = set()
        for initiative in Initiative.objects.select_related("collaboration"):
            if initiative.collaboration_id in self.visible:
                self.initiatives[initiative.slug] = _InitiativeInfo(
                    initiative, initiative.collaboration
                )
            else:
                self.hidden_initiatives.add(initiative.slug)
        self.benefits: dict[str, _BenefitInfo] = {}
        self.hidden_benefits: set[str] = set()
        self.report(self.phase)
        if INITIATIVES in self.columns:
            self.initiatives_sheet()
        if BENEFITS in self.columns:
            for chunk in self.chunks(BENEFITS):
                self.benefits_chunk(chunk)
        if PLANNED in self.columns:
            seen = _MonthKeys()
            for chunk in self.chunks(PLANNED):
                self.planned_chunk(chunk, seen)
        if ACTUALS in self.columns:
            seen = _MonthKeys()
            for chunk in self.chunks(ACTUALS):
                self.actuals_chunk(chunk, seen)
        self.report(self.phase)
        return self.counts

    # Initiatives ---------------------------------------------------------------------------
    def initiatives_sheet(self) -> None:
        sheet = INITIATIVES
        counts = self.counts[sheet]
        names = {
            (info.collaboration.pk, info.obj.name): slug for slug, info in self.initiatives.items()
        }
        in_file: dict[str, int] = {}
        creates, updates = [], []
        changed: dict[int, dict[str, Change]] = {}
        deleted: dict[tuple, Change] = {}
        if self.since is not None:
            changed = self.since.changed_fields(Initiative.history, None, INITIATIVE_FIELDS)
            deleted = self.since.latest(
                Initiative.history,
                ("slug",),
                history_type="-",
                collaboration_id__in=self.visible,
            )
        for row, cells in self.rows(sheet):
            readers = (
                ("slug", "Slug", lambda v: read_key(v, _max_length(Initiative, "slug"))),
                ("collaboration", "Collaboration", lambda v: read_key(v, 100)),
                ("name", "Name", lambda v: read_text(v, _max_length(Initiative, "name"), True)),
                ("stage", "Stage", read_stage),
                ("status", "Status", lambda v: INITIATIVE_STATUSES.read(v, "active")),
                ("sro_id", "SRO", self.people.read),
                ("start_date", "Start date", read_date),
                ("end_date", "End date", read_date),
                ("purpose", "Purpose", read_text),
            )
            parsed, ok = self.read_cells(sheet, row, cells, readers)
            slug = parsed.get("slug")
            if slug:
                if not re.fullmatch(r"[-a-zA-Z0-9_]+", slug):
                    self.error(
                        sheet, row, "Slug", f"'{slug}' may hold only letters, digits, - and _"
                    )
                    ok = False
                elif slug in in_file:
                    self.error(sheet, row, "Slug", f"'{slug}' is also on row {in_file[slug]}")
                    ok = False
                elif slug in self.hidden_initiatives:
                    self.error(sheet, row, "Slug", UNKNOWN_INITIATIVE.format(slug) + NEW_INITIATIVE)
                    ok = False
                else:
                    in_file[slug] = row
            collaboration = self.collaborations.get(parsed.get("collaboration", ""))
            if parsed.get("collaboration") and collaboration is None:
                self.error(
                    sheet,
                    row,
                    "Collaboration",
                    f"unknown collaboration '{parsed['collaboration']}'",
                )
                ok = False
            if not ok:
                continue
            # Both cells are required: a row read in full names a known collaboration.
            assert slug is not None and collaboration is not None
            start, end = parsed["start_date"], parsed["end_date"]
            info = self.initiatives.get(slug)
            existing = info.obj if info else None
            if (
                existing is not None
                and existing.collaboration_id == collaboration.pk
                and parsed["stage"] in (None, existing.stage)
                and all(getattr(existing, f) == parsed[f] for f in INITIATIVE_FIELDS)
            ):
                counts.unchanged += 1
                continue
            problems = []
            if existing is not None:
                differing = [f for f in INITIATIVE_FIELDS if getattr(existing, f) != parsed[f]]
                for name, reason in self.undoing(changed.get(existing.pk), differing):
                    problems.append((INITIATIVE_HEADERS[name], reason))
            elif (slug,) in deleted and self.since is not None:
                problems.append(("Slug", self.since.reason(deleted[(slug,)])))
            if start and end and end < start:
                problems.append(("End date", "the end date is before the start date"))
            # The stage moves only by a stage decision, and closing is the closure's: the
            # rule of the initiative's page and the API, in its words.
            for name, problem in initiative_change_problems(
                existing or Initiative(collaboration=collaboration, slug=slug),
                stage=parsed["stage"],
                status=parsed["status"],
            ).items():
                problems.append((name.capitalize(), english(problem)))
            if existing is None:
                if not self.allowed(
                    "collaborations.add_initiative",
                    (collaboration.pk,),
                    lambda target=collaboration: target,
                ):
                    problems.append(
                        ("Slug", f"you may not add initiatives to '{collaboration.slug}'")
                    )
            else:
                if existing.collaboration_id != collaboration.pk:
                    problems.append(
                        (
                            "Collaboration",
                            "an initiative cannot move to another collaboration by import",
                        )
                    )
                if not self.allowed(
                    "collaborations.change_initiative",
                    (existing.collaboration_id,),
                    lambda existing=existing: existing,
                ):
                    problems.append(("Slug", f"you may not change the initiative '{slug}'"))
            owner = names.get((collaboration.pk, parsed["name"]))
            if owner is not None and owner != slug:
                problems.append(
                    (
                        "Name",
                        f"'{parsed['name']}' is already the name of initiative '{owner}' "
                        "in this collaboration",
                    )
                )
            if problems:
                for header, reason in problems:
                    self.error(sheet, row, header, reason)
                continue
            if existing is not None:
                names.pop((collaboration.pk, existing.name), None)
            names[(collaboration.pk, parsed["name"])] = slug
            if existing is None:
                counts.created += 1
                self.initiatives[slug] = _InitiativeInfo(None, collaboration)
                creates.append(
                    Initiative(
                        collaboration=collaboration,
                        slug=slug,
                        stage=Stage.STRATEGIC_ASSESSMENT,
                        **{f: parsed[f] for f in INITIATIVE_FIELDS},
                    )
                )
            else:
                counts.updated += 1
                for name in INITIATIVE_FIELDS:
                    setattr(existing, name, parsed[name])
                updates.append(existing)
        if self.write:
            now = timezone.now()
            if creates:
                bulk_create_with_history(
                    creates,
                    Initiative,
                    batch_size=CHUNK,
                    default_user=self.user,
                    default_change_reason=self.change_reason,
                )
            if updates:
                for obj in updates:
                    obj.version += 1
                    obj.updated_at = now
                bulk_update_with_history(
                    updates,
                    Initiative,
                    [*INITIATIVE_FIELDS, "version", "updated_at"],
                    batch_size=CHUNK,
                    default_user=self.user,
                    default_change_reason=self.change_reason,
                )
            for obj in Initiative.objects.filter(slug__in=[o.slug for o in creates]).select_related(
                "collaboration"
            ):
                self.initiatives[obj.slug] = _InitiativeInfo(obj, obj.collaboration)

    # Benefits ------------------------------------------------------------------------------
    def parse_benefit(self, row: int, cells: dict) -> dict | None:
        sheet = BENEFITS
        readers = (
            ("reference", "Reference", lambda v: read_key(v, _max_length(Benefit, "reference"))),
            ("initiative", "Initiative", lambda v: read_key(v, 100)),
            ("title", "Title", lambda v: read_text(v, _max_length(Benefit, "title"), True)),
            ("description", "Description", read_text),
            ("subcategory", "Sub-category", SUBCATEGORIES.read),
            ("direction", "Direction", DIRECTIONS.read),
            ("measure", "Measure", lambda v: read_text(v, _max_length(Benefit, "measure"))),
            ("unit", "Unit", lambda v: UNITS.read(v, Unit.GBP)),
            ("nature", "Nature", lambda v: NATURES.read(v, Nature.QUANTITATIVE)),
            ("baseline_value", "Baseline", read_decimal),
            ("baseline_date", "Baseline date", read_date),
            ("target_value", "Target", read_decimal),
            ("target_date", "Target date", read_date),
            ("owner_id", "Owner", self.people.read),
            ("measurement_owner_id", "Measurement owner", self.people.read),
            ("cashable", "Cashable", lambda v: read_bool(v, False)),
            ("is_disbenefit", "Dis-benefit", lambda v: read_bool(v, False)),
            ("identified_in_business_case", "In business case", lambda v: read_bool(v, True)),
            ("identified_at_stage", "Identified at stage", read_stage),
            ("status", "Status", lambda v: BENEFIT_STATUSES.read(v, BenefitStatus.PROPOSED)),
        )
        parsed, ok = self.read_cells(sheet, row, cells, readers)
        return parsed if ok else None

    def benefits_chunk(self, chunk: list[tuple[int, dict]]) -> None:
        sheet = BENEFITS
        counts = self.counts[sheet]
        parsed_rows = []
        for row, cells in chunk:
            parsed = self.parse_benefit(row, cells)
            reference = parsed and parsed["reference"]
            if reference is None:
                try:
                    reference = read_key(
                        cells["Reference"], _max_length(Benefit, "reference"), False
                    )
                except CellError:
                    reference = ""
            if reference in self.benefits:
                first = self.benefits[reference].row
                self.error(sheet, row, "Reference", f"'{reference}' is also on row {first}")
                continue
            if reference:
                # Taken, so that later rows with the same reference are reported as
                # duplicates; completed below once the row is known to be valid.
                self.benefits[reference] = _BenefitInfo(
                    len(self.benefits), None, False, None, None, row
                )
            if parsed is not None:
                parsed_rows.append((row, parsed))
        stored = {
            b.reference: b
            for b in Benefit.objects.filter(
                reference__in=[p["reference"] for _, p in parsed_rows]
            ).select_related("initiative__collaboration")
        }
        for reference in [r for r, b in stored.items() if not self.may_see(b)]:
            del stored[reference]
            self.hidden_benefits.add(reference)
        # Whose plans are baselined: those cannot be reclassified (`baselined_field_errors`).
        baselined = baselined_among(stored.values())
        changed, deleted = self.benefits_since_export(parsed_rows, stored)
        creates, updates = [], []
        for row, parsed in parsed_rows:
            reference = parsed["reference"]
            info = self.benefits[reference]
            if reference in self.hidden_benefits:
                self.error(sheet, row, "Reference", UNKNOWN_BENEFIT.format(reference) + NEW_BENEFIT)
                continue
            initiative = self.initiatives.get(parsed["initiative"])
            if initiative is None:
                unknown = UNKNOWN_INITIATIVE.format(parsed["initiative"])
                self.error(sheet, row, "Initiative", unknown)
                continue
            existing = stored.get(reference)
            collaboration = initiative.collaboration
            info.collaboration = collaboration
            info.qualitative = parsed["nature"] == Nature.QUALITATIVE
            if existing is not None:
                info.owner_id, info.measurer_id = (
                    existing.owner_id,
                    existing.measurement_owner_id,
                )
            else:
                info.owner_id = parsed["owner_id"]
                info.measurer_id = parsed["measurement_owner_id"]
            if (
                existing is not None
                and existing.initiative.slug == parsed["initiative"]
                and all(getattr(existing, f) == parsed[f] for f in BENEFIT_FIELDS)
            ):
                counts.unchanged += 1
                continue
            problems = []
            if existing is not None:
                differing = [f for f in BENEFIT_FIELDS if getattr(existing, f) != parsed[f]]
                for name, reason in self.undoing(changed.get(existing.pk), differing):
                    problems.append((BENEFIT_HEADERS[name], reason))
            elif (reference,) in deleted and self.since is not None:
                problems.append(("Reference", self.since.reason(deleted[(reference,)])))
            if existing is not None and existing.initiative.slug != parsed["initiative"]:
                problems.append(
                    (
                        "Initiative",
                        f"'{reference}' belongs to initiative '{existing.initiative.slug}'; a "
                        "benefit cannot move to another initiative by import",
                    )
                )
            candidate = Benefit(**{f: parsed[f] for f in BENEFIT_FIELDS})
            try:
                candidate.clean()
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        problems.append((BENEFIT_HEADERS.get(name, "Reference"), message))
            if existing is not None:
                # Where its money is counted: fixed once its plan is baselined, and never
                # moved apart from the benefits it is linked to (the rules of every way in).
                proposed = copy.copy(existing)
                for name in BENEFIT_FIELDS:
                    setattr(proposed, name, parsed[name])
                with translation.override("en-gb"):  # the import report is in English
                    found = {
                        **baselined_field_errors(
                            existing, proposed, baselined=existing.pk in baselined
                        ),
                        **link_errors(existing, proposed),
                    }
                    for name, messages in found.items():
                        for message in messages:
                            problems.append((BENEFIT_HEADERS.get(name, "Reference"), str(message)))
            permitted = True
            if existing is None:
                target = initiative.obj or Initiative(collaboration=collaboration)
                if not self.allowed(
                    "benefits.add_benefit", (collaboration.pk,), lambda target=target: target
                ):
                    permitted = False
                    problems.append(
                        (
                            "Reference",
                            f"you may not add benefits to initiative '{parsed['initiative']}'",
                        )
                    )
            elif not self.allowed(
                "benefits.change_benefit",
                (
                    existing.initiative.collaboration_id,
                    existing.owner_id,
                    existing.measurement_owner_id,
                ),
                lambda existing=existing: existing,
            ):
                permitted = False
                problems.append(("Reference", f"you may not change the benefit '{reference}'"))
            if permitted:
                # The minimum standard of the initiative's stage (that of the stage gate).
                stage = initiative.obj.stage if initiative.obj else Stage.STRATEGIC_ASSESSMENT
                for name, refusals in standard_errors(candidate, stage).items():
                    for refusal in refusals:  # the import report is written in English
                        problems.append((BENEFIT_HEADERS.get(name, "Reference"), english(refusal)))
            if problems:
                for header, reason in problems:
                    self.error(sheet, row, header, reason)
                continue
            if existing is None:
                counts.created += 1
                if self.write:
                    creates.append(
                        Benefit(
                            initiative=initiative.obj,
                            reference=reference,
                            **{f: parsed[f] for f in BENEFIT_FIELDS},
                        )
                    )
            else:
                counts.updated += 1
                if self.write:
                    for name in BENEFIT_FIELDS:
                        setattr(existing, name, parsed[name])
                    updates.append(existing)
        if self.write:
            self.save(Benefit, creates, updates, BENEFIT_FIELDS)

    def benefits_since_export(
        self, parsed_rows: list[tuple[int, dict]], stored: dict[str, Benefit]
    ) -> tuple[dict[int, dict[str, Change]], dict[tuple, Change]]:
        """What was changed since the export of the stored benefits the rows would change,
        and which of the new references were deleted since: asked once for the chunk."""
        if self.since is None:
            return {}, {}
        changing, creating = [], []
        for _, parsed in parsed_rows:
            existing = stored.get(parsed["reference"])
            if existing is None:
                if parsed["reference"] not in self.hidden_benefits:
                    creating.append(parsed["reference"])
            elif any(getattr(existing, f) != parsed[f] for f in BENEFIT_FIELDS):
                changing.append(existing.pk)
        changed = self.since.changed_fields(Benefit.history, changing, BENEFIT_FIELDS)
        deleted = {}
        if creating:
            deleted = self.since.latest(
                Benefit.history,
                ("reference",),
                history_type="-",
                reference__in=creating,
                initiative__collaboration_id__in=self.visible,
            )
        return changed, deleted

    def save(self, model, creates: list, updates: list, fields) -> None:
        if creates:
            bulk_create_with_history(
                creates,
                model,
                batch_size=CHUNK,
                default_user=self.user,
                default_change_reason=self.change_reason,
            )
        if updates:
            now = timezone.now()
            stamped = hasattr(model, "updated_at")
            for obj in updates:
                obj.version += 1
                if stamped:
                    obj.updated_at = now
            extra = ["version", "updated_at"] if stamped else ["version"]
            bulk_update_with_history(
                updates,
                model,
                [*fields, *extra],
                batch_size=CHUNK,
                default_user=self.user,
                default_change_reason=self.change_reason,
            )

    # Planned values and actuals ------------------------------------------------------------
    def known_benefits(self, references: set[str]) -> None:
        """Add the stored benefits that the file refers to but does not list."""
        missing = [r for r in references if r not in self.benefits]
        if not missing:
            return
        rows = Benefit.objects.filter(reference__in=missing).values_list(
            "reference",
            "initiative__collaboration_id",
            "nature",
            "owner_id",
            "measurement_owner_id",
        )
        by_id = {c.pk: c for c in self.collaborations.values()}
        for reference, collaboration_id, nature, owner_id, measurer_id in rows:
            if collaboration_id not in self.visible:
                continue
            self.benefits[reference] = _BenefitInfo(
                len(self.benefits),
                by_id[collaboration_id],
                nature == Nature.QUALITATIVE,
                owner_id,
                measurer_id,
                0,
            )

    def benefit_of(self, sheet: str, row: int, reference: str) -> _BenefitInfo | None:
        info = self.benefits.get(reference)
        if info is None or info.collaboration is None:
            if info is None and BENEFITS in self.columns:
                self.error(sheet, row, "Benefit reference", UNKNOWN_BENEFIT.format(reference))
            return None
        return info

    def stored_benefits(self, references: set[str]) -> dict[str, Benefit]:
        return {
            b.reference: b
            for b in Benefit.objects.filter(
                reference__in=references, initiative__collaboration_id__in=self.visible
            ).select_related("initiative")
        }

    def may_see(self, benefit: Benefit) -> bool:
        return benefit.initiative.collaboration_id in self.visible

    def plan_closed(self, benefit) -> str | None:
        """The baselined-plan guard's refusal for a benefit, if its plan is frozen (asked
        once for the benefits of a chunk, `ask_plans_closed`, and remembered)."""
        return self._plan_closed[benefit.pk]

    def ask_plans_closed(self, benefits) -> None:
        asked = [b for b in benefits if b.pk not in self._plan_closed]
        closed = baselined_among(asked)
        for benefit in asked:
            self._plan_closed[benefit.pk] = (
                " ".join(plan_closed_refusal(benefit).messages) if benefit.pk in closed else None
            )

    def stored_to_change(
        self, sheet: str, queryset, changed: list[tuple[int, int, Benefit, Any]]
    ) -> Iterator[tuple[Any, Any]]:
        """The stored rows a chunk changes (`changed`: row number, id, benefit and what the
        file gives it), read whole and locked (not the rows read with them), so that none can
        go before it is written; each yielded with its benefit set, and what the file gives
        it. One deleted by someone else since the check read it is named instead."""
        whole = queryset.select_for_update(of=("self",)).in_bulk([pk for _, pk, _, _ in changed])
        for row, pk, benefit, given in changed:
            stored = whole.get(pk)
            if stored is None:
                self.error(sheet, row, "Month", REMOVED_MEANWHILE)
                continue
            stored.benefit = benefit
            yield stored, given

    def planned_chunk(self, chunk: list[tuple[int, dict]], seen: _MonthKeys) -> None:
        sheet = PLANNED
        counts = self.counts[sheet]
        parsed_rows = []
        for row, cells in chunk:
            readers = (
                ("reference", "Benefit reference", lambda v: read_key(v, 30)),
                ("period", "Month", read_month),
                ("value", "Value", lambda v: read_decimal(v, required=True)),
            )
            values, ok = self.read_cells(sheet, row, cells, readers)
            if ok:
                parsed_rows.append((row, values))
        self.known_benefits({values["reference"] for _, values in parsed_rows})
        stored = self.stored_benefits({values["reference"] for _, values in parsed_rows})
        # What is stored is compared as plain values; only the planned values to change are
        # read whole, once it is known which they are.
        existing: dict[tuple[int, datetime.date], tuple[int, Decimal]] = {}
        if stored:
            periods = [values["period"] for _, values in parsed_rows]
            existing = {
                (benefit_id, period): (pk, value)
                for pk, benefit_id, period, value in PlannedValue.objects.filter(
                    benefit_id__in=[b.pk for b in stored.values()],
                    period__gte=min(periods),
                    period__lte=max(periods),
                ).values_list("pk", "benefit_id", "period", "value")
            }
        self.ask_plans_closed(stored.values())
        since_export, deleted = self.plans_since_export(parsed_rows, stored, existing)
        creates, changed = [], []
        for row, values in parsed_rows:
            info = self.benefit_of(sheet, row, values["reference"])
            if info is None:
                continue
            period = values["period"]
            if not seen.add(info.index, period):
                self.error(
                    sheet,
                    row,
                    "Month",
                    f"{values['reference']} {period:%Y-%m} is on an earlier row as well",
                )
                continue
            benefit = stored.get(values["reference"])
            planned = existing.get((benefit.pk, period)) if benefit else None
            if planned is not None and planned[1] == values["value"]:
                counts.unchanged += 1
                continue
            if self.since is not None and benefit is not None:
                change = (
                    since_export.get(planned[0], {}).get("value")
                    if planned is not None
                    else deleted.get((benefit.pk, period))
                )
                if change is not None:
                    self.error(sheet, row, "Value", self.since.reason(change))
                    continue
            if not self.allowed(
                "benefits.change_plannedvalue",
                (info.collaboration.pk, info.owner_id, info.measurer_id),
                lambda info=info: self.light_benefit(
                    info.collaboration, info.owner_id, info.measurer_id
                ),
            ):
                self.error(
                    sheet,
                    row,
                    "Benefit reference",
                    f"you may not change the plan of '{values['reference']}'",
                )
                continue
            closed = self.plan_closed(benefit) if benefit is not None else None
            if closed:
                self.error(sheet, row, "Benefit reference", closed)
                continue
            if planned is None:
                counts.created += 1
                if self.write:
                    creates.append(
                        PlannedValue(benefit=benefit, period=period, value=values["value"])
                    )
            else:
                counts.updated += 1
                if self.write:
                    assert benefit is not None  # the planned value was found through it
                    changed.append((row, planned[0], benefit, values["value"]))
        if self.write:
            updates = []
            for planned_value, value in self.stored_to_change(
                sheet, PlannedValue.objects.all(), changed
            ):
                planned_value.value = value
                updates.append(planned_value)
            self.save(PlannedValue, creates, updates, ["value"])

    def plans_since_export(
        self,
        parsed_rows: list[tuple[int, dict]],
        stored: dict[str, Benefit],
        existing: dict[tuple[int, datetime.date], tuple[int, Decimal]],
    ) -> tuple[dict[int, dict[str, Change]], dict[tuple, Change]]:
        """What was changed since the export of the planned values the rows would change,
        and which months the rows would add were deleted since: asked once for the chunk."""
        _, changed, deleted = self._since_export(
            PlannedValue,
            ("value",),
            ("benefit_id", "period"),
            parsed_rows,
            stored,
            lambda benefit, values: existing.get((benefit.pk, values["period"])),
            lambda planned, values: planned[0] if planned[1] != values["value"] else None,
        )
        return changed, deleted

    def _since_export(
        self,
        model: Any,
        fields: tuple[str, ...],
        key: tuple[str, ...],
        parsed_rows: list[tuple[int, dict]],
        stored: dict[str, Benefit],
        record_of: Callable[[Benefit, dict], Any],
        changed_pk: Callable[[Any, dict], int | None],
    ) -> tuple[list[int], dict[int, dict[str, Change]], dict[tuple, Change]]:
        """For the rows of a chunk of `model`'s sheet: the ids of the records they would
        change (`changed_pk`: the id when the row differs from the record `record_of` finds,
        else None), what was changed in `fields` of those since the export, and which of the
        records they would add (none found for the row) were deleted since, by `key`."""
        if self.since is None:
            return [], {}, {}
        changing, creating = [], set()
        for _, values in parsed_rows:
            benefit = stored.get(values["reference"])
            if benefit is None:
                continue
            record = record_of(benefit, values)
            if record is None:
                creating.add(benefit.pk)
            elif (pk := changed_pk(record, values)) is not None:
                changing.append(pk)
        changed = self.since.changed_fields(model.history, changing, fields)
        deleted = {}
        if creating:
            deleted = self.since.latest(
                model.history, key, history_type="-", benefit_id__in=creating
            )
        return changing, changed, deleted

    def actuals_chunk(self, chunk: list[tuple[int, dict]], seen: _MonthKeys) -> None:
        """Actuals, under the same rules as every other way in (`measurement_problems`,
        the `add_measurement` rule): a new or changed actual needs its evidence note, and
        changing one clears its verification. Verification itself is never read."""
        sheet = ACTUALS
        counts = self.counts[sheet]
        parsed_rows = []
        for row, cells in chunk:
            readers = (
                ("reference", "Benefit reference", lambda v: read_key(v, 30)),
                ("period", "Month", read_month),
                ("force", "Force code", self.read_force),
                ("value", "Value", read_decimal),
                ("assessment", "Assessment", read_text),
                ("evidence_note", "Evidence note", read_text),
            )
            values, ok = self.read_cells(sheet, row, cells, readers)
            if ok:
                values["verified_by"] = read_text(cells.get("Verified by")).strip()
                parsed_rows.append((row, values))
        self.known_benefits({values["reference"] for _, values in parsed_rows})
        stored = self.stored_benefits({values["reference"] for _, values in parsed_rows})
        # What is stored is compared as plain values; only the actuals to change are read
        # whole, once it is known which they are.
        existing: dict[tuple, Any] = {}
        if stored:
            periods = [values["period"] for _, values in parsed_rows]
            existing = {
                (m["benefit_id"], m["period"], m["force_id"]): m
                for m in Measurement.objects.filter(
                    benefit_id__in=[b.pk for b in stored.values()],
                    period__gte=min(periods),
                    period__lte=max(periods),
                )
                .annotate(evidence_note=latest_evidence_note())
                .values(
                    "pk",
                    "benefit_id",
                    "period",
                    "force_id",
                    "value",
                    "assessment",
                    "evidence_note",
                    "verified_at",
                    "verified_by__first_name",
                    "verified_by__last_name",
                    "verified_by__username",
                )
            }
        since_export, deleted = self.actuals_since_export(parsed_rows, stored, existing)
        creates: list[Measurement] = []
        changed: list[tuple[int, int, Benefit, dict[str, Any]]] = []
        notes: list[tuple[Measurement, str]] = []
        for row, values in parsed_rows:
            info = self.benefit_of(sheet, row, values["reference"])
            if info is None:
                continue
            period, force = values["period"], values["force"]
            force_id = force.pk if force else None
            if not seen.add(info.index * 100_000 + (force_id or 0), period):
                self.error(
                    sheet,
                    row,
                    "Month",
                    f"{values['reference']} {period:%Y-%m} "
                    f"({force.ons_code if force else 'whole collaboration'}) is on an earlier "
                    "row as well",
                )
                continue
            benefit = stored.get(values["reference"])
            measurement = existing.get((benefit.pk, period, force_id)) if benefit else None
            verifier = ""
            if measurement is not None and measurement["verified_at"] is not None:
                verifier = user_label(
                    measurement["verified_by__first_name"] or "",
                    measurement["verified_by__last_name"] or "",
                    measurement["verified_by__username"] or "",
                )
            if values["verified_by"] and values["verified_by"] != verifier:
                self.error(sheet, row, "Verified by", VERIFICATION_READ_ONLY)
                continue
            if measurement is not None and not _actual_changes(measurement, values):
                counts.unchanged += 1
                continue
            if self.since is not None and benefit is not None:
                if measurement is not None:
                    undone = self.undoing(
                        since_export.get(measurement["pk"]), _actual_changes(measurement, values)
                    )
                else:
                    change = deleted.get((benefit.pk, period, force_id))
                    undone = [("value", self.since.reason(change))] if change else []
                for name, why in undone:
                    self.error(sheet, row, ACTUAL_HEADERS[name], why)
                if undone:
                    continue
            problems = measurement_problems(
                qualitative=info.qualitative,
                period=period,
                value=values["value"],
                assessment=values["assessment"],
                force=force,
                member_force_ids=self.members.get(info.collaboration.pk, ()),
                has_evidence=bool(values["evidence_note"].strip()),
                this_month=self.this_month,
                evidence_note=values["evidence_note"],
            )
            if not self.allowed(
                "benefits.add_measurement",
                (info.collaboration.pk, info.owner_id, info.measurer_id, force_id),
                lambda info=info, force_id=force_id: Measurement(
                    benefit=self.light_benefit(info.collaboration, info.owner_id, info.measurer_id),
                    force_id=force_id,
                ),
            ):
                problems = {"reference": record_refusal(values["reference"], force), **problems}
            if problems:
                for field, reason in problems.items():
                    self.error(sheet, row, ACTUAL_HEADERS[field], str(reason))
                continue
            if measurement is None:
                counts.created += 1
                if self.write:
                    new = Measurement(
                        benefit=benefit,
                        period=period,
                        force=force,
                        value=values["value"],
                        assessment=values["assessment"],
                        entered_by=self.user,
                        changed_by=self.user,
                    )
                    creates.append(new)
                    notes.append((new, values["evidence_note"]))
            else:
                counts.updated += 1
                if self.write:
                    assert benefit is not None  # the measurement was found through it
                    changed.append((row, measurement["pk"], benefit, values))
        if self.write:
            updates = []
            for actual, values in self.stored_to_change(
                sheet, Measurement.objects.select_related("force"), changed
            ):
                actual.value = values["value"]
                actual.assessment = values["assessment"]
                actual.changed_by = self.user
                clear_checks(actual)
                updates.append(actual)
                notes.append((actual, values["evidence_note"]))
            self.save(Measurement, creates, updates, ACTUAL_FIELDS)
            evidence = [
                Evidence(measurement=measurement, note=note, uploaded_by=self.user)
                for measurement, note in notes
            ]
            if evidence:
                bulk_create_with_history(
                    evidence,
                    Evidence,
                    batch_size=CHUNK,
                    default_user=self.user,
                    default_change_reason=self.change_reason,
                )

    def actuals_since_export(
        self, parsed_rows: list[tuple[int, dict]], stored: dict[str, Benefit], existing: dict
    ) -> tuple[dict[int, dict[str, Change]], dict[tuple, Change]]:
        """What was changed since the export of the actuals the rows would change (their
        value, assessment, or evidence), and which actuals the rows would add were deleted
        since: asked once for the chunk."""

        def record_of(benefit: Benefit, values: dict) -> Any:
            force = values["force"]
            return existing.get((benefit.pk, values["period"], force.pk if force else None))

        changing, changed, deleted = self._since_export(
            Measurement,
            ("value", "assessment"),
            ("benefit_id", "period", "force_id"),
            parsed_rows,
            stored,
            record_of,
            lambda measurement, values: (
                measurement["pk"] if _actual_changes(measurement, values) else None
            ),
        )
        if changing and self.since is not None:
            evidence = self.since.latest(
                Evidence.history, ("measurement_id",), measurement_id__in=changing
            )
            for (pk,), change in evidence.items():  # a note added is the note changed
                changed.setdefault(pk, {})["evidence_note"] = replace(change, action="changed")
        return changed, deleted

    def read_force(self, value):
        if _blank(value):
            return None
        code = str(value).strip()
        force = self.forces.get(code.casefold())
        if force is None:
            raise CellError(
                f"unknown force code '{code}'; use a force's ONS code (e.g. E23000028) "
                "or leave it blank for the whole collaboration"
            )
        return force


def _actual_changes(stored: dict, values: dict) -> list[str]:
    """The fields of a stored actual (as the check reads it) that a row would change."""
    held = {
        "value": stored["value"],
        "assessment": stored["assessment"],
        "evidence_note": stored["evidence_note"] or "",
    }
    return [name for name, value in held.items() if value != values[name]]


# The entry point ------------------------------------------------------------------------------


def import_register(
    source, *, user, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Check the workbook `source` (a path or binary file) and, when every row is valid and
    `dry_run` is off, write it in one transaction as `user`.

    `progress(phase, rows_done, rows_total)` is called as rows are read, with phase "check"
    and then "write"; rows_total counts the data rows of the four sheets (None if unknown).
    """
    workbook, problem = open_workbook(source)
    if problem is not None:
        return ImportResult(errors=[problem], error_count=1, dry_run=dry_run)
    try:
        return import_workbook(workbook, user=user, dry_run=dry_run, progress=progress)
    finally:
        workbook.close()


def import_workbook(
    workbook,
    *,
    user,
    dry_run: bool = False,
    progress: Progress | None = None,
    rows: int | None = None,
) -> ImportResult:
    """`import_register` for a workbook already open: anything with openpyxl's read-only
    interface (`sheetnames`, `worksheets`, `wb[name].iter_rows(...)`), such as the sheets
    a mapped register is translated into (which say how many `rows` they hold)."""
    try:
        exported = exported_at(workbook)
    except StampError as exc:
        problem = RowError(WORKBOOK, None, "", str(exc))
        return ImportResult(errors=[problem], error_count=1, dry_run=dry_run)
    since = SinceExport(exported, user) if exported is not None else None
    total = count_data_rows(workbook) if rows is None else rows
    importer = _Importer(workbook, user, progress, total, since)
    importer.spooling = not dry_run
    try:
        return _check_then_write(importer, dry_run)
    finally:
        importer.close()


def _check_then_write(importer: _Importer, dry_run: bool) -> ImportResult:
    result = _check_then_write_rows(importer, dry_run)
    result.notes = importer.notes
    return result


def _check_then_write_rows(importer: _Importer, dry_run: bool) -> ImportResult:
    importer.check_structure()
    counts = importer.run(write=False)
    if importer.error_count or dry_run:
        return ImportResult(
            errors=importer.errors,
            error_count=importer.error_count,
            counts=counts,
            dry_run=dry_run,
        )
    importer.phase = "write"
    if not any(c.created or c.updated for c in counts.values()):
        # Every row is as stored: the second pass would read it all to write nothing.
        importer.report("write")
        return ImportResult(counts=counts, written=True)
    importer.done = 0
    importer.report("write")
    try:
        with transaction.atomic():
            counts = importer.run(write=True)
            if importer.error_count:
                raise _Rollback
    except _Rollback:
        return ImportResult(errors=importer.errors, error_count=importer.error_count)
    return ImportResult(counts=counts, written=True)
