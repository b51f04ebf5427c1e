"""The OpenAPI document matches the routes both ways."""
import re

IGNORED = {"HEAD", "OPTIONS"}


def api_routes(app):
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint.startswith("health."):  # /healthz, /readyz too
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            found |= {(path, m.lower()) for m in rule.methods - IGNORED}
    return found


def documented(doc):
    return {(path, method) for path, ops in doc["paths"].items() for method in ops}


def test_every_documented_route_exists_and_every_api_route_is_documented(app, client):
    doc = client.get("/api/openapi.json").get_json()
    assert documented(doc) == api_routes(app)


def test_operation_ids_match_the_view_functions(app, client):
    doc = client.get("/api/openapi.json").get_json()
    endpoints = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule), m.lower()): r.endpoint
                 for r in app.url_map.iter_rules() for m in r.methods - IGNORED}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            blueprint = "health" if path in ("/healthz", "/readyz") else "api"
            assert endpoints[(path, method)] == f"{blueprint}.{op['operationId']}", (path, method)


def test_document_shape(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1") and doc["info"]["title"] == "mockloop"
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    schemas = doc["components"]["schemas"]
    for path, ops in doc["paths"].items():
        params = set(re.findall(r"{(\w+)}", path))
        for method, op in ops.items():
            assert {p["name"] for p in op["parameters"] if p["in"] == "path"} == params, (path, method)
            for ref in re.findall(r"#/components/schemas/(\w+)", str(op)):
                assert ref in schemas
            assert op["summary"] and op["responses"]


def test_statuses_every_operation_can_answer_are_documented(client):
    """An id in the path can be not found; a write can fail the CSRF check; every operation but the public ones
    can answer 401 (schemathesis holds the answers to this in test_security_schemathesis.py)."""
    doc = client.get("/api/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            public = op.get("security") == []
            assert public or "401" in codes, (path, method)
            assert "{" not in path or "404" in codes, (path, method)
            assert method == "get" or public or "400" in codes, (path, method)
    for path in ("/api/teams/{team_id}/report", "/api/teams/{team_id}/report.csv", "/api/teams/{team_id}/grades.csv"):
        assert "400" in doc["paths"][path]["get"]["responses"]  # a set_id that is not the team's set


def test_a_database_outage_answers_the_documented_503(app, client, monkeypatch):
    """Every signed-in operation documents 503 with Retry-After, and an outage (the server's connection cut
    mid-request) answers exactly that shape (tests/web/test_fault_drills.py stops a real PostgreSQL)."""
    import jsonschema
    import sqlalchemy.exc

    from simulator.engine import LoopService

    doc = client.get("/api/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if op.get("security") != []:
                assert "Retry-After" in op["responses"]["503"]["headers"], (path, method)

    def cut(*_a, **_k):
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"),
                                              connection_invalidated=True)

    monkeypatch.setattr(LoopService, "list_loops", cut)
    response = client.get("/api/loops")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    schema = {"$ref": "#/components/schemas/Error", "components": doc["components"]}
    jsonschema.validate(response.get_json(), schema)
    assert response.get_json()["error"] == "unavailable"
