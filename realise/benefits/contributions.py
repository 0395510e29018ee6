"""Counting each pound once: benefits that contribute to a benefit higher up, and the
shares of one measured outcome that several initiatives claim (attribution).

The rules (docs/realisation.md, "Counting each pound once"):

* A benefit may contribute to one parent benefit (a force's saving inside its
  collaboration's saving). The parent's figures already hold the child's pounds, so a
  roll-up never adds a benefit when any of its ancestors is also in the cut: whichever
  cut is asked for (force, collaboration, region, sub-category...), only the top-most
  linked benefit in it is counted. A link that would make a cycle, or children whose
  planned totals add up to more than their parent's, is refused, naming both benefits.
* A benefit with attributions is claimed only by the initiatives named, each for its
  stated share (the shares add up to at most 100%). A cut takes in the benefit when it
  holds at least one claiming initiative, and counts each month's value times the shares
  of the claiming initiatives in the cut, rounded to the penny.

The realisation engine applies both rules (`realisation/cut.py`): every test of "in the
cut" and every share is worked out inside the engine's grouped queries, so counting adds
no round trips to the database.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from realise.benefits.baselines import counted_by_changes
from realise.benefits.models import (
    Attribution,
    Benefit,
    Contribution,
    ContributionPath,
    NotDuplicate,
    PlannedValue,
)
from realise.collaborations.models import Initiative
from realise.core.history import set_history_user

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def _pounds(value: Decimal) -> str:
    return f"{value:,.2f}"


def planned_total(benefit: Benefit) -> Decimal:
    """The benefit's whole planned profile, summed in the database."""
    total = benefit.planned_values.aggregate(total=Sum("value"))["total"]
    return Decimal(str(total)).quantize(Decimal("0.01")) if total is not None else ZERO


def ancestors_of(benefit: Benefit) -> list[Benefit]:
    """The benefits `benefit` contributes to, nearest first."""
    chain: list[Benefit] = []
    node, seen = benefit, {benefit.pk}
    while True:
        link = Contribution.objects.select_related("parent").filter(child=node).first()
        if link is None or link.parent_id in seen:
            return chain
        chain.append(link.parent)
        seen.add(link.parent_id)
        node = link.parent


# Links between benefits ------------------------------------------------------------------------


def _refuse_cycle(child: Benefit, parent: Benefit) -> None:
    if child.pk == parent.pk:
        raise ValidationError(_("'%(child)s' cannot contribute to itself.") % {"child": child})
    if ContributionPath.objects.filter(descendant=parent, ancestor=child).exists():
        raise ValidationError(
            _(
                "'%(child)s' cannot contribute to '%(parent)s': '%(parent)s' already "
                "contributes to '%(child)s', so the link would make a cycle."
            )
            % {"child": child, "parent": parent}
        )


def mismatch(child: Benefit, parent: Benefit) -> tuple[str, str] | None:
    """(field, refusal naming both benefits) when `child` may not contribute to `parent`
    because the two are not counted in the same cut, else None.

    A parent holds its children's figures, so a link is only between benefits that every
    cut counts together: the same unit, sub-category, cashable flag and
    'identified in business case' flag, and both benefits or both dis-benefits. Otherwise
    a cut holding the child but not the parent (1c, say, when the parent is 1a) would count
    the child's figures, and the parent's cut would count them again.
    """
    names = {"child": child, "parent": parent}
    if child.unit != parent.unit:
        return "unit", _(
            "'%(child)s' is measured in %(unit)s and '%(parent)s' in %(parent_unit)s; "
            "a benefit can only contribute to one measured the same way."
        ) % {
            **names,
            "unit": str(child.get_unit_display()).lower(),
            "parent_unit": str(parent.get_unit_display()).lower(),
        }
    if child.is_disbenefit != parent.is_disbenefit:
        return "is_disbenefit", _(
            "'%(child)s' and '%(parent)s' must both be benefits or both be dis-benefits."
        ) % names
    if child.subcategory != parent.subcategory:
        return "subcategory", _(
            "'%(child)s' is in sub-category %(subcategory)s and '%(parent)s' in "
            "%(parent_subcategory)s; a benefit can only contribute to one of the same "
            "sub-category, or its figures would be counted in both."
        ) % {
            **names,
            "subcategory": child.subcategory or "-",
            "parent_subcategory": parent.subcategory or "-",
        }
    if child.cashable != parent.cashable:
        if child.cashable:
            message = _(
                "'%(child)s' is cashable and '%(parent)s' is not; a benefit can only "
                "contribute to one that is cashable alike, or its figures would be counted "
                "in both."
            )
        else:
            message = _(
                "'%(child)s' is not cashable and '%(parent)s' is; a benefit can only "
                "contribute to one that is cashable alike, or its figures would be counted "
                "in both."
            )
        return "cashable", message % names
    if child.identified_in_business_case != parent.identified_in_business_case:
        if child.identified_in_business_case:
            message = _(
                "'%(child)s' was identified in the business case and '%(parent)s' was not; "
                "a benefit can only contribute to one identified alike, or its figures "
                "would be counted in both."
            )
        else:
            message = _(
                "'%(child)s' was not identified in the business case and '%(parent)s' was; "
                "a benefit can only contribute to one identified alike, or its figures "
                "would be counted in both."
            )
        return "identified_in_business_case", message % names
    return None


