"""Every write of the API: audited with its client, committed once; a POST under Idempotency-Key."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import Response, current_app, make_response, request
from flask.typing import ResponseReturnValue

from skillbridge.platform.db import get_session
from skillbridge.platform.services import audit
from skillbridge.platform.services.api_clients import idempotency

from .blueprint import api_actor, bp, grant

P = ParamSpec("P")
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": True,
    "description": "Chosen by the client, unique per request: a retry with the same key and "
    "body gets the first answer again and writes nothing; with another body, 422.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.KEY_MAX,
        "pattern": "^[!-~]+$",
    },
}


def _audited(response: Response) -> Response:
    """Record the call with its client, then commit the request's rows and the record."""
    found = grant()
    assert found is not None  # writes are refused without a key (blueprint.py)
    db = get_session()
    audit.record(
        db,
        api_actor(),
        "api.called",
        "api_client",
        found.client_id,
        {"method": request.method, "path": request.path, "status": response.status_code},
    )
    db.commit()
    return response


def write(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Wrap a write operation (outside its smorest decorators, inside `route`)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if request.method != "POST":
            return _audited(make_response(view(*args, **kwargs)))
        found = grant()
        assert found is not None
        key = idempotency.check_key(request.headers.get(IDEMPOTENCY_HEADER))
        db = get_session()
        print_ = idempotency.fingerprint(request.method, request.full_path, request.get_data())
        outcome = idempotency.claim(db, found.client_id, key, print_)
        if isinstance(outcome, idempotency.Replay):
            db.rollback()
            return current_app.response_class(
                outcome.body,
                status=outcome.status_code,
                mimetype="application/json",
                headers={REPLAYED_HEADER: "true"},
            )
        response = make_response(view(*args, **kwargs))
        idempotency.store(db, outcome, response.status_code, response.get_data(as_text=True))
        return _audited(response)

    return wrapped


def post(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """A write by POST: `write`, with its Idempotency-Key header in the document."""
    return bp.doc(parameters=[_KEY_PARAMETER])(write(view))
