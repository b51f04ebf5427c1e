"""A bounded schemathesis run against /api/openapi.json: generated requests to every documented operation, and every
answer held to the document. Signed in with a bearer token (valid and invalid data), then with no credentials at
all (valid data): not one server error (5xx), every status code one the operation documents, the content type and
the JSON body as documented, and without credentials 401 from every operation that is not public (never a 400
CSRF failure or a 403). Skipped when schemathesis is not installed (the `test` extra installs it), failed instead
when MOCKLOOP_REQUIRE_SYSTEM=1. `make test` runs it, and so CI (.ci/run) does."""
from __future__ import annotations

import json
import time
from collections import Counter

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
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                   status_code_conformance)
except ImportError:  # pragma: no cover - depends on the environment
    hypothesis = schemathesis = None

EXAMPLES_PER_OPERATION = 12  # signed in: per operation and per mode (valid, then invalid data)
EXAMPLES_ANONYMOUS = 3  # no credentials: per operation, valid data
# The run is bounded by these counts (derandomized: the same requests every time), not by a clock: about 30-40 s
# on a shared 2-core machine; a time limit here failed on a busy one without any rule broken.


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


def _is_public(operation) -> bool:
    return operation.definition.raw.get("security") == []


def test_every_generated_request_gets_a_documented_answer_and_no_server_error(fuzz_app):
    require_system("schemathesis", schemathesis is not None,
                   "the API fuzz test needs it (pip install -e '.[test]' installs it)")
    app, token = fuzz_app
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    signed_in_headers = {"Authorization": f"Bearer {token}"}
    violations: Counter[str] = Counter()  # kind of violation and operation -> requests
    examples: dict[str, str] = {}
    calls = 0
    start = time.monotonic()

    def record(key: str, case, response, headers) -> None:
        violations[key] += 1
        examples.setdefault(key, f"{key} -> {response.status_code}: {response.text[:160]!r} "
                                 f"(curl: {case.as_curl_command(headers)[:300]})")

    positive, negative = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
    plan = ([(op, positive, True) for op in operations] + [(op, negative, True) for op in operations]
            + [(op, positive, False) for op in operations])
    for operation, mode, with_token in plan:
        headers = signed_in_headers if with_token else {}

        @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION if with_token else EXAMPLES_ANONYMOUS,
                             deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(hypothesis.HealthCheck),
                             phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            nonlocal calls
            calls += 1
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    record(f"{failure.title}: {operation.label}", case, response, headers)
            except Failure as failure:
                record(f"{failure.title}: {operation.label}", case, response, headers)
            invalid_path = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
            if not with_token and not _is_public(operation) and not invalid_path and response.status_code != 401:
                record(f"Not 401 without credentials: {operation.label}", case, response, headers)

        try:
            run()
        except hypothesis.errors.Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            assert mode is negative, operation.label
    print(f"\nschemathesis: {calls} requests, {len(operations)} operations, {sum(violations.values())} violations "
          f"in {time.monotonic() - start:.1f} s")
    assert calls >= 2 * len(operations)
    kinds = Counter(key.split(":")[0] for key in violations.elements())
    assert not violations, (f"{sum(violations.values())} of {calls} requests broke the document ({dict(kinds)}):\n"
                            + "\n".join(examples[key] for key in sorted(examples)[:40]))