def _refuse_mismatch(child: Benefit, parent: Benefit) -> None:
    found = mismatch(child, parent)
    if found is not None:
        raise ValidationError(found[1])


def link_errors(stored: Benefit, proposed: Benefit) -> dict[str, list[str]]:
    """{field: [refusal]} when `proposed` would leave a link of `stored` (to the benefit it
    contributes to, or from those contributing to it) between benefits counted in different
    cuts: the rule of `mismatch`, applied when a linked benefit changes."""
    if not counted_by_changes(stored, proposed):
        return {}
    errors: dict[str, list[str]] = {}
    links = Contribution.objects.filter(Q(child=stored) | Q(parent=stored)).select_related(
        "child", "parent"
    )
    for link in links:
        child, parent = (
            (proposed, link.parent)
            if link.child_id == stored.pk
            else (
                link.child,
                proposed,
            )
        )
        found = mismatch(child, parent)
        if found is not None:
            field, message = found
            errors.setdefault(field, []).append(message)
    return errors


def _refuse_excess(child: Benefit, parent: Benefit) -> None:
    child_total = planned_total(child)
    parent_total = planned_total(parent)
    if child_total > parent_total:
        raise ValidationError(
            _(
                "'%(child)s' plans %(child_total)s in total, more than the "
                "%(parent_total)s planned for '%(parent)s' that it would contribute to."
            )
            % {
                "child": child,
                "child_total": _pounds(child_total),
                "parent_total": _pounds(parent_total),
                "parent": parent,
            }
        )
    siblings = PlannedValue.objects.filter(benefit__contribution__parent=parent).exclude(
        benefit=child
    )
    together = child_total + (siblings.aggregate(total=Sum("value"))["total"] or ZERO)
    together = Decimal(str(together)).quantize(Decimal("0.01"))
    if together > parent_total:
        raise ValidationError(
            _(
                "With '%(child)s' (%(child_total)s), the benefits contributing to "
                "'%(parent)s' would plan %(together)s, more than the %(parent_total)s "
                "planned for '%(parent)s'."
            )
            % {
                "child": child,
                "child_total": _pounds(child_total),
                "parent": parent,
                "together": _pounds(together),
                "parent_total": _pounds(parent_total),
            }
        )


def check_contribution(child: Benefit, parent: Benefit) -> None:
    """Raise ValidationError naming both benefits if `child` may not contribute to `parent`."""
    _refuse_cycle(child, parent)
    _refuse_mismatch(child, parent)
    _refuse_excess(child, parent)


def rebuild_paths() -> int:
    """Recompute every ancestor of every linked benefit from the links (one transaction)."""
    parent_of = dict(Contribution.objects.values_list("child_id", "parent_id"))
    rows = []
    for child in parent_of:
        node, seen = child, {child}
        while node in parent_of and parent_of[node] not in seen:
            node = parent_of[node]
            seen.add(node)
            rows.append(ContributionPath(descendant_id=child, ancestor_id=node))
    with transaction.atomic():
        ContributionPath.objects.all().delete()
        ContributionPath.objects.bulk_create(rows)
    return len(rows)


def parent_hidden_from(link: Contribution, user) -> bool:
    """Whether `user` may not see the parent of `link`."""
    return not user.has_perm("benefits.view_benefit", link.parent)


def hidden_parent_message(child: Benefit) -> str:
    return _(
        "'%(benefit)s' already contributes to a benefit you may not see: only someone who "
        "may see that benefit can change or remove the link."
    ) % {"benefit": child}


def _refuse_hidden_parent(child: Benefit, user) -> None:
    """Refuse, naming the field, to replace or remove a link of `child` to a parent `user`
    may not see: they could not know what they would undo."""
    link = Contribution.objects.filter(child=child).select_related("parent").first()
    if link is not None and parent_hidden_from(link, user):
        raise ValidationError({"parent": hidden_parent_message(child)})


