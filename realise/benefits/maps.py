"""The benefits map: enablers make changes, changes deliver benefits, benefits serve
objectives. Built for one initiative or one collaboration (with those nested in it), drawn
server-side by Graphviz as SVG, with the same content as text and a table, and a check that
lists orphans: benefits that serve no objective and objectives that no benefit serves.
"""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 - runs Graphviz's `dot` with a fixed argument list
import textwrap
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from realise.benefits.models import Benefit, Change, Contribution, Objective
from realise.benefits.realisation import collaboration_and_descendants
from realise.collaborations.models import (
    Collaboration,
    Initiative,
    within_visible_collaborations,
)
from realise.core.history import set_history_user
from realise.core.language import lazy_format
from realise.core.types import StrOrPromise

DOT_TIMEOUT_SECONDS = 20


class MapUnavailable(Exception):
    """Graphviz could not draw the map."""


@dataclass
class BenefitsMap:
    """Everything on one map. Lists are ordered; `edges` are (from node, to node, kind)."""

    title: StrOrPromise
    enablers: list[Initiative]
    changes: list[Change]
    benefits: list[Benefit]
    objectives: list[Objective]
    contributions: list[Contribution] = field(default_factory=list)

    def enablers_of(self, change: Change) -> list[Initiative]:
        others = [e for e in change.enablers.all() if e.pk != change.initiative_id]
        return [change.initiative, *others]

    @property
    def orphan_benefits(self) -> list[Benefit]:
        return [b for b in self.benefits if not b.objectives.all()]

    @property
    def orphan_objectives(self) -> list[Objective]:
        return [o for o in self.objectives if not o.benefits.all()]

    @property
    def has_orphans(self) -> bool:
        return bool(self.orphan_benefits or self.orphan_objectives)

    def rows(self) -> list[dict]:
        """One row per benefit: its enablers, the changes delivering it, its objectives."""
        shown = {o.pk for o in self.objectives}
        out = []
        for benefit in self.benefits:
            changes = list(benefit.changes.all())
            enablers: dict[int, Initiative] = {}
            for change in changes:
                for enabler in self.enablers_of(change):
                    enablers.setdefault(enabler.pk, enabler)
            out.append(
                {
                    "benefit": benefit,
                    "changes": changes,
                    "enablers": list(enablers.values()),
                    "objectives": [o for o in benefit.objectives.all() if o.pk in shown]
                    or list(benefit.objectives.all()),
                }
            )
        return out

    def node_names(self) -> list[str]:
        """Every node's label, as the text version lists them."""
        return [
            *(str(e) for e in self.enablers),
            *(str(c) for c in self.changes),
            *(str(b) for b in self.benefits),
            *(str(o) for o in self.objectives),
        ]


class _Seen:
    """What of the map `user` may see: benefits, changes, enablers and objectives of the
    collaborations open to them (a map of an open collaboration may take in a private one
    nested in it, or an objective or enabler of one)."""

    def __init__(self, user) -> None:
        self.benefits = Benefit.objects.visible_to(user)
        self.initiatives = Initiative.objects.visible_to(user)
        self.changes = Change.objects.filter(initiative__in=self.initiatives)
        self.objectives = within_visible_collaborations(
            Objective.objects.all(), user, "collaboration"
        )


def _benefits(queryset: QuerySet, seen: _Seen) -> list[Benefit]:
    return list(
        queryset.filter(pk__in=seen.benefits.values("pk"))
        .select_related("initiative")
        .prefetch_related(
            Prefetch("objectives", queryset=seen.objectives.order_by("order", "pk")),
            Prefetch(
                "changes",
                queryset=seen.changes.select_related("initiative").prefetch_related(
                    Prefetch("enablers", queryset=seen.initiatives)
                ),
            ),
        )
        .order_by("initiative__name", "reference")
    )


