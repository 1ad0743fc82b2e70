"""The JSON API against its own OpenAPI document, fuzzed by schemathesis as every role and as
every scope of an API key, and in stateful mode along the document's links.

Every operation is called with generated data (valid and, with the login session, invalid), with
the seeded ids of the caller's own tenant and of another region's tenants, and without a login.
It passes when no answer is a server error, every answer matches the document (status, content
type, body schema), invalid data is refused, own objects are served and other tenants' never are.
Each scope's run prints its figures (operations, calls, failures); the README quotes them.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from supervision_support import START, Seeder
from support import api_slot_body, bearer, login

from skillbridge.models import JournalStatus, Role
from skillbridge.platform.routing import MAX_ROW_ID
from skillbridge.platform.services.api_clients import clients
from skillbridge.platform.services.api_clients.scopes import SCOPES

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
        if rule.endpoint.startswith("api.")
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


# Every scope as held by each kind of organisation that may grant it.
SCOPE_RUNS = [(scope.name, role.value) for scope in SCOPES for role in sorted(scope.roles)]
KEY_EXAMPLES = settings(EXAMPLES, max_examples=12)


def _key(session, world, role: str, *scopes: str) -> str:  # type: ignore[no-untyped-def]
    _client, key = clients.create_client(
        session, world.users[role], clients.NewClient("schemathesis", scopes)
    )
    session.commit()
    return key


@pytest.mark.parametrize(("scope", "role"), SCOPE_RUNS)
def test_fuzzed_calls_with_each_scope_match_the_document(
    app, api, session, world, scope, role
) -> None:  # type: ignore[no-untyped-def]
    """Every operation with a key holding one scope: in scope served or refused by the rules,
    out of scope 403; never a server error, always as documented."""
    auth = {"headers": bearer(_key(session, world, role, scope))}
    operations, seen, failures = _operations(api), Counter(), []
    for operation in operations:

        @KEY_EXAMPLES
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE, **auth))
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call()
            seen[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                failures.append((case.operation.label, response.status_code, group))

        run()
    print(  # the figures of this scope's run (pytest -s shows them)
        f"schemathesis scope={scope} role={role} operations={len(operations)} "
        f"calls={sum(seen.values())} failures={len(failures)} statuses={dict(sorted(seen.items()))}"
    )
    assert not failures, failures[:3]
    assert not [s for s in seen if s >= 500], seen
    assert seen[200] + seen[201] >= 1, seen  # the scope's own operations were served


@pytest.mark.parametrize("role", ["school", "enterprise", "bureau"])
def test_a_key_with_every_scope_serves_own_objects_and_never_another_tenants(
    app, api, session, world, role
) -> None:  # type: ignore[no-untyped-def]
    granted = [scope.name for scope in SCOPES if Role(role) in scope.roles]
    auth = {"headers": bearer(_key(session, world, role, *granted))}
    for path, (parameter, kind) in BY_ID.items():
        operation = api[path]["GET"]
        own = operation.Case(path_parameters={parameter: getattr(world, kind).id}, **auth)
        response = own.call()
        own.validate_response(response, checks=CHECKS)
        if kind in OWN[role]:
            assert response.status_code == 200, (role, path)
        other = operation.Case(
            path_parameters={parameter: getattr(world, f"other_{kind}").id}, **auth
        )
        response = other.call()
        other.validate_response(response, checks=CHECKS)
        assert response.status_code in (403, 404), (role, path)


# The supervision lists for HR and records systems, and the scope each needs.
SUPERVISION_LISTS = {"/api/v1/attendance": "attendance:read", "/api/v1/journals": "journals:read"}


@pytest.mark.parametrize("role", ["school", "enterprise"])
def test_the_supervision_lists_serve_own_placements_rows_and_never_another_tenants(
    app, api, session, world, factories, role
) -> None:  # type: ignore[no-untyped-def]
    """A day and a journal on each pairing of the two schools and two enterprises: a school's
    key reads its students' rows, an enterprise's its interns', nobody else's."""
    seeder = Seeder(session, factories, world.users["school"])
    pairs = [
        (school, enterprise)
        for school in (world.school, world.other_school)
        for enterprise in (world.enterprise, world.other_enterprise)
    ]
    placements = {pair: seeder.placement(*pair) for pair in pairs}
    for placement in placements.values():
        seeder.day(placement, START)
        seeder.journal(placement, 10, JournalStatus.SUBMITTED, START)
    session.commit()
    own = world.school if role == "school" else world.enterprise
    expected = {p.id for pair, p in placements.items() if own in pair}
    auth = {"headers": bearer(_key(session, world, role, *SUPERVISION_LISTS.values()))}
    for path in SUPERVISION_LISTS:
        case = api[path]["GET"].Case(**auth)
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        assert response.status_code == 200, (role, path)
        served = [item["placement_id"] for item in response.json()["items"]]
        assert sorted(served) == sorted(expected), (role, path, served)


def test_stateful_runs_along_the_links_as_an_enterprise_key(
    app, api, session, world, factories
) -> None:  # type: ignore[no-untyped-def]
    """createSlot's links lead to getSlot, openSlot and closeSlot with the created id."""
    occupation = factories.occupation(code="6-18-01-01", name="车工")
    session.commit()
    # Generated slots seldom pass the posting rules (a known occupation, the stipend floor), so
    # every creation sends a valid one and the links lead to a real slot.
    valid_slot = api_slot_body(occupation.id, seats=1)
    granted = [scope.name for scope in SCOPES if Role.ENTERPRISE in scope.roles]
    headers = bearer(_key(session, world, "enterprise", *granted))
    seen: Counter = Counter()
    base = api.as_state_machine()

    class Machine(base):  # type: ignore[valid-type, misc]
        def before_call(self, case) -> None:  # type: ignore[no-untyped-def]
            case.headers = {**(case.headers or {}), **headers}
            if case.operation.label == "POST /api/v1/slots":
                case.body = valid_slot

        def after_call(self, response, case) -> None:  # type: ignore[no-untyped-def]
            super().after_call(response, case)
            seen[(case.operation.label, response.status_code)] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
            case.validate_response(response, checks=CHECKS)

    Machine.run(
        settings=settings(
            max_examples=30,
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    calls = sum(seen.values())
    print(f"schemathesis stateful role=enterprise calls={calls} by_operation={dict(seen)}")
    assert not [key for key in seen if key[1] >= 500], seen
    # The links were followed: a slot was created and then reached by its id.
    assert seen[("POST /api/v1/slots", 201)] >= 1, seen
    assert any(label != "POST /api/v1/slots" and "{slot_id}" in label for label, _ in seen), seen
