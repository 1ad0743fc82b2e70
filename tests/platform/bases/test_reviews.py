"""Applying, the yearly review with each threshold explained, recognition and the studio award
raised once for the host (002 二(三)1 "评选出技能大师工作室、名师工作室…分别给予10万元、5万元")."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import AuditEvent, BaseStatus, ClaimStatus, SubsidyClaim
from skillbridge.platform.policy import load_pack
from skillbridge.platform.services.bases import recognition, records, reviews
from skillbridge.platform.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from skillbridge.platform.services.policy_catalogue.claimability import claimability

from .conftest import MASTER_AWARD, TEACHER_AWARD, Scene

TODAY = date(2026, 7, 1)
STUDIO_FINDINGS = {"activity": True}


def _claims(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(SubsidyClaim.id)))


def _audited(session, action: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_the_studio_awards_are_claimable_on_the_policy_page() -> None:
    policies = {p.id: p for p in load_pack("wujiang").policies}
    for code in (MASTER_AWARD, TEACHER_AWARD):
        state = claimability(policies[code])
        assert state.claimable and state.routes[0].event_kind == "studio_recognised"
    # The organisation-side training award is selected in a round, not by a base's review.
    training = claimability(policies["wujiang.training_contribution_enterprise_award"])
    assert [r.event_kind for r in training.routes] == ["award_selected"]


def test_review_pass_then_recognition_raises_the_award_once_for_the_host(
    session, scene: Scene
) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base()
    review = reviews.review_base(
        session, scene.users["reviewer"], studio.id, TODAY.year, STUDIO_FINDINGS, "材料齐全"
    )
    assert review.passed and [r["code"] for r in review.results] == ["activity"]
    recognised = recognition.recognise_base(session, scene.users["reviewer"], studio.id, TODAY)
    assert recognised.status == BaseStatus.RECOGNISED and recognised.claim_note is None
    claim = session.scalars(select(SubsidyClaim)).one()
    assert claim.training_base_id == studio.id
    assert claim.enterprise_id == scene.enterprise.id
    assert claim.amount_yuan == 100_000 and claim.status == ClaimStatus.SUBMITTED
    assert claim.automatic
    with pytest.raises(Conflict):
        recognition.recognise_base(session, scene.users["officer"], studio.id, TODAY)
    assert _claims(session) == 1
    assert _audited(session, "training_base.reviewed") == 1
    assert _audited(session, "training_base.recognised") == 1


def test_the_famous_teacher_studio_pays_fifty_thousand(session, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base(kind="famous_teacher_studio", name="名师工作室")
    reviews.review_base(session, scene.users["officer"], studio.id, TODAY.year, STUDIO_FINDINGS, "")
    recognition.recognise_base(session, scene.users["officer"], studio.id, TODAY)
    assert session.scalars(select(SubsidyClaim.amount_yuan)).one() == 50_000


def test_a_second_studio_of_the_same_kind_and_host_is_not_paid_twice(session, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    """The pack's once-only key {policy}:{enterprise}: "15家" counts organisations."""
    first, second = scene.base(), scene.base(name="第二个工作室")
    for studio in (first, second):
        reviews.review_base(
            session, scene.users["officer"], studio.id, TODAY.year, STUDIO_FINDINGS, ""
        )
        recognition.recognise_base(session, scene.users["officer"], studio.id, TODAY)
    assert _claims(session) == 1
    assert second.status == BaseStatus.RECOGNISED
    assert second.claim_note == "该事项已申领过补贴"


def test_a_school_hosted_studio_is_recognised_without_a_claim_and_says_why(
    session, scene: Scene
) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base(host="school", kind="famous_teacher_studio")
    reviews.review_base(session, scene.users["officer"], studio.id, TODAY.year, STUDIO_FINDINGS, "")
    recognition.recognise_base(session, scene.users["officer"], studio.id, TODAY)
    assert _claims(session) == 0
    assert studio.claim_note == "该项奖励资助不向这类举办单位发放，未发起申领"


