"""The base and studio pages through their forms: apply, review, recognise (the award's claim
raised), the database after each POST; the bureau's list searched and paged; English pages."""

from __future__ import annotations

from sqlalchemy import func, select

from skillbridge.models import BaseReview, BaseStatus, SubsidyClaim, TrainingBase
from skillbridge.platform.services import paging

from .conftest import Scene


def _form(scene: Scene, **changes: str) -> dict[str, str]:
    person, national_id = scene.person()
    scene.factories.session.commit()
    form = {
        "kind": "skill_master_studio",
        "name": "焊接技能大师工作室",
        "leader_name": person.name,
        "leader_national_id": national_id,
        "occupation_count": "2",
        "site_m2": "120",
        "capacity": "30",
        "yearly_intake": "300",
    }
    form.update(changes)
    return form


def test_apply_review_recognise_through_the_pages(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    enterprise = login_as(scene.users["enterprise"])
    applied = enterprise.post("/bases/new", data=_form(scene))
    assert applied.status_code == 302, applied.get_data(as_text=True)
    session.rollback()
    session.expire_all()
    studio = session.scalars(select(TrainingBase)).one()
    assert applied.headers["Location"].endswith(f"/bases/{studio.id}")
    page = enterprise.get(f"/bases/{studio.id}").get_data(as_text=True)
    assert "焊接技能大师工作室" in page and "002 二(三)1" in page and 'id="review-base"' not in page

    reviewer = login_as(scene.users["reviewer"])
    form = reviewer.get(f"/bases/{studio.id}/review").get_data(as_text=True)
    assert 'name="finding-activity"' in form
    # Without the finding the review fails, and says so per threshold.
    failed = reviewer.post(f"/bases/{studio.id}/review", data={"note": "材料不全"})
    assert failed.status_code == 302
    session.rollback()
    session.expire_all()
    assert session.scalars(select(BaseReview.passed)).one() is False
    detail = reviewer.get(f"/bases/{studio.id}").get_data(as_text=True)
    assert "不符合" in detail and 'id="recognise-base"' not in detail
    # A second review this year is refused; the recognition without a pass is refused.
    again = reviewer.post(f"/bases/{studio.id}/review", data={"finding-activity": "y"})
    assert again.status_code == 409
    assert reviewer.post(f"/bases/{studio.id}/recognise").status_code == 409
    # Positive control: next year's review passes and the recognition raises the claim.
    session.execute(BaseReview.__table__.delete())
    session.commit()
    passed = reviewer.post(f"/bases/{studio.id}/review", data={"finding-activity": "y"})
    assert passed.status_code == 302
    assert 'id="recognise-base"' in reviewer.get(f"/bases/{studio.id}").get_data(as_text=True)
    recognised = reviewer.post(f"/bases/{studio.id}/recognise")
    assert recognised.status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get_one(TrainingBase, studio.id).status == BaseStatus.RECOGNISED
    claim = session.scalars(select(SubsidyClaim)).one()
    assert (claim.training_base_id, claim.amount_yuan) == (studio.id, 100_000)
    assert f"/subsidies/claims/{claim.id}" in enterprise.get(f"/bases/{studio.id}").get_data(
        as_text=True
    )
    assert reviewer.post(f"/bases/{studio.id}/recognise").status_code == 409
    assert session.scalar(select(func.count(SubsidyClaim.id))) == 1


def test_a_bad_form_is_refused_with_every_field_named(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    enterprise = login_as(scene.users["enterprise"])
    refused = enterprise.post("/bases/new", data=_form(scene, site_m2="-5", leader_name="别人"))
    assert refused.status_code == 400
    assert session.scalar(select(func.count(TrainingBase.id))) == 0
    wrong_name = enterprise.post("/bases/new", data=_form(scene, leader_name="别人"))
    assert wrong_name.status_code == 400
    assert "姓名：与平台登记的不符" in wrong_name.get_data(as_text=True)
    assert enterprise.post("/bases/new", data=_form(scene)).status_code == 302


def test_the_host_edits_its_figures(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base()
    session.commit()
    enterprise = login_as(scene.users["enterprise"])
    assert enterprise.get(f"/bases/{studio.id}/edit").status_code == 200
    form = _form(scene, yearly_intake="2400")
    del form["kind"]
    assert enterprise.post(f"/bases/{studio.id}/edit", data=form).status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get_one(TrainingBase, studio.id).yearly_intake == 2400
    # The bureau reads, it does not edit; the mentor sees nothing here.
    assert login_as(scene.users["officer"]).get(f"/bases/{studio.id}/edit").status_code == 403
    assert login_as(scene.users["mentor"]).get("/bases/").status_code == 403


def test_the_bureau_list_searches_and_pages(session, scene: Scene, login_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        scene.base()
    scene.base(host="school", kind="famous_teacher_studio", name="汽修名师工作室")
    session.commit()
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    finance = login_as(scene.users["finance"])
    first = finance.get("/bases/").get_data(as_text=True)
    assert first.count('class="base-link"') == 2 and "1 / 2" in first
    assert finance.get("/bases/?page=2").get_data(as_text=True).count('class="base-link"') == 2
    searched = finance.get("/bases/?q=汽修").get_data(as_text=True)
    assert searched.count('class="base-link"') == 1
    filtered = finance.get("/bases/?kind=famous_teacher_studio").get_data(as_text=True)
    assert filtered.count('class="base-link"') == 1
    # Finance reads, it neither applies nor reviews; no page carries an inline style (CSP).
    assert finance.get("/bases/new").status_code == 403
    studio = session.scalars(select(TrainingBase.id)).first()
    assert finance.get(f"/bases/{studio}/review").status_code == 403
    assert "style=" not in first


def test_english_pages(session, scene: Scene, login_as, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base()
    session.commit()
    reviewer = login_as(scene.users["reviewer"])
    reviewer.get("/lang/en")
    page = reviewer.get(f"/bases/{studio.id}").get_data(as_text=True)
    assert "Skill master studio" in page and "Yearly review" in page
    review = reviewer.get(f"/bases/{studio.id}/review").get_data(as_text=True)
    assert "Record this year" in review


def test_the_policy_page_shows_the_studio_awards_claimable_and_dalian_why_not(client) -> None:  # type: ignore[no-untyped-def]
    wujiang = client.get("/policies/wujiang?page=2").get_data(as_text=True)
    wujiang += client.get("/policies/wujiang").get_data(as_text=True)
    wujiang += client.get("/policies/wujiang?page=3").get_data(as_text=True)
    assert "人社局在年度评审通过后认定工作室时" in wujiang
    dalian = client.get("/policies/dalian").get_data(as_text=True)
    assert 'id="bases-unquantified"' in dalian and "适当运行补贴" in dalian
