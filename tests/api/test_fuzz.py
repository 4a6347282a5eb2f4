"""Schema-driven fuzzing: requests generated from our OpenAPI document, answered by the real
app and validated with every schemathesis check: no 5xx, every status and content type
documented, every response body and header conforming to the documented schema.

One configuration: a request the schema allows may still be refused when its values mean
nothing (400: an example entity without a name) or break a bound that JSON Schema cannot
state (422: a lone surrogate, values nested too deep). The API documents both, so the check
that schema-valid data is accepted admits them.

Bounded for CI: a dozen generated requests per operation, no deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from tests.api.conftest import ApiEnv, build_env

EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    yield from build_env(tmp_path_factory.mktemp("fuzz") / "home", api_rate_per_minute=0)


#: operations fuzzed with the admin key; the rest use an analyst key (so that a generated
#: DELETE /keys/... cannot revoke the keys the test uses: it gets 403, which is checked too)
ADMIN = {("GET", "/keys"), ("POST", "/keys"), ("POST", "/sources/{source_id}/update")}


CONFIG = {
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]
        }
    }
}


def check(case: Any, env: ApiEnv) -> None:
    role = "admin" if (case.method, case.path) in ADMIN else "analyst"
    response = case.call_and_validate(headers=env.auth(role))
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}, (case.method, case.path, response.text[:300])


def _default_dataset(case: Any) -> Any:
    if len(case.path_parameters["dataset"]) % 2 == 0:
        case.path_parameters["dataset"] = "default"
    return case


def test_no_generated_request_gets_a_server_error(fuzz_env: ApiEnv) -> None:
    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_env.app, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:
        strategy = operation.as_strategy()
        if "dataset" in operation.path:  # reach the matcher, not only the 404 of a random name
            strategy = strategy.map(_default_dataset)

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            check(case, fuzz_env)

        run()
