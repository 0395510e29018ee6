"""Closure is one transaction: a failure part way writes nothing, and leaves no file."""

import pytest

from realise.benefits.models import Benefit
from realise.collaborations.models import InitiativeStatus
from realise.documents import services
from realise.documents.models import BenefitHandover, ClosureRecord
from realise.governance.models import PostImplementationReview
from realise.knowledge import services as knowledge
from realise.knowledge.models import Document, DocumentVersion, Lesson
from tests.documents.test_closure_refused import TODAY, complete_plan


def nothing_written(w, media_root) -> None:
    w.initiative.refresh_from_db()
    assert w.initiative.status == InitiativeStatus.ACTIVE
    assert w.initiative.end_date is None
    assert not Lesson.objects.exists()
    assert not ClosureRecord.objects.exists()
    assert not BenefitHandover.objects.exists()
    assert not PostImplementationReview.objects.exists()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    owners = dict(Benefit.objects.values_list("reference", "owner_id"))
    assert owners == {
        "V-BACKLOG": w.erin_person.pk,
        "V-MONEY": w.erin_person.pk,
        "V-HOURS": w.erin_person.pk,
    }
    assert Benefit.objects.get(reference="V-BACKLOG").status == "agreed"
    stored = (
        [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []
    )
    assert stored == []


def test_a_failure_producing_the_report_writes_nothing(vetting, media_root, monkeypatch):
    def broken(document, fmt):
        raise RuntimeError("the PDF engine failed")

    monkeypatch.setattr(services, "render", broken)
    with pytest.raises(RuntimeError):
        services.close_initiative(
            vetting.initiative, complete_plan(vetting), user=vetting.alice, today=TODAY
        )
    nothing_written(vetting, media_root)


def test_a_failure_after_the_report_is_stored_removes_it(vetting, media_root, monkeypatch):
    original = knowledge.create_document

    def stored_then_failed(**kwargs):
        original(**kwargs)
        assert any(path.is_file() for path in media_root.rglob("*"))
        raise RuntimeError("the database went away")

    monkeypatch.setattr(knowledge, "create_document", stored_then_failed)
    with pytest.raises(RuntimeError):
        services.close_initiative(
            vetting.initiative, complete_plan(vetting), user=vetting.alice, today=TODAY
        )
    nothing_written(vetting, media_root)
