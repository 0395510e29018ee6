"""The data-quality page: the check of `data_quality.check()` over what the reader may see,
and the two ways to settle a suspected duplicate (link it as a contribution, or dismiss
it with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from realise.benefits.contributions import dismiss_duplicate, set_contribution
from realise.benefits.models import Benefit
from realise.benefits.realisation import collaboration_and_descendants
from realise.collaborations.models import Collaboration
from realise.reports import data_quality

ISSUES_PER_PAGE = 50


def _scope(request, slug: str | None):
    """The benefits the reader may see, narrowed to a collaboration they may see (404
    otherwise), and that collaboration."""
    benefits = Benefit.objects.visible_to(request.user)
    if not slug:
        return benefits, None
    collaboration = get_object_or_404(Collaboration.objects.visible_to(request.user), slug=slug)
    ids = collaboration_and_descendants(collaboration)
    return benefits.filter(initiative__collaboration_id__in=ids), collaboration


class DataQualityView(LoginRequiredMixin, TemplateView):
    template_name = "reports/data_quality.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = self.request.GET.get("collaboration") or None
        benefits, collaboration = _scope(self.request, slug)
        report = data_quality.check(
            benefits, readable=Benefit.objects.visible_to(self.request.user)
        )
        page = Paginator(report.issues, ISSUES_PER_PAGE).get_page(self.request.GET.get("page"))
        user = self.request.user
        named = Benefit.objects.in_bulk([issue.benefit_id for issue in page])
        may_link = {
            issue.benefit_id
            for issue in page
            if issue.other_id
            and user.has_perm("benefits.change_contribution", named[issue.benefit_id])
        }
        # Each issue with the page where it is put right, when that page would not refuse
        # the reader.
        rows = [
            (
                issue,
                issue.fix_url
                if user.has_perm(issue.fix_permission, named[issue.benefit_id])
                else None,
            )
            for issue in page
        ]
        query = {"collaboration": slug} if slug else {}
        context.update(
            report=report,
            page=page,
            rows=rows,
            collaboration=collaboration,
            counts=[(rule, data_quality.RULES[rule], n) for rule, n in report.counts.items()],
            may_link=may_link,
            page_query=urlencode(query),
            here=reverse("data-quality") + (f"?{urlencode(query)}" if query else ""),
        )
        return context


class DuplicateDecisionView(LoginRequiredMixin, View):
    """POST: `benefit` and `other` (ids), and either `link` ("benefit" or "other": which
    one is part of the other) or `dismiss` with a `reason`."""

    def post(self, request):
        visible = Benefit.objects.visible_to(request.user)
        try:
            one = visible.get(pk=int(request.POST.get("benefit", "")))
            other = visible.get(pk=int(request.POST.get("other", "")))
        except (ValueError, Benefit.DoesNotExist):
            raise Http404("No such benefit.") from None
        back = request.POST.get("next") or reverse("data-quality")
        if not back.startswith("/data-quality/"):
            back = reverse("data-quality")
        try:
            if "dismiss" in request.POST:
                dismiss_duplicate(one, other, user=request.user, reason=request.POST.get("reason"))
                messages.success(
                    request,
                    _("%(one)s and %(other)s are recorded as different benefits.")
                    % {"one": one.reference, "other": other.reference},
                )
            elif request.POST.get("link") in ("benefit", "other"):
                child, parent = (one, other) if request.POST["link"] == "benefit" else (other, one)
                set_contribution(child, parent, user=request.user, note="Linked from data quality")
                messages.success(
                    request,
                    _("%(child)s is now counted within %(parent)s: each pound counts once.")
                    % {"child": child.reference, "parent": parent.reference},
                )
            else:
                messages.error(request, _("Choose to link the two benefits or to dismiss."))
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(back)
