"""On PostgreSQL a statement a connection runs again and again is prepared: planned once,
not on every request (`DATABASE_PREPARE_THRESHOLD`, realise/settings.py)."""

import pytest
from django.conf import settings
from django.db import connection

from realise.organisations.models import Force

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.skipif(
        not settings.DATABASE_PREPARE_THRESHOLD, reason="DATABASE_PREPARE_THRESHOLD=0"
    ),
]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if "organisations_force" in row[0]]


def name_of(code: str) -> list[str]:
    return list(Force.objects.filter(ons_code=code).values_list("name", flat=True))


def test_a_query_run_again_is_prepared_once_with_its_values_as_parameters():
    threshold = settings.DATABASE_PREPARE_THRESHOLD
    codes = ["E23000018", "E23000021", "E23000019"]
    for run in range(threshold):
        name_of(codes[run % len(codes)])
    assert prepared_statements() == []
    # The same statement once more, with another value: prepared, the values apart.
    assert name_of("E23000020") == ["Lincolnshire"]
    statements = prepared_statements()
    assert len(statements) == 1
    assert "$1" in statements[0] and "E230000" not in statements[0]
    # Each later run answers for its own value, through the one prepared statement.
    assert name_of("E23000018") == ["Derbyshire"]
    assert name_of("E23000019") == ["Nottinghamshire"]
    assert prepared_statements() == statements
