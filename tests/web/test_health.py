"""/healthz (the process answers; no database) and /readyz (database at the migration head, bank loaded; 503 with
a reason otherwise), answered whatever the Host header says, and nothing else is."""
from __future__ import annotations

import os
import types

from sqlalchemy import text

from tests.web.conftest import make_app


def test_healthz_answers_with_the_process_id(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "pid": os.getpid()}
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_the_revision_and_the_bank(app, client):
    from web.health import _head
    from web import extensions

    body = client.get("/readyz").get_json()
    with app.app_context():
        engine = extensions.sessions().kw["bind"]
        assert body == {"status": "ready", "pid": os.getpid(), "revision": _head(engine),
                        "questions": len(extensions.bank().questions)}


def test_healthz_touches_no_database_and_readyz_says_it_is_unreachable(tmp_path, bank, clock):
    broken = make_app(tmp_path, bank, clock, DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3")
    c = broken.test_client()
    assert c.get("/healthz").status_code == 200  # single-user mode would create the local user: not here
    response = c.get("/readyz")
    assert response.status_code == 503 and response.headers["Retry-After"]
    body = response.get_json()
    assert body["status"] == "unavailable" and body["reason"] == "the database is not reachable"
    assert "no/such/folder" not in response.get_data(as_text=True)  # no database URL or path in the answer


def test_readyz_is_503_when_the_schema_is_not_at_the_head(app, client):
    from web import extensions

    assert client.get("/readyz").status_code == 200
    with app.app_context(), extensions.sessions()() as s:  # as if an older release had been deployed
        s.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        s.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "revision 0001" in response.get_json()["reason"] and "mockloop db upgrade" in response.get_json()["reason"]


def test_readyz_is_503_when_the_bank_does_not_load(tmp_path, clock, monkeypatch):
    import simulator.bank

    def broken():
        raise ValueError("question q1: bad rubric")

    monkeypatch.setattr(simulator.bank, "default_bank", broken)
    response = make_app(tmp_path, None, clock).test_client().get("/readyz")
    assert response.status_code == 503 and "question bank did not load" in response.get_json()["reason"]
    empty = make_app(tmp_path, types.SimpleNamespace(questions={}), clock).test_client().get("/readyz")
    assert empty.status_code == 503 and empty.get_json()["reason"] == "the question bank is empty"


def test_health_needs_no_sign_in_on_a_shared_server(multi_app):
    c = multi_app.test_client()
    assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200
    assert c.get("/loops/new").status_code == 302  # everything else still wants a sign-in


def test_probes_by_address_are_answered_and_nothing_else_is(client, api):
    loop, _ = api.drill()
    probe = {"Host": "10.1.2.3:8000"}  # a load balancer naming the machine by its address
    assert client.get("/healthz", headers=probe).get_json()["status"] == "ok"
    assert client.get("/readyz", headers=probe).get_json()["status"] == "ready"
    assert client.head("/healthz", headers=probe).status_code == 200
    assert client.post("/healthz", headers=probe).status_code == 400
    assert client.get("/healthz/", headers=probe).status_code == 400
    assert client.get(f"/loops/{loop['id']}", headers=probe).status_code == 400
    assert client.get("/api/loops", headers=probe).status_code == 400