def _assemble(title, benefits, changes, objectives, seen: _Seen) -> BenefitsMap:
    changes = list(
        changes.filter(pk__in=seen.changes.values("pk"))
        .select_related("initiative")
        .prefetch_related(
            Prefetch("enablers", queryset=seen.initiatives),
            Prefetch("benefits", queryset=seen.benefits),
        )
        .order_by("initiative__name", "pk")
    )
    objectives = list(
        objectives.filter(pk__in=seen.objectives.values("pk"))
        .prefetch_related(Prefetch("benefits", queryset=seen.benefits))
        .order_by("collaboration", "order")
    )
    enablers: dict[int, Initiative] = {}
    for change in changes:
        enablers.setdefault(change.initiative_id, change.initiative)
        for enabler in change.enablers.all():
            enablers.setdefault(enabler.pk, enabler)
    ids = [b.pk for b in benefits]
    contributions = list(
        Contribution.objects.filter(child_id__in=ids, parent_id__in=ids).select_related(
            "child", "parent"
        )
    )
    return BenefitsMap(
        title=title,
        enablers=sorted(enablers.values(), key=lambda i: i.name),
        changes=changes,
        benefits=benefits,
        objectives=objectives,
        contributions=contributions,
    )


def orphan_benefits(benefits: QuerySet) -> QuerySet:
    """The orphans of a map among `benefits`, as one query: benefits serving no objective
    although their collaboration's map has objectives (its own, or those of the
    collaboration it sits within). A collaboration with no objectives yet has no map to be
    orphaned from."""
    mapped = Objective.objects.filter(
        Q(collaboration_id=OuterRef("initiative__collaboration_id"))
        | Q(collaboration_id=OuterRef("initiative__collaboration__parent_id"))
    )
    serving = Objective.benefits.through.objects.filter(benefit_id=OuterRef("pk"))
    return benefits.filter(Exists(mapped)).exclude(Exists(serving))


def objectives_for(collaboration: Collaboration) -> QuerySet:
    """The objectives a benefit of `collaboration` may serve: its own and those above it."""
    ids = [collaboration.pk, *(c.pk for c in collaboration.ancestors())]
    return Objective.objects.filter(collaboration_id__in=ids)


def initiative_map(initiative: Initiative, user) -> BenefitsMap:
    """The initiative's changes and benefits, and the objectives of its collaboration
    (and the collaborations it sits within), as far as `user` may see them."""
    seen = _Seen(user)
    benefits = _benefits(Benefit.objects.filter(initiative=initiative), seen)
    changes = Change.objects.filter(initiative=initiative)
    return _assemble(
        lazy_format(_("Benefits map of %(name)s"), name=initiative.name),
        benefits,
        changes,
        objectives_for(initiative.collaboration),
        seen,
    )


def collaboration_map(collaboration: Collaboration, user) -> BenefitsMap:
    """Every initiative of the collaboration and of those nested in it, as far as `user`
    may see them."""
    seen = _Seen(user)
    ids = collaboration_and_descendants(collaboration)
    benefits = _benefits(Benefit.objects.filter(initiative__collaboration_id__in=ids), seen)
    changes = Change.objects.filter(initiative__collaboration_id__in=ids)
    return _assemble(
        lazy_format(_("Benefits map of %(name)s"), name=collaboration.name),
        benefits,
        changes,
        Objective.objects.filter(collaboration_id__in=ids),
        seen,
    )


def ensure_objectives(collaboration: Collaboration, *, user) -> list[Objective]:
    """Create objective rows from the collaboration's 'one per line' objectives, once."""
    if collaboration.objective_rows.exists():
        return list(collaboration.objective_rows.all())
    created = []
    with transaction.atomic():
        for order, text in enumerate(collaboration.objective_list(), start=1):
            objective = Objective(collaboration=collaboration, text=text[:300], order=order)
            set_history_user(objective, user)
            objective.save()
            created.append(objective)
    return created


# Drawing -----------------------------------------------------------------------------------