def test_a_failed_review_explains_each_threshold_and_blocks_recognition(
    session, scene: Scene
) -> None:  # type: ignore[no-untyped-def]
    base = records.create_base(
        session,
        scene.users["zhongkai_enterprise"],
        scene.keys,
        scene.base_input("training_base", site_m2=450, capacity=200),
    )
    bureau = scene.users["zhongkai_bureau"]
    review = reviews.review_base(session, bureau, base.id, TODAY.year, {"equipment": True}, "")
    assert not review.passed
    outcome = {r["code"]: (r["passed"], r["value"], r["minimum"]) for r in review.results}
    assert outcome["site"] == (False, 450, 500)
    assert outcome["capacity"] == (True, 200, 200)
    with pytest.raises(Conflict):
        recognition.recognise_base(session, bureau, base.id, TODAY)
    # Positive control: the same base, its figure corrected, passes next year and is recognised
    # (Zhongkai's seed sets no subsidy: recognised without a claim, with the reason).
    records.update_base(
        session,
        scene.users["zhongkai_enterprise"],
        scene.keys,
        base.id,
        scene.base_input("training_base", site_m2=500),
    )
    next_year = date(TODAY.year + 1, 3, 1)
    reviews.review_base(session, bureau, base.id, next_year.year, {"equipment": True}, "")
    recognition.recognise_base(session, bureau, base.id, next_year)
    assert base.status == BaseStatus.RECOGNISED
    assert base.claim_note == "本地区政策未对该类认定设奖励资助，未发起申领"
    assert _claims(session) == 0


def test_one_review_per_base_and_year(session, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base()
    reviews.review_base(session, scene.users["officer"], studio.id, TODAY.year, {}, "")
    with pytest.raises(Conflict):
        reviews.review_base(session, scene.users["officer"], studio.id, TODAY.year, {}, "")
    assert reviews.review_base(session, scene.users["officer"], studio.id, TODAY.year + 1, {}, "")


def test_who_may_apply_review_and_read(session, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    studio = scene.base()  # positive control: the enterprise's admin applies
    assert scene.base(host="hr").enterprise_id == scene.enterprise.id
    for refused in ("mentor", "teacher", "officer"):
        with pytest.raises(PermissionDenied):
            records.create_base(session, scene.users[refused], scene.keys, scene.base_input())
    # The bureau's finance reads but does not review; the reviewer reviews.
    assert records.get_base(session, scene.users["finance"], studio.id) is studio
    with pytest.raises(PermissionDenied):
        reviews.review_base(session, scene.users["finance"], studio.id, TODAY.year, {}, "")
    assert reviews.review_base(session, scene.users["reviewer"], studio.id, TODAY.year, {}, "")
    # Another region's bureau and another host do not learn it exists.
    for outsider in ("zhongkai_bureau", "zhongkai_enterprise", "school"):
        with pytest.raises(NotFound):
            records.get_base(session, scene.users[outsider], studio.id)
    with pytest.raises(PermissionDenied):
        records.managed_base(session, scene.users["officer"], studio.id)
    assert records.managed_base(session, scene.users["hr"], studio.id) is studio


def test_bad_input_names_every_field_and_writes_nothing(session, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    bad = scene.base_input(name=" ", site_m2=-1, leader_national_id="123")
    with pytest.raises(InvalidInput) as refused:
        records.create_base(session, scene.users["enterprise"], scene.keys, bad)
    details = " ".join(str(d) for d in refused.value.details)
    assert "名称" in details and "场地面积" in details and "身份证号" in details
    unknown_kind = scene.base_input("training_base")
    with pytest.raises(InvalidInput):
        records.create_base(
            session,
            scene.users["zhongkai_enterprise"],
            scene.keys,
            scene.base_input("skill_master_studio"),
        )
    assert records.create_base(session, scene.users["enterprise"], scene.keys, unknown_kind)
    assert _audited(session, "training_base.created") == 1


def test_an_unknown_leader_is_refused(session, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    data = scene.base_input(leader_name="别人")
    with pytest.raises(InvalidInput) as refused:
        records.create_base(session, scene.users["enterprise"], scene.keys, data)
    assert "姓名：与平台登记的不符" in [str(d) for d in refused.value.details]
