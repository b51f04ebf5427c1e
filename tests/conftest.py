import os

import pytest
from sqlalchemy.orm import sessionmaker

from simulator.clock import FakeClock
from simulator.engine import LoopService
from simulator.storage.db import make_engine
import simulator.teams.models  # noqa: F401  (every table on Base, as the migrations have them)
import simulator.peers.models  # noqa: F401  (the peer-review tables too)
from simulator.storage.models import Base
from tests.factories import make_bank


def require_system(component: str, present: bool, why: str) -> None:
    """Skip a test that needs a system component, unless CI demands every component."""
    if present:
        return
    message = f"{component} is not installed: {why}"
    if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
        pytest.fail(message + " (MOCKLOOP_REQUIRE_SYSTEM=1 turns this skip into a failure)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test touches the user's real data folder or database."""
    monkeypatch.setenv("MOCKLOOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def bank():
    return make_bank()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def service(sessions, bank, clock):
    return LoopService(sessions, bank, clock)


@pytest.fixture
def user(service):
    return service.ensure_user("alice")
