"""The URL helpers every route shares."""

from __future__ import annotations

import pytest
from flask import url_for

from skillbridge.platform.routing import id_url, url_prefix, with_query


def test_a_url_prefix_with_an_id_appended_is_the_url_for_that_id(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        prefix = url_prefix("placements.detail", "placement_id")
        assert prefix + "17" == url_for("placements.detail", placement_id=17)


def test_a_url_that_goes_on_past_its_id_has_no_prefix(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        assert url_for("placements.agreement", placement_id=17).endswith("/agreement")
        with pytest.raises(ValueError, match="does not end with"):
            url_prefix("placements.agreement", "placement_id")


@pytest.mark.parametrize(
    "args",
    [
        {"rule": "R1", "state": "open"},
        {"rule": "R 1/é&x=#", "state": "re+solved", "page": 2},
        {"q": "!$'()*,/:;?@~ 技术", "rule": None},
        {},
    ],
)
def test_a_query_appended_to_an_address_reads_as_url_for_builds_it(app, args) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        address = url_for("compliance.findings")
        assert with_query(address, **args) == url_for("compliance.findings", **args)


def test_a_row_id_put_into_a_url_reads_as_url_for_builds_it(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        for endpoint in ("slots.edit", "slots.close", "slots.detail"):
            assert id_url(endpoint, "slot_id")(17) == url_for(endpoint, slot_id=17)
        # An argument the rule does not take goes into the query, and still reads the same.
        assert id_url("compliance.findings", "page")(3) == url_for("compliance.findings", page=3)
