"""A full disk is a 507 that says so, never a 500: the database's commit fails with SQLite's "database or disk is
full" (or the OS's ENOSPC), nothing of the write is stored, what was stored before stays, and the round page keeps
its draft in the browser and saves it once there is room."""
from __future__ import annotations

import errno
import sqlite3

import pytest
import sqlalchemy.exc
from sqlalchemy.orm import Session

from simulator.storage.db import DiskFull, StorageError, is_disk_full, unit_of_work
from tests.web.conftest import csrf_token
from tests.web.test_browser import browser, expect_text, expect_value, live, page, saved, started_round, text_grader  # noqa: F401


class Disk:
    """Makes every commit fail as SQLite does when the disk is full, while `full` is true."""

    def __init__(self, monkeypatch, error: Exception | None = None):
        self.full = False
        self.error = error or sqlalchemy.exc.OperationalError("COMMIT", {}, sqlite3.OperationalError(
            "database or disk is full"))
        real_commit = Session.commit

        def commit(session):
            if self.full:
                raise self.error
            return real_commit(session)

        monkeypatch.setattr(Session, "commit", commit)


@pytest.fixture
def disk(monkeypatch):
    return Disk(monkeypatch)


def test_an_autosave_on_a_full_disk_is_a_507_saying_so_and_stores_nothing(api, disk):
    _, rnd = api.drill()
    api.put(f"/api/rounds/{rnd['id']}/draft", {"text": "saved before", "seq": 1})
    disk.full = True
    response = api.call("PUT", f"/api/rounds/{rnd['id']}/draft", {"text": "typed while full", "seq": 2})
    body = response.get_json()
    assert response.status_code == 507 and body["error"] == "disk_full" and body["status"] == 507
    assert "disk is full" in body["message"] and "your draft is kept in this browser" in body["message"]
    disk.full = False
    assert api.get(f"/api/rounds/{rnd['id']}")["draft"] == "saved before"  # nothing half-written, nothing lost
    assert api.put(f"/api/rounds/{rnd['id']}/draft", {"text": "typed while full", "seq": 2})["saved"]


def test_a_form_on_a_full_disk_gets_a_page_that_says_so(client, disk):
    disk.full = True
    response = client.post("/teams/", data={"name": "Acme", "csrf_token": csrf_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 507 and "The server&#39;s disk is full" in html and "nothing was changed" in html


def test_enospc_from_the_os_is_a_507_too(api, monkeypatch):
    Disk(monkeypatch, OSError(errno.ENOSPC, "No space left on device")).full = True
    response = api.call("POST", "/api/loops", {"track": "research-engineer"})
    assert response.status_code == 507 and response.get_json()["error"] == "disk_full"


def test_other_storage_failures_are_not_called_a_full_disk(api, monkeypatch):
    Disk(monkeypatch, sqlalchemy.exc.OperationalError("COMMIT", {}, sqlite3.OperationalError(
        "disk I/O error"))).full = True
    with pytest.raises(StorageError) as raised:  # a server error (tests propagate it), not a 507
        api.call("POST", "/api/loops", {"track": "research-engineer"})
    assert not isinstance(raised.value, DiskFull)
    Disk(monkeypatch, OSError(errno.EACCES, "Permission denied")).full = True
    with pytest.raises(PermissionError):
        api.call("POST", "/api/loops", {"track": "research-engineer"})


def test_the_unit_of_work_names_a_full_disk(sessions, disk):
    disk.full = True
    with pytest.raises(DiskFull):
        with unit_of_work(sessions):
            pass
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    postgres = sqlalchemy.exc.OperationalError("INSERT", {}, type("E", (Exception,), {"sqlstate": "53100"})())
    assert is_disk_full(postgres) and not is_disk_full(ValueError("database is locked"))


def test_every_signed_in_operation_documents_507(client):
    doc = client.get("/api/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("security") == [] or "507" in op["responses"], (path, method)


@pytest.mark.browser
def test_the_round_page_keeps_the_draft_in_the_browser_while_the_disk_is_full(live, page, disk):
    _, rnd = started_round(live)
    url = f"{live[0].url}/rounds/{rnd['id']}"
    page.goto(url)
    page.fill("#answer", "saved before")
    saved(page)
    disk.full = True
    page.type("#answer", ", typed while the disk was full")
    expect_text(page, "#save-status", r"Not saved: the server's disk is full\. Your draft is kept in this browser; "
                                      r"retrying in \d+ s\.")
    assert page.get_attribute("#save-status", "data-kind") == "problem"
    backup = page.evaluate(f"JSON.parse(localStorage.getItem('mockloop:draft:{rnd['id']}'))")
    assert backup["text"] == "saved before, typed while the disk was full"
    disk.full = False
    saved(page, timeout=20_000)
    page.reload()
    expect_value(page, "#answer", "saved before, typed while the disk was full")  # from the server now
