"""Four-eyes verification of actuals: the list awaiting the user, verify (one or many at
once, all or none) and return with a reason. The rules are in `benefits.services`."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, OuterRef, Subquery, When
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, ListView

from realise.benefits.api import visible_measurements
from realise.benefits.filtersets import VerificationFilter
from realise.benefits.models import Measurement, PlannedValue
from realise.benefits.realisation.forces import is_split, month_plan_parts
from realise.benefits.services import describe, return_measurement, verify_measurements
from realise.core.forms import GovukForm
from realise.core.models import StaleVersion
from realise.core.paging import LastPageMixin
from realise.core.types import signed_in_user
from realise.organisations.models import Force

PAGE_SIZE = 25
CHANGED = gettext_lazy(
    "The actual changed since you opened this page: check it again before returning it."
)


def awaiting_verification(user):
    """Actuals the user may verify that nobody has verified or returned yet."""
    return Measurement.objects.verifiable_by(user).filter(
        verified_at__isnull=True, returned_at__isnull=True
    )


def with_context(queryset):
    """Each actual with the whole collaboration's plan for its month (`whole_planned`) and
    the actual of the month before it (for the same benefit and force, or the whole
    collaboration), worked out in the database."""
    planned = PlannedValue.objects.filter(
        benefit=OuterRef("benefit"), period=OuterRef("period")
    ).values("value")
    earlier = Measurement.objects.filter(
        benefit=OuterRef("benefit"), period__lt=OuterRef("period")
    ).order_by("-period")
    for_force = earlier.filter(force=OuterRef("force"))
    for_whole = earlier.filter(force__isnull=True)

    def previous(name):
        return Case(
            When(force__isnull=True, then=Subquery(for_whole.values(name)[:1])),
            default=Subquery(for_force.values(name)[:1]),
        )

    return queryset.annotate(
        whole_planned=Subquery(planned[:1]),
        previous_value=previous("value"),
        previous_period=previous("period"),
    )


# What the plan beside an actual is (`plan_kind`).
WHOLE_PLAN = "whole"  # the whole collaboration's actual: the whole plan
FORCE_PART = "part"  # a force's actual: its part of the plan
WHOLE_LEVEL = "level"  # a force's actual of a level, never split: the whole plan
UNSPLIT = "unsplit"  # a force's actual of a benefit with no split between forces


def with_plan_parts(rows: list[Measurement]) -> list[Measurement]:
    """Each actual of `rows` (from `with_context`) with `planned`, the plan to set beside
    it: for a force's actual that force's part of the month's plan, split as the month form
    and every figure split it (`month_plan_parts`, penny-exact), for the whole
    collaboration's actual the whole plan; and `plan_kind`, which of those it is. The parts
    are worked out together for each month of the rows, not row by row."""
    by_month: dict[datetime.date, list[tuple[Measurement, Force]]] = defaultdict(list)
    for m in rows:
        whole = getattr(m, "whole_planned", None)
        m.planned, m.plan_kind = whole, WHOLE_PLAN  # type: ignore[attr-defined]
        if m.force is not None and whole is not None:
            by_month[m.period].append((m, m.force))
    for month, measured in by_month.items():
        parts = month_plan_parts([(m.benefit, force) for m, force in measured], month)
        for m, force in measured:
            part = parts.get((m.benefit_id, force.pk))
            if part is not None:
                m.planned, m.plan_kind = part, FORCE_PART  # type: ignore[attr-defined]
            else:
                m.plan_kind = UNSPLIT if is_split(m.benefit) else WHOLE_LEVEL  # type: ignore[attr-defined]
    return rows


# The largest id or version a row can have (a signed 64-bit integer).
LARGEST_NUMBER = 2**63 - 1


def _number(text: str) -> int | None:
    """A whole number an id or a version can be, written in ASCII digits; None otherwise."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= LARGEST_NUMBER else None


def _chosen(values: list[str]) -> list[tuple[int, int | None]] | None:
    """'<id>:<version>' pairs from the form; None if any is malformed."""
    out = []
    for value in values:
        text, _, version_text = value.partition(":")
        pk = _number(text)
        version = _number(version_text) if version_text else None
        if pk is None or (version_text and version is None):
            return None
        out.append((pk, version))
    return out


class VerificationListView(LoginRequiredMixin, LastPageMixin, ListView):
    """Actuals awaiting the user's verification; verify one or several at once."""

    template_name = "benefits/verification_list.html"
    context_object_name = "measurements"
    paginate_by = PAGE_SIZE

    @cached_property
    def filterset(self):
        return VerificationFilter(
            self.request.GET,
            queryset=awaiting_verification(self.request.user),
            request=self.request,
        )

    def get_queryset(self):
        queryset = self.filterset.qs if self.filterset.is_valid() else Measurement.objects.none()
        return with_context(
            queryset.select_related(
                "benefit__initiative__collaboration", "force", "entered_by", "changed_by"
            ).prefetch_related("evidence")
        ).order_by("period", "benefit__reference", "force__name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = with_plan_parts(list(context["object_list"]))
        context.update(object_list=rows, measurements=rows)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            query=query.urlencode(),
            errors=getattr(self, "errors", []),
            filtered=any(self.request.GET.get(name) for name in self.filterset.filters),
        )
        return context

    def post(self, request, *args, **kwargs):
        one = request.POST.get("one")
        chosen = _chosen([one] if one else request.POST.getlist("chosen"))
        if chosen is None:
            self.errors = [_("Choose actuals from the list to verify.")]
        elif not chosen:
            self.errors = [_("Choose at least one actual to verify.")]
        else:
            self.errors = self.verify(chosen)
        if not self.errors:
            count = len(chosen)
            messages.success(
                request,
                ngettext("Verified %(count)s actual.", "Verified %(count)s actuals.", count)
                % {"count": count},
            )
            return redirect(request.get_full_path())
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())

    def verify(self, chosen: list[tuple[int, int | None]]) -> list[str]:
        found = {
            m.pk: m
            for m in visible_measurements(self.request.user)
            .filter(pk__in=[pk for pk, _ in chosen])
            .select_related("benefit", "force")
        }
        if len(found) != len({pk for pk, _ in chosen}):
            return [_("An actual you chose is no longer there; the list below is up to date.")]
        try:
            verify_measurements(
                [(found[pk], version) for pk, version in chosen],
                user=signed_in_user(self.request),
            )
        except ValidationError as error:
            return error.messages
        return []


class ReturnForm(GovukForm, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are you returning it?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Whoever entered or last changed the actual is told this, to correct it."
        ),
        error_messages={"required": gettext_lazy("Give the reason for returning the actual.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnView(LoginRequiredMixin, FormView):
    """Return one actual for correction, with a reason."""

    form_class = ReturnForm
    template_name = "benefits/measurement_return.html"

    @cached_property
    def measurement(self):
        return get_object_or_404(
            visible_measurements(self.request.user).select_related(
                "benefit__initiative__collaboration", "force", "entered_by", "changed_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_initial(self):
        return {"version": self.measurement.version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            measurement=self.measurement,
            label=describe(self.measurement),
            evidence=self.measurement.evidence.all(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            return_measurement(
                self.measurement,
                user=self.request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleVersion:
            form.add_error(None, CHANGED)
            return self.form_invalid(form)
        except (PermissionDenied, ValidationError) as error:
            text = error.messages if isinstance(error, ValidationError) else [str(error)]
            for message in text:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Returned the actual for %(actual)s for correction.")
            % {"actual": describe(self.measurement)},
        )
        return redirect("measurement-verification")