@transaction.atomic
def set_contribution(child: Benefit, parent: Benefit, *, user, note: str = "") -> Contribution:
    """Record that `child` contributes to `parent` (replacing any earlier parent, unless
    `user` may not see that parent: then it is refused)."""
    if not (
        user.has_perm("benefits.change_contribution", child)
        and user.has_perm("benefits.view_benefit", parent)
    ):
        raise PermissionDenied(
            _("You may not link '%(child)s' to '%(parent)s'.") % {"child": child, "parent": parent}
        )
    # One link at a time, so that two people linking cannot make a cycle between them.
    list(Benefit.objects.select_for_update().filter(pk__in=[child.pk, parent.pk]))
    _refuse_hidden_parent(child, user)
    check_contribution(child, parent)
    link = Contribution.objects.filter(child=child).first() or Contribution(child=child)
    link.parent = parent
    link.note = note
    link.created_by = link.created_by or user
    set_history_user(link, user)
    link.save()
    rebuild_paths()
    return link


@transaction.atomic
def remove_contribution(child: Benefit, *, user) -> bool:
    """Record that `child` contributes to nothing; a link to a parent `user` may not see is
    refused."""
    if not user.has_perm("benefits.change_contribution", child):
        raise PermissionDenied(
            _("You may not change what '%(child)s' contributes to.") % {"child": child}
        )
    list(Benefit.objects.select_for_update().filter(pk=child.pk))
    _refuse_hidden_parent(child, user)
    link = Contribution.objects.filter(child=child).first()
    if link is None:
        return False
    set_history_user(link, user)
    link.delete()
    rebuild_paths()
    return True


# Suspected duplicates judged distinct -----------------------------------------------------------


@transaction.atomic
def dismiss_duplicate(one: Benefit, other: Benefit, *, user, reason: str) -> NotDuplicate:
    """Record that two benefits suspected of being one benefit counted twice are distinct,
    with the reason; the data-quality check no longer suspects the pair."""
    if not (
        user.has_perm("benefits.change_contribution", one)
        or user.has_perm("benefits.change_contribution", other)
    ) or not (
        user.has_perm("benefits.view_benefit", one)
        and user.has_perm("benefits.view_benefit", other)
    ):
        raise PermissionDenied(
            _("You may not judge whether '%(one)s' and '%(other)s' are duplicates.")
            % {"one": one, "other": other}
        )
    if one.pk == other.pk:
        raise ValidationError(
            {"other": _("'%(one)s' cannot be a duplicate of itself.") % {"one": one}}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": _("Say why '%(one)s' and '%(other)s' are different benefits.")
                % {"one": one, "other": other}
            }
        )
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason to 300 characters.")})
    first, second = sorted((one, other), key=lambda benefit: benefit.pk)
    record = NotDuplicate.objects.filter(first=first, second=second).first() or NotDuplicate(
        first=first, second=second
    )
    record.reason = reason
    record.dismissed_by = user
    set_history_user(record, user)
    record.save()
    return record


# Attribution ---------------------------------------------------------------------------------


@transaction.atomic
def replace_attributions(benefit: Benefit, shares: dict, *, user, basis: str = "") -> list:
    """Set the initiatives claiming `benefit` ({Initiative: percent}); {} clears them."""
    if not user.has_perm("benefits.change_attribution", benefit):
        raise PermissionDenied(
            _("You may not change who claims '%(benefit)s'.") % {"benefit": benefit}
        )
    percents = {initiative: Decimal(str(percent)) for initiative, percent in shares.items()}
    for initiative, percent in percents.items():
        if percent <= 0 or percent > HUNDRED:
            raise ValidationError(
                _(
                    "The share claimed by %(initiative)s must be more than 0 and at most "
                    "100 percent."
                )
                % {"initiative": initiative}
            )
    total = sum(percents.values(), ZERO)
    seen = set(
        Initiative.objects.visible_to(user)
        .filter(pk__in=[initiative.pk for initiative in percents])
        .values_list("pk", flat=True)
    )
    if total > HUNDRED and any(initiative.pk not in seen for initiative in percents):
        # Claims the user may not see are kept as they are: neither they nor their sum are
        # told, only that there are such claims.
        raise ValidationError(
            _(
                "Initiatives you may not see also claim part of '%(benefit)s': the shares "
                "you give leave more than 100%% claimed in all. Give smaller shares."
            )
            % {"benefit": benefit}
        )
    if total > HUNDRED:
        raise ValidationError(
            _(
                "The shares claimed add up to %(total)s%%; together the "
                "initiatives can claim at most 100%% of '%(benefit)s'."
            )
            % {"total": format(total.normalize(), "f"), "benefit": benefit}
        )
    for old in benefit.attributions.all():
        set_history_user(old, user)
        old.delete()
    created = []
    for initiative, percent in percents.items():
        row = Attribution(benefit=benefit, initiative=initiative, percent=percent, basis=basis)
        set_history_user(row, user)
        row.full_clean()
        row.save()
        created.append(row)
    return created
