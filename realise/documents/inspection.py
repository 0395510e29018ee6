"""The inspection pack of a collaboration: one ZIP for the inspectorate, the administrators
and the programme team, holding only what its requester may see.

    README.txt          what each file is, and how to check the audit head
    summary.pdf         purpose, governance, benefits against plan, the economic case ex
                        ante and ex post, data quality, actuals verified, the audit head
    benefits.csv, planned-values.csv, actuals.csv, force-shares.csv   the register
    evidence-index.csv  every piece of evidence (evidence/ holds the files when asked)
    decisions.csv, lessons.csv
    audit.csv           the audit records of the collaboration (and those nested in it)
    audit-head.json     the chain's head when the pack was built

The head is read before the extract, so every record in audit.csv is at or before it; the
extract keeps each record's hash, and `realise audit verify --head N:HASH` checks, on the
live system, that the trail still holds that head.

A pack built with no requester (`realise inspection-pack` without `--as`) holds everything
of the collaboration, as an administrator sees it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import posixpath
import zipfile
from collections.abc import Callable
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from django_tasks import task

from realise.appraisal.models import Option
from realise.appraisal.services import ex_post
from realise.benefits.models import Benefit, BenefitShare, Evidence, Measurement, PlannedValue
from realise.benefits.realisation import HOURS, MONEY, RealisationFilter
from realise.collaborations.models import Collaboration, ForceShare, Initiative
from realise.core import audit
from realise.core.cells import FORMULA_STARTS, CsvWriter
from realise.core.inspection import is_private, record_view
from realise.core.management.commands.audit import write_csv
from realise.core.models import AuditRecord
from realise.core.permissions import access_for, visible_audit_records
from realise.core.personal_data import SHOWN_IN_FULL, Withholding, withholding_for
from realise.documents import blocks, building, formats
from realise.documents.board_pack import headline_table, subcategory_table
from realise.documents.models import InspectionPack, Marking
from realise.documents.render import render_pdf
from realise.governance.models import Decision, GovernanceBody
from realise.knowledge.models import Lesson
from realise.reports import dashboards
from realise.reports import data_quality as quality
from realise.reports.register.xlsx import collaboration_tree

logger = logging.getLogger(__name__)
Progress = Callable[[int, str], None]
SECTION_TITLES = (
    "Purpose",
    "Governance bodies and their decisions",
    "Benefits against plan",
    "The economic case: ex ante against ex post",
    "Data-quality findings",
    "Actuals verified",
    "Audit trail",
)
ISSUES_SHOWN = 100

# The steps a pack's build reports. Each is kept in English (`InspectionPack.step`, and what
# `realise inspection-pack` prints) and marked for translation, so that the pack's page shows
# it in the reader's language (`{% translate pack.step %}`).
NOTING_HEAD = gettext_noop("Noting the audit trail's head")
WRITING_REGISTER = gettext_noop("Writing the register")
LISTING_EVIDENCE = gettext_noop("Listing the evidence")
WRITING_DECISIONS = gettext_noop("Writing the decisions and lessons")
EXTRACTING_AUDIT = gettext_noop("Extracting the audit trail")
WRITING_SUMMARY = gettext_noop("Writing the summary")
SAVING_PACK = gettext_noop("Saving the pack")
FINISHED = gettext_noop("Finished")


# Who may ask for a pack ---------------------------------------------------------------------


def may_request(user, collaboration: Collaboration) -> bool:
    """Inspectors, administrators and the collaboration's programme team, for a
    collaboration they can see."""
    access = access_for(user)
    if not access.authenticated:
        return False
    if not Collaboration.objects.visible_to(user).filter(pk=collaboration.pk).exists():
        return False
    return (
        access.administrator
        or access.inspector
        or collaboration.pk in access.programme_collaborations
    )


def requestable(user):
    """The collaborations `user` may ask a pack of (for looking one up by slug)."""
    access = access_for(user)
    scope = Collaboration.objects.visible_to(user)
    if access.administrator or access.inspector:
        return scope
    return scope.filter(pk__in=access.programme_collaborations)


# What the requester may see -----------------------------------------------------------------


class View:
    """The collaboration (with those nested in it) as `user` sees it (None: everything)."""

    def __init__(self, collaboration: Collaboration, user=None):
        self.collaboration = collaboration
        self.user = user
        self.tree = collaboration_tree(collaboration)
        collaborations = Collaboration.objects.filter(pk__in=self.tree)
        if user is not None:
            collaborations = collaborations.filter(
                pk__in=Collaboration.objects.visible_to(user).values("pk")
            )
        self.collaboration_ids = sorted(collaborations.values_list("pk", flat=True))

    def _all_or(self, visible, model):
        return model.objects.all() if self.user is None else visible(self.user)

    def benefits(self):
        scope = self._all_or(Benefit.objects.visible_to, Benefit)
        return (
            scope.filter(initiative__collaboration_id__in=self.collaboration_ids)
            .select_related("initiative", "owner", "measurement_owner")
            .order_by("initiative__name", "reference")
        )

    def initiatives(self):
        return Initiative.objects.filter(collaboration_id__in=self.collaboration_ids).order_by(
            "name"
        )

    def bodies(self):
        scope = self._all_or(GovernanceBody.objects.visible_to, GovernanceBody)
        return scope.filter(collaboration_id__in=self.collaboration_ids).order_by("name")

    def decisions(self):

        scope = self._all_or(Decision.objects.visible_to, Decision)
        return (
            scope.filter(body__collaboration_id__in=self.collaboration_ids)
            .select_related("body", "initiative")
            .order_by("decided_on", "pk")
        )

    def lessons(self):
        scope = self._all_or(Lesson.objects.visible_to, Lesson)
        return (
            scope.filter(collaboration_id__in=self.collaboration_ids)
            .select_related("initiative", "collaboration")
            .order_by("date", "pk")
        )

    @property
    def withholding(self) -> Withholding:
        """The personal values of the audit trail the requester is not shown."""
        return SHOWN_IN_FULL if self.user is None else withholding_for(self.user)

    def audit_records(self, up_to: int):
        scope = self._all_or(visible_audit_records, AuditRecord)
        return scope.filter(
            collaboration_id__in=self.collaboration_ids, sequence__lte=up_to
        ).order_by("sequence")


# CSV files ------------------------------------------------------------------------------------


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _name(user) -> str:
    return user.username if user is not None else ""


def benefits_csv(benefits) -> bytes:
    header = [
        "Reference",
        "Collaboration",
        "Initiative",
        "Title",
        "Sub-category",
        "Unit",
        "Nature",
        "Cashable",
        "Dis-benefit",
        "In business case",
        "Baseline",
        "Target",
        "Target date",
        "Owner",
        "Measurement owner",
        "Status",
    ]
    rows = [
        [
            b.reference,
            b.initiative.collaboration.slug,
            b.initiative.slug,
            b.title,
            b.get_subcategory_display(),
            b.unit,
            b.nature,
            _text(b.cashable),
            _text(b.is_disbenefit),
            _text(b.identified_in_business_case),
            _text(b.baseline_value),
            _text(b.target_value),
            _text(b.target_date),
            b.owner.name if b.owner else "",
            b.measurement_owner.name if b.measurement_owner else "",
            b.status,
        ]
        for b in benefits.select_related("initiative__collaboration")
    ]
    return _csv(header, rows)


def planned_csv(benefits) -> bytes:
    planned = (
        PlannedValue.objects.filter(benefit__in=benefits.values("pk"))
        .select_related("benefit")
        .order_by("benefit__reference", "period")
    )
    rows = [[p.benefit.reference, f"{p.period:%Y-%m}", _text(p.value)] for p in planned]
    return _csv(["Benefit reference", "Month", "Value"], rows)


def actuals(benefits):
    return (
        Measurement.objects.filter(benefit__in=benefits.values("pk"))
        .select_related("benefit", "force", "entered_by", "verified_by")
        .order_by("benefit__reference", "period", "force__name")
    )


def actuals_csv(benefits) -> bytes:
    header = [
        "Benefit reference",
        "Month",
        "Force code",
        "Force",
        "Value",
        "Assessment",
        "Entered by",
        "Verified",
        "Verified by",
        "Verified at",
        "Returned",
    ]
    rows = [
        [
            m.benefit.reference,
            f"{m.period:%Y-%m}",
            m.force.ons_code if m.force else "",
            m.force.name if m.force else "Whole collaboration",
            _text(m.value),
            m.assessment,
            _name(m.entered_by),
            _text(m.verified_at is not None),
            _name(m.verified_by),
            _text(m.verified_at),
            _text(m.returned_at is not None),
        ]
        for m in actuals(benefits)
    ]
    return _csv(header, rows)


def shares_csv(view: View, benefits) -> bytes:
    rows = [
        [s.collaboration.slug, "", s.force.ons_code, s.force.name, _text(s.percent), ""]
        for s in ForceShare.objects.filter(collaboration_id__in=view.collaboration_ids)
        .select_related("collaboration", "force")
        .order_by("collaboration__slug", "force__name")
    ]
    rows += [
        [
            s.benefit.initiative.collaboration.slug,
            s.benefit.reference,
            s.force.ons_code,
            s.force.name,
            _text(s.percent),
            s.basis,
        ]
        for s in BenefitShare.objects.filter(benefit__in=benefits.values("pk"))
        .select_related("benefit__initiative__collaboration", "force")
        .order_by("benefit__reference", "force__name")
    ]
    header = ["Collaboration", "Benefit reference", "Force code", "Force", "Percent", "Basis"]
    return _csv(header, rows)


def evidence_items(benefits):
    return (
        Evidence.objects.filter(measurement__benefit__in=benefits.values("pk"))
        .select_related("measurement__benefit", "measurement__force", "uploaded_by")
        .order_by("measurement__benefit__reference", "measurement__period", "pk")
    )


def evidence_path(item: Evidence) -> str:
    return f"evidence/{item.pk}-{posixpath.basename(item.file.name or '')}"


def evidence_csv(items, with_files: bool) -> bytes:
    header = [
        "Evidence",
        "Benefit reference",
        "Month",
        "Force",
        "Note",
        "File",
        "In this pack",
        "Uploaded by",
        "Added at",
    ]
    rows = []
    for item in items:
        m = item.measurement
        rows.append(
            [
                item.pk,
                m.benefit.reference,
                f"{m.period:%Y-%m}",
                m.force.name if m.force else "Whole collaboration",
                item.note,
                item.file_name,  # as uploaded, as it downloads from Realise
                evidence_path(item) if (with_files and item.file) else "",
                _name(item.uploaded_by),
                _text(item.created_at),
            ]
        )
    return _csv(header, rows)


def decisions_csv(decisions) -> bytes:
    header = ["Decided on", "Body", "Initiative", "Decision", "Rationale", "Status", "Visibility"]
    rows = [
        [
            _text(d.decided_on),
            d.body.name,
            d.initiative.name if d.initiative else "",
            d.text,
            d.rationale,
            d.get_status_display(),
            d.visibility,
        ]
        for d in decisions
    ]
    return _csv(header, rows)


def lessons_csv(lessons) -> bytes:
    header = [
        "Date",
        "Collaboration",
        "Initiative",
        "Title",
        "Theme",
        "What happened",
        "What to repeat",
        "What to avoid",
        "Recommendation",
        "Visibility",
    ]
    rows = [
        [
            _text(lesson.date),
            lesson.collaboration.slug,
            lesson.initiative.name if lesson.initiative else "",
            lesson.title,
            lesson.get_theme_display(),
            lesson.what_happened,
            lesson.what_to_repeat,
            lesson.what_to_avoid,
            lesson.recommendation,
            lesson.visibility,
        ]
        for lesson in lessons
    ]
    return _csv(header, rows)


def audit_csv(records, withholding: Withholding) -> bytes:
    out = io.StringIO()
    write_csv(audit.export_rows(records, withholding=withholding), out)
    return out.getvalue().encode("utf-8")


def _unescaped(text: str) -> str:
    """A cell as written before `safe_cell` put an apostrophe before it."""
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def row_hash(row: dict) -> str:
    """A record's hash worked out again from its row of audit.csv: what anyone holding the
    pack can do without Realise (the same canonical JSON and SHA-256 as the trail)."""
    row = {key: _unescaped(value) for key, value in row.items()}

    def number(text: str):
        return int(text) if text else None

    def document(text: str):
        return json.loads(text) if text else None

    content = {
        "sequence": int(row["sequence"]),
        "recorded_at": row["recorded_at"],
        "user_id": number(row["user_id"]),
        "username": row["username"],
        "action": row["action"],
        "model": row["model"],
        "object_id": row["object_id"],
        "object_repr": row["object_repr"],
        "collaboration_id": number(row["collaboration_id"]),
        "via": row["via"],
        "before": document(row["before"]),
        "after": document(row["after"]),
        "previous_hash": row["previous_hash"],
    }
    return hashlib.sha256(audit.canonical(content).encode("utf-8")).hexdigest()


# The summary ----------------------------------------------------------------------------------


def _purpose_blocks(collaboration: Collaboration, view: View) -> list[dict]:
    forces = ", ".join(
        share.force.name
        for share in collaboration.shares.select_related("force").order_by("force__name")
    )
    out = blocks.narrative(collaboration.purpose, "No purpose is recorded.")
    objectives = [line.strip() for line in collaboration.objectives.splitlines() if line.strip()]
    if objectives:
        out += [blocks.subheading("Objectives"), blocks.bullets(objectives)]
    out.append(
        blocks.facts(
            [
                ("Member forces", forces or "None recorded"),
                ("Visibility", collaboration.get_visibility_display()),
                ("Initiatives", str(view.initiatives().count())),
            ]
        )
    )
    return out


def _governance_blocks(view: View) -> list[dict]:
    bodies = [
        [body.name, body.get_body_type_display(), body.get_cadence_display()]
        for body in view.bodies()
    ]
    decisions = [
        [formats.day_label(d.decided_on), d.body.name, d.text, d.get_status_display()]
        for d in view.decisions()
    ]
    return [
        blocks.table(
            "Governance bodies",
            [blocks.column("Body"), blocks.column("Type"), blocks.column("Meets")],
            bodies,
            empty="No governance bodies are recorded.",
        ),
        blocks.table(
            "Decisions, oldest first",
            [
                blocks.column("Decided on"),
                blocks.column("Body"),
                blocks.column("Decision"),
                blocks.column("Status"),
            ],
            decisions,
            empty="No decisions are recorded.",
        ),
    ]


def _force_table(figures) -> dict:
    rows = dashboards.force_rows(figures.forces())
    out = []
    for row in rows:
        for measure in (MONEY, HOURS):
            if not (row[f"{measure}_planned_total"] or row[f"{measure}_actual_to_date"]):
                continue
            out.append(
                [
                    row["force"],
                    str(dashboards.MEASURE_NAMES[measure]),
                    formats.measure_value(measure, row[f"{measure}_planned_total"]),
                    formats.measure_value(measure, row[f"{measure}_planned_to_date"]),
                    formats.measure_value(measure, row[f"{measure}_actual_to_date"]),
                    formats.percent(row[f"{measure}_percent"]),
                ]
            )
    return blocks.table(
        "By force: each force's share",
        [
            blocks.column("Force"),
            blocks.column("Measure"),
            blocks.column("Planned in total", numeric=True),
            blocks.column("Planned to date", numeric=True),
            blocks.column("Realised to date", numeric=True),
            blocks.column("% of plan to date", numeric=True),
        ],
        out,
        empty="No force's share has a plan or an actual.",
    )


def _benefit_blocks(view: View, user, today: datetime.date) -> list[dict]:
    if not view.benefits().exists():
        return [blocks.paragraph("No benefits are recorded.")]
    scope = dashboards.scope_for(user) if user is not None else dashboards.Scope(None, "all")
    cut = dashboards.Cut(RealisationFilter(collaboration=view.collaboration), scope, today)
    figures = dashboards.Figures(cut)
    summaries = figures.summaries()
    measures = (MONEY, HOURS)
    return [
        blocks.paragraph(
            "Money and hours planned and realised to the end of the last complete month, "
            "never added together."
        ),
        headline_table(summaries, measures),
        blocks.subheading("By category"),
        subcategory_table(summaries, measures, figures),
        blocks.subheading("By force"),
        _force_table(figures),
    ]


def _money_or_dash(value: Decimal | None) -> str:
    return formats.pounds(value) if value is not None else formats.DASH


def _ratio(value: Decimal | None) -> str:
    return formats.number(value, 2) if value is not None else formats.DASH


def _economic_blocks(view: View, user, today: datetime.date) -> list[dict]:
    out = []
    for initiative in view.initiatives():
        options = Option.objects.filter(initiative=initiative)
        # Only cases already written: appraising one never creates its baseline here.
        if not options.filter(is_business_as_usual=True).exists():
            continue
        if not options.filter(is_business_as_usual=False).exists():
            continue
        comparison = ex_post(initiative, as_of=today)
        rows = []
        for row in comparison.rows:
            before, after = row.business_case.result, row.ex_post.result
            rows.append(
                [
                    row.option.name,
                    _money_or_dash(before.npsv if before else None),
                    _money_or_dash(after.npsv if after else None),
                    _ratio(before.bcr if before else None),
                    _ratio(after.bcr if after else None),
                ]
            )
        out.append(
            blocks.table(
                f"{initiative.name}: net present social value and benefit-cost ratio, "
                f"in the business case (ex ante) and with actuals to {formats.day_label(today)} "
                "(ex post)",
                [
                    blocks.column("Option"),
                    blocks.column("NPSV ex ante", numeric=True),
                    blocks.column("NPSV ex post", numeric=True),
                    blocks.column("BCR ex ante", numeric=True),
                    blocks.column("BCR ex post", numeric=True),
                ],
                rows,
            )
        )
    return out or [blocks.paragraph("No initiative has an economic case recorded.")]


def _quality_blocks(view: View, user, today: datetime.date) -> list[dict]:
    benefits = view.benefits()
    readable = None if user is None else Benefit.objects.visible_to(user)
    report = quality.check(
        Benefit.objects.filter(pk__in=benefits.values("pk")), today=today, readable=readable
    )
    seen = None if readable is None else set(readable.values_list("pk", flat=True))
    issues = [
        issue
        for issue in report.issues
        if issue.other_id is None or seen is None or issue.other_id in seen
    ]
    if not issues:
        return [blocks.paragraph("No data-quality findings.")]
    counts = {rule: 0 for rule in quality.RULES}
    for issue in issues:
        counts[issue.rule] += 1
    out = [
        blocks.table(
            "Findings by rule",
            [blocks.column("Rule"), blocks.column("Findings", numeric=True)],
            [
                [str(label), str(counts[rule])]
                for rule, label in quality.RULES.items()
                if counts[rule]
            ],
        ),
        blocks.table(
            "Findings"
            + (
                f" (the first {ISSUES_SHOWN} of {len(issues)})"
                if len(issues) > ISSUES_SHOWN
                else ""
            ),
            [blocks.column("Benefit"), blocks.column("Rule"), blocks.column("Problem")],
            [[i.reference, str(i.rule_label), str(i.problem)] for i in issues[:ISSUES_SHOWN]],
        ),
    ]
    return out


def verified_share(benefits) -> tuple[int, int]:
    """(verified, recorded) actuals of these benefits."""
    recorded = Measurement.objects.filter(benefit__in=benefits.values("pk"))
    return recorded.filter(verified_at__isnull=False).count(), recorded.count()


def _verified_blocks(view: View) -> list[dict]:
    verified, total = verified_share(view.benefits())
    if not total:
        return [blocks.paragraph("No actuals are recorded.")]
    share = Decimal(verified) * 100 / Decimal(total)
    return [
        blocks.paragraph(
            f"{verified} of {total} actuals recorded are verified ({formats.percent(share)})."
        )
    ]


def _audit_blocks(anchor: audit.Head, extracted: int) -> list[dict]:
    return [
        blocks.facts(
            [
                ("Head record", str(anchor.number)),
                ("Head hash", anchor.hash),
                ("Records in audit.csv", str(extracted)),
            ]
        ),
        blocks.paragraph(
            "The head is the newest record of the whole trail when this pack was built. "
            "Check later that the trail still holds it with: "
            f"realise audit verify --head {anchor}"
        ),
    ]


def build_summary(view: View, user, anchor: audit.Head, extracted: int, today) -> dict:
    collaboration = view.collaboration
    requester = user.get_full_name() or user.username if user is not None else "Administrator"
    return {
        "kind": "inspection",
        "title": "Inspection pack",
        "subtitle": collaboration.name,
        "marking": Marking.OFFICIAL_SENSITIVE,
        "filename": f"inspection-pack-{collaboration.slug}",
        "produced_on": today,
        "facts": [
            ("Collaboration", collaboration.name),
            ("Built for", requester),
            ("As at", formats.day_label(today)),
        ],
        "contents": True,
        "sections": blocks.sections(
            (SECTION_TITLES[0], _purpose_blocks(collaboration, view)),
            (SECTION_TITLES[1], _governance_blocks(view)),
            (SECTION_TITLES[2], _benefit_blocks(view, user, today)),
            (SECTION_TITLES[3], _economic_blocks(view, user, today)),
            (SECTION_TITLES[4], _quality_blocks(view, user, today)),
            (SECTION_TITLES[5], _verified_blocks(view)),
            (SECTION_TITLES[6], _audit_blocks(anchor, extracted)),
        ),
    }


# The ZIP --------------------------------------------------------------------------------------


class _Archive(zipfile.ZipFile):
    """A ZIP whose files unpack readable by their owner's group and others (0644)."""

    def writestr(self, name, data, *args, **kwargs):
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
            name.compress_type = zipfile.ZIP_DEFLATED
            name.external_attr = 0o644 << 16
        return super().writestr(name, data, *args, **kwargs)