_STYLE = {
    "enabler": 'shape=box, style="filled", fillcolor="#1d70b8", fontcolor="#ffffff"',
    "change": 'shape=box, style="rounded,filled", fillcolor="#f3f2f1", fontcolor="#0b0c0c"',
    "benefit": 'shape=box, style="filled", fillcolor="#cce2d8", fontcolor="#0b0c0c"',
    "disbenefit": 'shape=box, style="filled", fillcolor="#f4cdc6", fontcolor="#0b0c0c"',
    "objective": 'shape=box, style="filled,bold", fillcolor="#fff7bf", fontcolor="#0b0c0c"',
}


def _quote(text: StrOrPromise, width: int = 28) -> str:
    """A DOT string: escaped, wrapped to `width` characters a line."""
    lines = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "\\n".join(escaped) + '"'


def to_dot(benefits_map: BenefitsMap) -> str:
    """The map in Graphviz's DOT language, left to right: enablers, changes, benefits,
    objectives; dashed arrows for benefits contributing to a benefit higher up."""
    out = [
        "digraph benefits_map {",
        f"  graph [rankdir=LR, fontname=Helvetica, label={_quote(benefits_map.title, 80)}, "
        'labelloc=t, nodesep=0.25, ranksep=0.6, bgcolor="#ffffff"];',
        '  node [fontname=Helvetica, fontsize=10, color="#0b0c0c"];',
        '  edge [color="#505a5f"];',
    ]
    for enabler in benefits_map.enablers:
        out.append(f"  e{enabler.pk} [label={_quote(enabler.name)}, {_STYLE['enabler']}];")
    for change in benefits_map.changes:
        out.append(f"  c{change.pk} [label={_quote(change.description)}, {_STYLE['change']}];")
    for benefit in benefits_map.benefits:
        kind = "disbenefit" if benefit.is_disbenefit else "benefit"
        label = f"{benefit.reference} {benefit.title}"
        if benefit.is_disbenefit:
            label += str(_(" (dis-benefit)"))
        out.append(f"  b{benefit.pk} [label={_quote(label)}, {_STYLE[kind]}];")
    for objective in benefits_map.objectives:
        out.append(f"  o{objective.pk} [label={_quote(objective.text)}, {_STYLE['objective']}];")
    columns = (
        [f"e{e.pk}" for e in benefits_map.enablers],
        [f"c{c.pk}" for c in benefits_map.changes],
        [f"b{b.pk}" for b in benefits_map.benefits],
        [f"o{o.pk}" for o in benefits_map.objectives],
    )
    for names in columns:
        if names:
            out.append("  { rank=same; " + "; ".join(names) + "; }")
    shown_benefits = {b.pk for b in benefits_map.benefits}
    shown_objectives = {o.pk for o in benefits_map.objectives}
    for change in benefits_map.changes:
        for enabler in benefits_map.enablers_of(change):
            out.append(f"  e{enabler.pk} -> c{change.pk};")
        for benefit in change.benefits.all():
            if benefit.pk in shown_benefits:
                out.append(f"  c{change.pk} -> b{benefit.pk};")
    for objective in benefits_map.objectives:
        for benefit in objective.benefits.all():
            if benefit.pk in shown_benefits and objective.pk in shown_objectives:
                out.append(f"  b{benefit.pk} -> o{objective.pk};")
    contributes = _quote(str(_("contributes to")))
    for link in benefits_map.contributions:
        out.append(
            f"  b{link.child_id} -> b{link.parent_id} [style=dashed, label={contributes}, "
            "fontsize=8];"
        )
    out.append("}")
    return "\n".join(out) + "\n"


def render_svg(dot: str) -> bytes:
    """Draw DOT as SVG with Graphviz's `dot` (Debian package `graphviz`)."""
    program = shutil.which("dot")
    if program is None:
        raise MapUnavailable("Graphviz is not installed, so the map cannot be drawn.")
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments; the DOT text goes to stdin
            [program, "-Tsvg"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MapUnavailable("Graphviz took too long to draw the map.") from None
    if done.returncode != 0:
        raise MapUnavailable("Graphviz could not draw the map.")
    return done.stdout
