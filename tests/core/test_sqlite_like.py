"""Searches fold every letter's case on SQLite as on PostgreSQL: "ŵ" finds "Ŵ" and "é"
finds "É", and LIKE's wildcards and escapes mean what they mean in SQL."""

import pytest

from realise.collaborations.models import Collaboration
from realise.core.sqlite import like
from tests.factories import CollaborationFactory


@pytest.mark.django_db
def test_case_insensitive_lookups_fold_welsh_and_accented_letters(forces):
    CollaborationFactory(name="Ŵyl Gydweithio Dyfed–Powys", slug="wyl", visibility="public")
    CollaborationFactory(name="ÉQUIPE Régionale", slug="equipe", visibility="public")
    CollaborationFactory(name="100% shared_services", slug="shared", visibility="public")

    def found(**lookup):
        return set(Collaboration.objects.filter(**lookup).values_list("slug", flat=True))

    assert found(name__icontains="ŵyl") == {"wyl"}
    assert found(name__icontains="équipe rég") == {"equipe"}
    assert found(name__istartswith="ŵYL") == {"wyl"}
    assert found(name__iexact="équipe régionale") == {"equipe"}
    # The wildcards typed by a person are matched as themselves.
    assert found(name__icontains="100%") == {"shared"}
    assert found(name__icontains="d_s") == {"shared"}
    assert found(name__icontains="e_s") == set()


def test_like_follows_sqls_wildcards_and_escape():
    assert like("a%c", "ABBBC") is True
    assert like("a_c", "abc") is True
    assert like("a_c", "abbc") is False
    assert like("a\\%c", "a%c", "\\") is True
    assert like("a\\%c", "abc", "\\") is False
    assert like("%ŵ%", "GŴYL") is True
    assert like("a%", None) is None