README = """Inspection pack: {name}
Built {built} for {requester}. It holds only what they may see.

summary.pdf         Purpose, governance bodies and their decisions, benefits against plan
                    by category and force, the economic case ex ante against ex post, the
                    data-quality findings, the share of actuals verified, the audit head.
benefits.csv        The benefits of the register.
planned-values.csv  Their planned values by month.
actuals.csv         The actuals by month and force, with who verified them and when.
force-shares.csv    The forces' shares of the collaboration and of single benefits.
evidence-index.csv  Every piece of evidence behind the actuals.{evidence_note}
decisions.csv       The decisions log of the governance bodies.
lessons.csv         The lessons log.
audit.csv           The audit records of this collaboration (and those nested in it), up to
                    the head below, each with its hash and the hash before it.
audit-head.json     The head of the whole audit trail when the pack was built.

Checking the audit trail
The head is record {number} with hash
{hash}
Anyone with access to Realise can check at any later time that the trail still holds that
record with that hash and that every record up to it is intact:

    realise audit verify --head {number}:{hash}

It exits 0 and prints "Audit trail intact" when the trail holds; otherwise it names the
first record that does not. Each row of audit.csv can also be checked on its own: its hash
is the SHA-256 of the JSON of its fields sequence, recorded_at, user_id, username, action,
model, object_id, object_repr, collaboration_id, via, before, after and previous_hash (keys
sorted, no spaces, UTF-8). A row whose column "withheld" names fields shows "(withheld)"
for their values (personal data: an email address, the reason for a role) that the
requester may not read; its hash covers the values as stored, so that row is checked by
realise audit verify on the live trail rather than on its own.
"""


