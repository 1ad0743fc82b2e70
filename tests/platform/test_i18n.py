"""The English catalogue is complete and compiles, and the UI switches between Chinese and English."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext
from support import login

from skillbridge.models import PlacementStatus
from skillbridge.platform.i18n import resolved
from skillbridge.platform.views.placements import STATUS_LABELS

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "platform" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif%]")


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="en")


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory) -> Catalog:  # type: ignore[no-untyped-def]
    """What the code marks for translation now, extracted the way `make translations-extract` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    args = [
        "pybabel",
        "-q",
        "extract",
        "-F",
        "platform/babel.cfg",
        "-k",
        "N_",
        "-k",
        "Np_:1,2",
        "-k",
        "_l",
    ]
    cwd = Path.cwd()
    os.chdir(ROOT)  # babel.cfg's patterns are relative to the extraction root
    try:
        CommandLineInterface().run([*args, "-o", str(pot), "."])
    finally:
        os.chdir(cwd)
    with pot.open("rb") as handle:
        return read_po(handle)


def test_extraction_covers_platform_and_templates_only(fresh_template: Catalog) -> None:
    sources = {path for message in fresh_template for path, _ in message.locations}
    assert any(path.startswith("platform/") for path in sources)
    assert any(path.startswith("templates/") for path in sources)
    assert all(path.startswith(("platform/", "templates/")) for path in sources)


def test_every_extracted_message_has_an_english_translation(fresh_template: Catalog) -> None:
    english = _read_po(PO)
    problems = []
    for message in fresh_template:
        if not message.id:
            continue
        translated = english.get(message.id)
        # A plural message has a tuple of forms on both sides; each form is checked alike.
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = (
            (translated.string if isinstance(translated.string, tuple) else (translated.string,))
            if translated
            else ()
        )
        if translated is None or not forms or not all(forms):
            problems.append(f"untranslated: {message.id}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id}")
        elif any(
            sorted(PLACEHOLDER.findall(ids[0])) != sorted(PLACEHOLDER.findall(form))
            for form in forms
        ):
            problems.append(f"placeholders differ: {message.id} -> {translated.string}")
        elif any(re.search(r"[\u4e00-\u9fff]", form) for form in forms):
            problems.append(f"Chinese left in: {message.id} -> {translated.string}")
    assert problems == []


def test_the_catalogue_compiles_without_errors() -> None:
    catalogue = _read_po(PO)
    assert list(catalogue.check()) == []
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    assert buffer.getvalue()


def test_login_page_is_chinese_by_default_and_english_after_switching(
    client, compiled_catalogue
) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and "Sign in" not in page

    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and "Password" in page and "No account yet?" in page
    assert '<h1 class="h4 mb-3">登录</h1>' not in page

    client.get("/lang/zh")
    assert "Sign in" not in client.get("/login").get_data(as_text=True)


LANDING = {
    "school": (
        ("Cohorts and rosters", "Enrolled students", "Sign out"),
        ("届/班与名册", "在册学生"),
    ),
    "enterprise": (("Open posts", "Employees on staff", "Sign out"), ("开放岗位", "在岗职工")),
    "student": (("Post internship months used", "Offers awaiting reply"), ("已用顶岗实习月数",)),
    "bureau": (("HRSS bureau workspace", "Schools awaiting verification"), ("人社局工作台",)),
}


@pytest.mark.parametrize("role", sorted(LANDING))
def test_each_roles_landing_page_renders_in_english(
    role, world, login_as, compiled_catalogue
) -> None:  # type: ignore[no-untyped-def]
    client = login_as(world.users[role])
    english, chinese = LANDING[role]

    page = client.get("/dashboard").get_data(as_text=True)
    assert all(text in page for text in chinese)

    client.get("/lang/en")
    page = client.get("/dashboard").get_data(as_text=True)
    assert [text for text in english if text not in page] == []
    assert [text for text in chinese if text in page] == []


def test_flashed_service_messages_are_shown_in_english(client, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    client.get("/lang/en")
    page = client.post(
        "/login", data={"email": "nobody@example.com", "password": "wrong-password"}
    ).get_data(as_text=True)
    assert "Incorrect email or password" in page


def test_messages_in_variables_are_translated_but_never_marked_safe(
    app, compiled_catalogue
) -> None:  # type: ignore[no-untyped-def]
    template = app.jinja_env.from_string("{{ message|tr }}")
    with app.test_request_context("/?lang=en"):
        assert template.render(message="该邮箱已注册") == "This email is already registered"
        assert template.render(message="<b>100%</b>") == "&lt;b&gt;100%&lt;/b&gt;"


def test_the_catalogue_remembered_in_a_request_follows_a_forced_locale(
    app, compiled_catalogue
) -> None:  # type: ignore[no-untyped-def]
    # The request remembers its locale's catalogue (one lookup, not one per message); a
    # digest rendered in its recipient's language inside it must not get the request's.
    template = app.jinja_env.from_string("{{ _('该邮箱已注册') }}")
    with app.test_request_context("/"):
        assert template.render() == gettext("该邮箱已注册") == "该邮箱已注册"
        with force_locale("en"):
            assert (
                template.render() == gettext("该邮箱已注册") == "This email is already registered"
            )
        assert template.render() == "该邮箱已注册"
    with app.test_request_context("/?lang=en"):
        assert template.render() == "This email is already registered"


def test_the_chosen_language_survives_signing_in_and_out(client, world, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    client.get("/lang/en")
    login(client, world.users["bureau"])
    assert "HRSS bureau workspace" in client.get("/dashboard").get_data(as_text=True)

    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "Signed out" in page


def test_resolved_labels_are_the_request_locales_text(app, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    labels = {PlacementStatus.ACTIVE: STATUS_LABELS[PlacementStatus.ACTIVE]}
    with app.test_request_context("/"):
        assert resolved(labels) == {PlacementStatus.ACTIVE: "实习中"}
    with app.test_request_context("/?lang=en"):
        english = resolved(labels)
    assert english != {PlacementStatus.ACTIVE: "实习中"}
    assert type(english[PlacementStatus.ACTIVE]) is str  # no longer lazy: fixed in the request


def test_wtforms_messages_follow_each_requests_locale(app):  # type: ignore[no-untyped-def]
    """WTForms' own messages come from a catalogue kept per locale (platform/forms.py): each
    request still gets its own language's, whichever locale asked first."""
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    class Form(FlaskForm):
        n = IntegerField()

    errors = {}
    for lang in ("en", "zh", "en"):
        with app.test_request_context(f"/?lang={lang}", method="POST", data={"n": "x"}):
            form = Form(meta={"csrf": False})
            assert not form.validate()
            errors.setdefault(lang, set()).update(form.errors["n"])
    assert errors == {"en": {"Not a valid integer value."}, "zh": {"不是有效的整数。"}}
