"""The served OpenAPI 3.1 document against the app's behaviour, with schemathesis in-process."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from petstore import create_app
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


@pytest.fixture
def api_schema(tmp_path):
    """Stand-in: SQLite in tmp_path, the app called in-process over WSGI."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'petstore.db'}", "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    # A few rows so that generated ids sometimes find something (200) and sometimes not (404).
    for i in range(3):
        pet = client.post("/api/v1/pets", json={"name": f"seed{i}", "species": "cat"}).get_json()
    client.post("/api/v1/store/orders", json={"pet_id": pet["id"]})
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    app.extensions["petstore"].engine.dispose()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi_document(case):
    """Stand-in: SQLite in tmp_path, in-process WSGI (the api_schema fixture)."""
    case.call_and_validate(checks=CHECKS)


def test_document_is_openapi_31_and_lists_every_route(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    served = {rule.rule.replace("<int:", "{").replace(">", "}")
              for rule in client.application.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert served == set(doc["paths"])
