"""The demo's repository: real-sounding lessons and documents, some private, some public."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from realise.knowledge.models import Document, Lesson
from realise.knowledge.search import SearchFilters, search


@pytest.fixture
def demo(demo_data, db):
    return {u.username: u for u in get_user_model().objects.all()}


def test_the_demo_holds_lessons_and_documents_of_every_visibility(demo):
    assert set(Lesson.objects.values_list("visibility", flat=True)) == {
        "private",
        "policing",
        "public",
    }
    assert set(Document.objects.values_list("visibility", flat=True)) == {
        "private",
        "policing",
        "public",
    }
    closure = Lesson.objects.filter(initiative__slug="7f-procurement", stage=5)
    assert closure.exists()
    assert all(v.extracted_text for d in Document.objects.all() for v in d.versions.all())


def test_the_public_sees_the_published_procurement_summary(demo, client):
    page = client.get("/public/collaborations/7f-collaborative-procurement/").content.decode()
    # 1a: 1,118,600 + 1,664,300 + 1,958,900 + 1,150,000 (found later)
    # 1c: 291,400 + 338,900 + 402,100
    assert "£6,924,200" in page
    assert "7,145" in page  # hours: 2,310 + 2,455 + 2,380
    hits = search("price baseline", user=AnonymousUser(), filters=SearchFilters(kinds=["lesson"]))
    assert hits.count() >= 1
    assert all(hit.url.startswith("/repository/lessons/") for hit in hits[0:10])
    public_ids = set(
        Lesson.objects.filter(visibility="public", collaboration__visibility="public").values_list(
            "pk", flat=True
        )
    )
    assert {
        hit.id
        for hit in search(
            "procurement", user=AnonymousUser(), filters=SearchFilters(kinds=["lesson"])
        )[0:50]
    } <= public_ids


def test_norfolk_never_sees_the_kent_and_essex_private_lessons(demo):
    private = Lesson.objects.get(title__startswith="Align overtime and allowances")
    viewer = demo["viewer"]  # Norfolk
    assert private.pk not in {
        h.id for h in search("overtime allowances detectives", user=viewer)[0:20]
    }
    assert private.pk in {
        h.id for h in search("overtime allowances detectives", user=demo["kent-lead"])[0:20]
    }
