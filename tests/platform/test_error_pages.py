"""Error pages speak the UI language, say what happened and offer a way back."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("language", "title", "message", "back", "werkzeug"),
    [
        ("zh", "页面不存在", "页面不存在，或链接已失效", "回到工作台", "The requested URL"),
        (
            "en",
            "Page not found",
            "This page does not exist",
            "Back to my workspace",
            "The requested URL",
        ),
    ],
)
def test_a_missing_page_is_explained_in_the_ui_language_with_a_way_back(
    world, login_as, compiled_catalogue, language, title, message, back, werkzeug
) -> None:  # type: ignore[no-untyped-def]
    client = login_as(world.users["school"])
    client.get(f"/lang/{language}")
    # Positive control: the same client reaches a real page in that language.
    assert client.get("/dashboard").status_code == 200
    response = client.get("/no-such-page", headers={"Referer": "http://localhost/dashboard"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert title in page and message in page and back in page and werkzeug not in page
    assert 'href="http://localhost/dashboard"' in page  # back to where the user came from


def test_a_forbidden_page_is_explained_not_in_werkzeug_english(
    world, login_as, compiled_catalogue
) -> None:  # type: ignore[no-untyped-def]
    student = login_as(world.users["student"])
    school = login_as(world.users["school"])
    # The roster import page is the school's: it opens for the school (positive control) ...
    assert school.get("/school/roster/import").status_code == 200
    # ... and the student is refused with the platform's own words.
    response = student.get("/school/roster/import")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "无权访问" in page and "You don't have the permission" not in page


def test_an_anonymous_visitor_is_offered_the_home_page(client, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/login").status_code == 200
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "页面不存在" in page and "回到首页" in page and "返回上一页" not in page


def test_json_clients_still_get_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code in (401, 404) and response.is_json
