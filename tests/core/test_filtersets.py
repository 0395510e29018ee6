"""The audit trail's filter set: dates as whole local days, kinds of record from the
records given, and a bad value matching nothing."""

import datetime
from collections import Counter

from django.http import QueryDict
from django.utils import timezone

from realise.core.filtersets import AuditFilter
from realise.core.models import AuditRecord


def trail(query: str) -> AuditFilter:
    return AuditFilter(QueryDict(query) or None, AuditRecord.objects.all())


def test_dates_take_whole_days_and_a_bad_one_matches_nothing(world):
    # The records' own local days (the forces' may be from the day before, past midnight).
    days = Counter(
        timezone.localdate(at) for at in AuditRecord.objects.values_list("recorded_at", flat=True)
    )
    first, last = min(days), max(days)
    assert trail(f"date_from={last}&date_to={last}").qs.count() == days[last]
    assert trail(f"date_from={first}&date_to={last}").qs.count() == sum(days.values())
    assert not trail(f"date_to={first - datetime.timedelta(days=1)}").qs.exists()
    assert not trail(f"date_from={last + datetime.timedelta(days=1)}").qs.exists()
    bad = trail("date_from=2026-13-01")
    assert not bad.qs.exists() and "date_from" in bad.form.errors


def test_the_kinds_offered_are_those_of_the_records_given(world):
    kinds = set(AuditRecord.objects.values_list("model", flat=True))
    offered = [value for value, _ in trail("").form.fields["model"].choices]
    assert offered[0] == "" and set(offered[1:]) == kinds
    kind = sorted(kinds)[0]
    assert set(trail(f"model={kind}").qs.values_list("model", flat=True)) == {kind}
    assert not trail("model=nonsense").qs.exists()
    assert trail("page=2").qs.count() == AuditRecord.objects.count()
