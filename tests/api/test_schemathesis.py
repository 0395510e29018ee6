"""Property-based checks of the API against its own OpenAPI schema (schemathesis).

Every operation is called with generated requests, signed in as an administrator (so that
writes get past the permission check and reach validation): no answer may be a server
error, and every answer must match the schema (status code, content type, body). Bounded
so it stays part of `make test`: a few examples per operation and a deadline per example.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import member

MAX_EXAMPLES = 6
# The coverage phase adds boundary and invalid values for every parameter: thorough but slow.
COVERAGE = os.environ.get("REALISE_FUZZ_COVERAGE", "0") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=CONFIG
)
application = get_wsgi_application()


@pytest.fixture
def token(world):
    return Token.objects.create(user=member("ada", "Essex", "administrator")).key


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes database connections after each request; the test's
    transaction needs its connection kept open (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token):
    response = case.call(app=application, headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=CHECKS)
