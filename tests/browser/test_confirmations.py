"""In Chromium: an irreversible step asks first, and nothing happens when the user declines."""

from __future__ import annotations

import pytest
from support import PASSWORD

from skillbridge.models import AgreementStatus, CooperationAgreement

pytestmark = pytest.mark.browser


def test_terminating_an_agreement_asks_and_a_declined_question_changes_nothing(
    session, world, factories, live_url, browser
) -> None:  # type: ignore[no-untyped-def]
    agreement = factories.cooperation(world.school, world.enterprise)
    session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", world.users["school"].email)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/dashboard")
        page.goto(f"{live_url}/agreements/{agreement.id}")
        page.fill("input[name=reason]", "企业停产")
        questions: list[str] = []

        def decline(dialog) -> None:  # type: ignore[no-untyped-def]
            questions.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", decline)
        page.click("form[data-confirm] button[type=submit]")
        page.wait_for_timeout(300)
        assert questions and "终止" in questions[0]
        session.expire_all()
        session.rollback()
        assert session.get(CooperationAgreement, agreement.id).status == AgreementStatus.APPROVED

        # The same click, agreed to, terminates the agreement (positive control).
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.click("form[data-confirm] button[type=submit]")
        session.rollback()
        assert session.get(CooperationAgreement, agreement.id).status == AgreementStatus.TERMINATED
    finally:
        context.close()
