"""The served OpenAPI 3.1 document: every route in it (test_contract.py runs schemathesis)."""

from __future__ import annotations


def test_document_is_openapi_31_and_lists_every_route(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    served = {rule.rule.replace("<int:", "{").replace(">", "}")
              for rule in client.application.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert served == set(doc["paths"])
