"""A bounded schemathesis run against /api/openapi.json: generated requests to every documented operation, signed
in with a bearer token, and not one server error (5xx). Skipped when schemathesis is not installed (the `test`
extra installs it), failed instead when MOCKLOOP_REQUIRE_SYSTEM=1."""
from __future__ import annotations

import json
import time

import pytest

from simulator.clock import FakeClock
from tests.conftest import require_system
from tests.factories import make_bank
from tests.web.conftest import Api, make_app
from tests.web.test_teams_support import signed_in, team_question, team_rubric, token_for

try:
    import hypothesis
    import hypothesis.errors
    import schemathesis
except ImportError:  # pragma: no cover - depends on the environment
    hypothesis = schemathesis = None

EXAMPLES_PER_OPERATION = 12  # per operation and per mode (valid, then invalid data)
BUDGET_S = 75.0  # the whole run stays under 90 s on a shared 2-core machine


@pytest.fixture
def fuzz_app(tmp_path):
    """A shared-server app with one user who owns a team with a question, a set and gold answers (so that ids 1..
    exist), and that user's bearer token."""
    app = make_app(tmp_path, make_bank(), FakeClock(), MULTI_USER=True)
    client = signed_in(app, "alice")
    token = token_for(client)
    api = Api(app.test_client(), token)
    tid = api.post("/api/teams", {"name": "Acme", "min_gold": 2}, status=201)["id"]
    api.post(f"/api/teams/{tid}/import", {"files": {"b.json": json.dumps([team_rubric("acme-rubric"),
                                                                             team_question("acme-q1", "acme-rubric")])}})
    sid = api.post(f"/api/teams/{tid}/sets", {"name": "Round 1"}, status=201)["id"]
    api.post(f"/api/teams/{tid}/sets/{sid}/gold", {"question_ids": ["acme-q1"]}, status=201)
    api.drill()
    return app, token


def test_no_generated_request_makes_a_server_error(fuzz_app):
    require_system("schemathesis", schemathesis is not None,
                   "the API fuzz test needs it (pip install -e '.[test]' installs it)")
    app, token = fuzz_app
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    errors: list[str] = []
    calls = 0
    start = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60

    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    for operation, mode in [(op, mode) for mode in modes for op in operations]:
        if time.monotonic() - start > BUDGET_S:
            pytest.fail(f"the run took longer than {BUDGET_S:.0f} s; {calls} calls made")

        @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(hypothesis.HealthCheck),
                             phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            nonlocal calls
            calls += 1
            response = case.call(headers=headers)
            if response.status_code >= 500:
                errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                              f"{response.text[:200]!r} (curl: {case.as_curl_command(headers)[:300]})")

        try:
            run()
        except hypothesis.errors.Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
    assert calls >= 2 * len(operations)
    assert errors == [], "\n".join(errors[:20])
