"""The JSON API against its own OpenAPI document, fuzzed by schemathesis as every role.

Every operation is called with generated ids (valid and invalid), with the seeded ids of the
caller's own tenant and of another region's tenants, and without a login. It passes when no
answer is a server error, every answer matches the document (status, content type, body
schema), invalid ids are refused, own objects are served and other tenants' never are.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from support import login

from skillbridge.platform.routing import MAX_ROW_ID

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("school", "enterprise", "student", "bureau")
# The login's strong session protection ties the cookie to the client's address and agent,
# so every call comes from the same client as the login.
CLIENT = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "skillbridge-api-tests"}
BY_ID = {
    "/api/v1/schools/{school_id}": ("school_id", "school"),
    "/api/v1/enterprises/{enterprise_id}": ("enterprise_id", "enterprise"),
    "/api/v1/students/{student_id}": ("student_id", "student"),
}
# Each role's own object on each path (the bureau sees its whole region).
OWN = {
    "school": {"school"},
    "enterprise": {"enterprise"},
    "student": {"student"},
    "bureau": {"school", "enterprise", "student"},
}
EXAMPLES = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api(app, client):  # type: ignore[no-untyped-def]
    """The document the app serves, loaded by schemathesis and bound to the app (WSGI)."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.get_json())
    schema.app = app
    return schema


def _operations(api):  # type: ignore[no-untyped-def]
    """Every operation of the document; an invalid one fails here, naming itself."""
    return [result.ok() for result in api.get_all_operations()]


def _logged_in(app, user) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """The session cookie of a fresh login as `user` from CLIENT."""
    client = app.test_client()
    client.environ_base.update(CLIENT)
    login(client, user)
    cookie = client.get_cookie("session")
    assert cookie is not None
    # The agent goes in the case's headers too: schemathesis sends its own otherwise.
    return {
        "cookies": {"session": cookie.value},
        "headers": {"User-Agent": CLIENT["HTTP_USER_AGENT"]},
    }


def _fuzz(operation, auth, mode, seen: Counter) -> None:  # type: ignore[no-untyped-def]
    checks = CHECKS + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])

    @EXAMPLES
    @given(case=operation.as_strategy(generation_mode=mode, **auth))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(environ_base=CLIENT)
        case.validate_response(response, checks=checks)
        seen[response.status_code] += 1

    run()


def test_the_document_is_public_and_every_route_of_the_api_is_in_it(app, api) -> None:  # type: ignore[no-untyped-def]
    served = {
        rule.rule.replace("<int:", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.spec"
    }
    assert served == {operation.path for operation in _operations(api)}


@pytest.mark.parametrize("role", ROLES)
def test_fuzzed_calls_match_the_document_and_never_fail(app, api, world, role) -> None:  # type: ignore[no-untyped-def]
    auth = _logged_in(app, world.users[role])
    seen: Counter = Counter()
    for operation in _operations(api):
        # Only a path id can be invalid: the session cookie is fixed, /me has no parameter.
        modes = [GenerationMode.POSITIVE] + (
            [GenerationMode.NEGATIVE] if "{" in operation.path else []
        )
        for mode in modes:
            _fuzz(operation, auth, mode, seen)
    assert seen[200] >= 1 and not [s for s in seen if s >= 500], seen


@pytest.mark.parametrize("role", ROLES)
def test_seeded_ids_serve_own_objects_and_never_another_tenants(app, api, world, role) -> None:  # type: ignore[no-untyped-def]
    auth = _logged_in(app, world.users[role])
    for path, (parameter, kind) in BY_ID.items():
        operation = api[path]["GET"]
        own = operation.Case(path_parameters={parameter: getattr(world, kind).id}, **auth)
        response = own.call(environ_base=CLIENT)
        own.validate_response(response, checks=CHECKS)
        if kind in OWN[role]:
            assert response.status_code == 200, (role, path)
        other = operation.Case(
            path_parameters={parameter: getattr(world, f"other_{kind}").id}, **auth
        )
        response = other.call(environ_base=CLIENT)
        other.validate_response(response, checks=CHECKS)
        assert response.status_code in (403, 404), (role, path)
        # Past the largest id a row can have: the route does not match, nothing reaches the DB.
        too_big = operation.Case(path_parameters={parameter: MAX_ROW_ID + 1}, **auth)
        assert too_big.call(environ_base=CLIENT).status_code == 404


def test_without_a_login_every_operation_answers_401(api, world) -> None:  # type: ignore[no-untyped-def]
    seen: Counter = Counter()
    for operation in _operations(api):
        _fuzz(operation, {}, GenerationMode.POSITIVE, seen)
    assert set(seen) == {401}, seen
