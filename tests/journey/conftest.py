"""Fixtures of the browser journey: a live server on the test database, Chromium, the cast."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from support import PASSWORD, PASSWORD_HASH, SCREENSHOTS, make_test_config, valid_uscc
from werkzeug.serving import make_server

from skillbridge.models import (
    STAFF_ROLES,
    Cohort,
    EducationLevel,
    Enterprise,
    Occupation,
    Region,
    Role,
    School,
    SchoolType,
    Specialty,
    User,
    VerificationStatus,
)
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.services.accounts.registration import new_session_token

ACTION_TIMEOUT_MS = 15_000


@pytest.fixture
def live_app(app: Flask, database_url: str, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The real application with CSRF on, as a browser meets it; `app` has emptied the tables."""
    application = create_app(make_test_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    yield application
    get_database(application).engine.dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve `live_app` on a free local port in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="journey-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def new_page(browser, live_server: str):  # type: ignore[no-untyped-def]
    """A factory of pages, each in a fresh browser context, closed at teardown."""
    contexts, blocked = [], []

    def factory():  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _note_csp_violation(message, blocked))
        # The journey's users agree to every "are you sure?" they are asked (publish, pay, ...).
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield factory
    for context in contexts:
        context.close()
    # Every page ran under the Content-Security-Policy: nothing of ours may have been blocked.
    assert blocked == []


def _note_csp_violation(message, blocked: list[str]) -> None:  # type: ignore[no-untyped-def]
    if "Content Security Policy" in message.text:
        blocked.append(message.text)


@pytest.fixture
def logged_in(new_page):  # type: ignore[no-untyped-def]
    """A page of a fresh context, logged in as `user` through the login form."""

    def factory(user: User):  # type: ignore[no-untyped-def]
        page = new_page()
        page.goto("/login")
        page.get_by_label("邮箱").fill(user.email)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/dashboard")
        return page

    return factory


@pytest.fixture
def screenshot():  # type: ignore[no-untyped-def]
    """Save a full-page screenshot as test-artifacts/screenshots/journey-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, step: str) -> Path:  # type: ignore[no-untyped-def]
        path = SCREENSHOTS / f"journey-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@dataclass(frozen=True)
class Cast:
    """What has no UI in the journey: the region, two verified organisations, their users."""

    school: School
    enterprise: Enterprise
    specialty: Specialty
    occupation: Occupation
    cohort: Cohort
    school_user: User
    enterprise_user: User
    bureau_user: User


def _user(role: Role, email: str, name: str, **tenant: int) -> User:
    return User(
        email=email,
        display_name=name,
        password_hash=PASSWORD_HASH,
        role=role,
        staff_role=STAFF_ROLES[role][0],
        session_token=new_session_token(),
        **tenant,
    )


@pytest.fixture
def cast(live_app: Flask) -> Cast:
    """A wujiang region with a verified school (one specialty, one cohort) and enterprise."""
    today = date.today()
    with get_database(live_app).session_scope() as session:
        region = Region(code="320509", name="吴江区", policy_pack="wujiang")
        occupation = Occupation(code="6-18-01-01", name="车工")
        specialty = Specialty(code="460103", name="数控技术", occupations=[occupation])
        session.add_all([region, occupation, specialty])
        session.flush()
        school = School(
            region_id=region.id,
            name="吴江中等专业学校",
            code="4132000001",
            school_type=SchoolType.SECONDARY_VOCATIONAL,
            verification_status=VerificationStatus.VERIFIED,
            specialties=[specialty],
        )
        enterprise = Enterprise(
            region_id=region.id,
            name="吴江精密机械有限公司",
            uscc=valid_uscc(320509),
            industry="制造业",
            staff_headcount=200,
            verification_status=VerificationStatus.VERIFIED,
        )
        session.add_all([school, enterprise])
        session.flush()
        # The placement window runs from today for a year, so a slot starting soon falls in it.
        cohort = Cohort(
            school_id=school.id,
            specialty_id=specialty.id,
            name="数控2301班",
            intake_year=today.year - 2,
            graduation_year=today.year + 1,
            level=EducationLevel.SECONDARY,
            window_start=today,
            window_end=today + timedelta(days=365),
        )
        users = [
            _user(Role.SCHOOL, "school@journey.cn", "王老师", school_id=school.id),
            _user(Role.ENTERPRISE, "hr@journey.cn", "张经理", enterprise_id=enterprise.id),
            _user(Role.BUREAU, "bureau@journey.cn", "吴江区人社局", region_id=region.id),
        ]
        session.add_all([cohort, *users])
        session.flush()
        return Cast(school, enterprise, specialty, occupation, cohort, *users)