def build_zip(
    collaboration: Collaboration,
    user=None,
    *,
    with_evidence: bool = False,
    progress: Progress | None = None,
    today: datetime.date | None = None,
) -> bytes:
    """The pack as ZIP bytes, as `user` sees the collaboration (None: everything). The pack
    is in English whatever the language it was asked in: its CSV files are the evidence an
    inspector checks row by row (with their hashes), and its summary is written in English."""
    with translation.override("en-gb"):
        return _build_zip(
            collaboration, user, with_evidence=with_evidence, progress=progress, today=today
        )


def _build_zip(
    collaboration: Collaboration,
    user=None,
    *,
    with_evidence: bool = False,
    progress: Progress | None = None,
    today: datetime.date | None = None,
) -> bytes:
    report = progress or (lambda percent, step: None)
    today = today or timezone.localdate()
    report(5, NOTING_HEAD)
    anchor = audit.head()  # before anything is read, so the extract ends at or before it
    view = View(collaboration, user)
    benefits = view.benefits()
    buffer = io.BytesIO()
    with _Archive(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        report(10, WRITING_REGISTER)
        archive.writestr("benefits.csv", benefits_csv(benefits))
        archive.writestr("planned-values.csv", planned_csv(benefits))
        archive.writestr("actuals.csv", actuals_csv(benefits))
        archive.writestr("force-shares.csv", shares_csv(view, benefits))
        report(25, LISTING_EVIDENCE)
        items = list(evidence_items(benefits))
        archive.writestr("evidence-index.csv", evidence_csv(items, with_evidence))
        if with_evidence:
            for item in items:
                if not item.file:
                    continue
                try:
                    with item.file.open("rb") as stored:
                        archive.writestr(evidence_path(item), stored.read())
                except OSError:
                    logger.warning("Evidence %s: its file %s is missing", item.pk, item.file)
        report(40, WRITING_DECISIONS)
        archive.writestr("decisions.csv", decisions_csv(view.decisions()))
        archive.writestr("lessons.csv", lessons_csv(view.lessons()))
        report(50, EXTRACTING_AUDIT)
        records = view.audit_records(anchor.number)
        archive.writestr("audit.csv", audit_csv(records, view.withholding))
        extracted = records.count()
        head_json = {
            **anchor.as_dict(),
            "built_at": audit._when(timezone.now()),
            "collaboration": collaboration.slug,
            "records_in_extract": extracted,
            "verify": f"realise audit verify --head {anchor}",
        }
        archive.writestr("audit-head.json", json.dumps(head_json, indent=2) + "\n")
        report(65, WRITING_SUMMARY)
        summary = build_summary(view, user, anchor, extracted, today)
        archive.writestr("summary.pdf", render_pdf(summary))
        requester = user.username if user is not None else "an administrator (command line)"
        archive.writestr(
            "README.txt",
            README.format(
                name=collaboration.name,
                built=head_json["built_at"],
                requester=requester,
                evidence_note=" Their files are under evidence/."
                if with_evidence
                else " (The files themselves were not asked for.)",
                number=anchor.number,
                hash=anchor.hash,
            ),
        )
    report(95, SAVING_PACK)
    return buffer.getvalue()


# The job --------------------------------------------------------------------------------------


def start_pack(collaboration, *, user, with_evidence: bool = False) -> InspectionPack:
    """Queue a pack for the worker; it is built after the request's transaction commits."""
    pack = InspectionPack.objects.create(
        requester=user, collaboration=collaboration, with_evidence=with_evidence
    )
    transaction.on_commit(lambda: build_inspection_pack_task.enqueue(pack.pk))
    return pack


@task()
def build_inspection_pack_task(pack_id: int) -> str:
    """Build a queued inspection pack; returns its final status."""
    return run_pack(pack_id).status


def run_pack(pack_id: int, progress: Progress | None = None) -> InspectionPack:
    """Build a queued pack as its requester sees the collaboration; record the outcome."""
    pack = InspectionPack.objects.select_related("collaboration", "requester").get(pk=pack_id)
    own = InspectionPack.objects.filter(pk=pack.pk)

    def report(percent: int, step: str) -> None:
        own.update(progress=percent, step=step[:200])
        if progress is not None:
            progress(percent, step)

    def work() -> None:
        user = pack.requester
        if user is not None and (not user.is_active or not may_request(user, pack.collaboration)):
            raise PermissionError("the requester may no longer ask for this pack")
        content = build_zip(
            pack.collaboration, user, with_evidence=pack.with_evidence, progress=report
        )
        pack.file.save(pack.filename, ContentFile(content), save=False)
        if user is not None and access_for(user).inspector and is_private(pack.collaboration):
            # What an inspector takes of a private collaboration is recorded, as each page
            # they open is (realise.core.inspection).
            record_view(user, pack.collaboration, f"inspection pack {pack.pk}", via="command")
        report(100, FINISHED)
        pack.progress, pack.step = 100, FINISHED

    return building.run(pack, work, lambda exc: f"The pack could not be built ({exc}).")


def packs_of(user, collaboration):
    """The user's own packs of the collaboration, newest first."""
    return InspectionPack.objects.filter(
        Q(requester=user), collaboration=collaboration
    ).select_related("collaboration")
