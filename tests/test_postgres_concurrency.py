"""Two app processes write the same round at once: the loop's row lock (PostgreSQL: SELECT ... FOR UPDATE;
SQLite: BEGIN IMMEDIATE) serialises them, so no update is lost and the revision token (`base`) does what the
API promises: a save based on a revision another process has replaced is refused as a conflict, with the
stored draft. The web app's own lock (actions.round_lock) is a threading lock, so across processes only the
database keeps this promise. Each test runs on SQLite and on PostgreSQL (the `database` fixture)."""
from __future__ import annotations

import multiprocessing
import time
import traceback

from tests.conftest import database_url

SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing shared but the database
TOKENS = 25  # read-modify-writes per process


def _web_api(url: str):
    """A web app process's client over `url` (single-user: the local candidate)."""
    from simulator.clock import FakeClock
    from tests.factories import make_bank
    from tests.web.conftest import SECRET, Api
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": url, "BANK": make_bank(),
                      "CLOCK": FakeClock(), "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    return Api(app.test_client())


def _appender(url: str, round_id: int, name: str, start, results) -> None:
    """Append TOKENS words to the draft, each as one read-modify-write with the revision it read as `base`;
    a conflict means another process saved in between: read again and retry."""
    try:
        api = _web_api(url)
        api.get(f"/api/rounds/{round_id}")
        start.wait(60)
        saved = conflicts = 0
        for i in range(TOKENS):
            while True:
                seen = api.get(f"/api/rounds/{round_id}")
                view = api.put(f"/api/rounds/{round_id}/draft",
                               {"text": f"{seen['draft']} {name}{i}".strip(), "base": seen["draft_seq"]})
                if view["saved"]:
                    assert view["draft_seq"] == seen["draft_seq"] + 1
                    saved += 1
                    break
                assert view["reason"] == "conflict" and view["draft_seq"] > seen["draft_seq"], view
                conflicts += 1
        results.put((name, saved, conflicts, None))
    except BaseException:  # noqa: BLE001 - reported to the test
        results.put((name, 0, 0, traceback.format_exc()))


def _holder(url: str, round_id: int, holding, results) -> None:
    """Take the loop's row lock the way every engine action does, write a new revision, hold it a while
    and then commit."""
    try:
        from simulator.clock import FakeClock
        from simulator.engine import LoopService
        from simulator.storage import open_database, unit_of_work
        from tests.factories import make_bank

        service = LoopService(open_database(url), make_bank(), FakeClock())
        user = service.ensure_user()
        with unit_of_work(service.sessions) as s:
            rnd = service._round(s, round_id, user)  # the loop row, locked until this unit of work ends
            rnd.draft, rnd.draft_seq = "written while holding the lock", rnd.draft_seq + 1
            s.flush()
            holding.set()
            time.sleep(1.5)
            committed = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on the machine
        results.put(("holder", committed, None))
    except BaseException:  # noqa: BLE001
        holding.set()
        results.put(("holder", 0.0, traceback.format_exc()))


def _stale_writer(url: str, round_id: int, base: int, holding, results) -> None:
    try:
        api = _web_api(url)
        api.get(f"/api/rounds/{round_id}")
        assert holding.wait(60)
        view = api.put(f"/api/rounds/{round_id}/draft", {"text": "from the second process", "base": base})
        results.put(("writer", time.monotonic(), view, None))
    except BaseException:  # noqa: BLE001
        results.put(("writer", 0.0, None, traceback.format_exc()))


def _started_round(url: str) -> tuple[int, int]:
    """A behavioural drill, started, by the test's own app: (round id, its draft_seq)."""
    api = _web_api(url)
    _, rnd = api.drill()
    return rnd["id"], rnd["draft_seq"]


def test_two_app_processes_appending_to_one_draft_lose_nothing(database, tmp_path):
    url = database_url(tmp_path, "web.sqlite3")
    round_id, _ = _started_round(url)
    start, results = SPAWN.Event(), SPAWN.Queue()
    processes = [SPAWN.Process(target=_appender, args=(url, round_id, name, start, results)) for name in ("a", "b")]
    for p in processes:
        p.start()
    time.sleep(0.2)
    start.set()  # the processes are up; they begin together
    out = []
    try:
        for _ in processes:
            out.append(results.get(timeout=180))
    finally:
        for p in processes:
            p.join(10)
            if p.is_alive():
                p.kill()
    for name, _, _, error in out:
        assert error is None, f"process {name}:\n{error}"

    final = _web_api(url).get(f"/api/rounds/{round_id}")
    words = final["draft"].split()
    expected = {f"{name}{i}" for name in ("a", "b") for i in range(TOKENS)}
    assert sorted(words) == sorted(expected)  # every save that was accepted is there, once
    assert [w for w in words if w.startswith("a")] == [f"a{i}" for i in range(TOKENS)]  # each in its own order
    assert [w for w in words if w.startswith("b")] == [f"b{i}" for i in range(TOKENS)]
    assert final["draft_seq"] == 2 * TOKENS == sum(saved for _, saved, _, _ in out)


def test_a_write_waits_for_the_other_process_lock_and_then_sees_its_revision(database, tmp_path):
    """Process one holds the loop row with a new revision written but not committed; process two saves
    with the revision it saw before. Two must wait for one's commit, then be refused as a conflict with
    one's draft: without the lock it would read the old revision, be told "saved", and then lose to one."""
    url = database_url(tmp_path, "web.sqlite3")
    round_id, seen = _started_round(url)
    holding, results = SPAWN.Event(), SPAWN.Queue()
    processes = [SPAWN.Process(target=_holder, args=(url, round_id, holding, results)),
                 SPAWN.Process(target=_stale_writer, args=(url, round_id, seen, holding, results))]
    for p in processes:
        p.start()
    out = {}
    try:
        for _ in processes:
            item = results.get(timeout=120)
            out[item[0]] = item
    finally:
        for p in processes:
            p.join(10)
            if p.is_alive():
                p.kill()
    assert out["holder"][-1] is None, out["holder"][-1]
    assert out["writer"][-1] is None, out["writer"][-1]
    committed, (_, answered, view, _) = out["holder"][1], out["writer"]
    assert answered >= committed  # it waited for the lock
    assert view["saved"] is False and view["reason"] == "conflict"
    assert view["draft"] == "written while holding the lock" and view["draft_seq"] == seen + 1
    final = _web_api(url).get(f"/api/rounds/{round_id}")
    assert (final["draft"], final["draft_seq"]) == ("written while holding the lock", seen + 1)
