"""The public policy pages: every policy of every pack, in both languages, logged out."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from skillbridge.models import Role, StaffRole
from skillbridge.platform.policy import REGION_CODES, ValidityExtension, load_all_packs, load_pack
from skillbridge.platform.services.policy_catalogue import catalogue
from skillbridge.platform.services.policy_catalogue.claimability import claimability

ARTICLE = re.compile(r'<article class="card mb-3" id="([^"]+)">(.*?)</article>', re.S)


def _articles(client, code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every policy article of the region, page after page, by policy id."""
    found: dict[str, str] = {}
    page = 1
    while True:
        response = client.get(f"/policies/{code}?page={page}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        found |= dict(ARTICLE.findall(html))
        if f"/policies/{code}?page={page + 1}" not in html:
            return found
        page += 1


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_policy_of_every_pack_is_on_its_region_page_logged_out(
    client, compiled_catalogue, language
) -> None:  # type: ignore[no-untyped-def]
    client.get(f"/lang/{language}")
    index = client.get("/policies/")
    assert index.status_code == 200
    text = index.get_data(as_text=True)
    for code, pack in load_all_packs().items():
        assert f'href="/policies/{code}"' in text
        assert (pack.name_en if language == "en" else pack.name_zh) in text
        articles = _articles(client, code)
        assert sorted(articles) == sorted(p.id for p in pack.policies)
        for policy in pack.policies:
            html = articles[policy.id]
            assert (policy.name_en if language == "en" else policy.name_zh) in html
            assert policy.name_zh in html and policy.name_en in html  # both names, always
            assert policy.source.document in html and policy.source.article in html
            # Either how it is claimed or why not: a policy with neither fails here.
            routes = re.search(r'<ul class="mb-0 ps-3 claim-routes">(.*?)</ul>', html, re.S)
            reasons = re.search(r'<ul class="mb-0 ps-3 claim-reasons">(.*?)</ul>', html, re.S)
            assert (routes is None) != (reasons is None), policy.id
            listed = routes or reasons
            assert listed is not None and listed.group(1).count("<li>") >= 1


def test_claim_routes_and_reasons_are_in_plain_words_in_english(client, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    client.get("/lang/en")
    articles = _articles(client, "zhongkai")
    chief = articles["zhongkai.chief_technician_grant"]
    assert "How it is claimed" in chief and 'href="/selections/"' in chief
    assert "When the bureau decides a selection round, the platform raises the claim" in chief
    assert "One-off ¥20,000" in chief and "At most 50 every 1 year(s) (a cap)" in chief
    assert "front-line post" in chief  # the registry's label_en
    leave = articles["zhongkai.paid_training_leave"]
    assert "Why it cannot be claimed yet" in leave and "Not money: the employer grants it" in leave
    training = articles["zhongkai.training_appraisal_subsidy"]
    assert "How it is claimed" in training and 'href="/subsidies/claims/new"' in training
    assert "One-off, by certificate level" in training and "Senior worker: ¥500" in training
    # The Chinese page says the same in Chinese.
    client.get("/lang/zh")
    chief_zh = _articles(client, "zhongkai")["zhongkai.chief_technician_grant"]
    assert "人社局在评选中认定当选者" in chief_zh
    assert "一次性20,000元" in chief_zh and "每1年不超过50名（上限）" in chief_zh


def test_an_expired_policy_shows_it_and_an_extension_with_its_reference(
    client, compiled_catalogue, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # 000 第十条 "自2014年5月9日起施行，有效期2年": ended 2016-05-08, no extension recorded.
    articles = _articles(client, "zhongkai")
    for html in articles.values():
        assert "已过有效期" in html and "2016-05-08" in html and "本地区未登记延期" in html
    client.get("/lang/en")
    assert "Expired" in _articles(client, "zhongkai")["zhongkai.chief_technician_grant"]
    # With an extension recorded (as data, with its reference) the page says until when and why.
    pack = load_pack("zhongkai")
    assert pack.validity is not None
    extension = ValidityExtension(date(2099, 12, 31), "仲高社〔2016〕9号", "区社会事务局")
    extended = replace(pack.validity, extensions=(extension,))
    policies = tuple(replace(p, validity=extended) for p in pack.policies)
    monkeypatch.setattr(
        catalogue, "load_pack", lambda code: replace(pack, validity=extended, policies=policies)
    )
    client.get("/lang/zh")
    html = client.get("/policies/zhongkai").get_data(as_text=True)
    assert "已过有效期" not in html and "有效至 2099-12-31" in html
    assert "延期至 2099-12-31" in html and "区社会事务局 仲高社〔2016〕9号" in html


def test_a_contested_provision_shows_both_readings_and_that_no_ruling_is_recorded(client) -> None:  # type: ignore[no-untyped-def]
    html = _articles(client, "zhongkai")["zhongkai.excellent_technician_grant"]
    assert "条文矛盾" in html
    assert "读法一：须为技师" in html and "读法二：初级工以上" in html
    assert "持证等级：技师及以上" in html and "持证等级：初级工及以上" in html
    assert "人社部门尚未裁定适用哪种读法" in html


def test_a_region_page_is_paginated_and_an_unknown_region_is_404(client) -> None:  # type: ignore[no-untyped-def]
    wujiang = load_pack("wujiang")
    assert len(wujiang.policies) > catalogue.PER_PAGE
    first = client.get("/policies/wujiang").get_data(as_text=True)
    assert len(ARTICLE.findall(first)) == catalogue.PER_PAGE and "/policies/wujiang?page=2" in first
    assert client.get("/policies/nowhere").status_code == 404


def test_the_pages_are_linked_from_the_front_login_and_claim_pages(client, world, login_as) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/login"):
        assert 'href="/policies/"' in client.get(path).get_data(as_text=True)
    student = login_as(world.users["student"])
    for path in ("/subsidies/claims", "/subsidies/claims/new"):
        response = student.get(path)
        assert response.status_code == 200 and 'href="/policies/"' in response.get_data(
            as_text=True
        )


def test_every_account_reads_the_public_pages_whatever_its_job(
    world, factories, session, login_as
) -> None:  # type: ignore[no-untyped-def]
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    session.commit()
    client = login_as(teacher)
    assert client.get("/policies/").status_code == 200
    assert client.get(f"/policies/{REGION_CODES[0]}").status_code == 200
    # Positive control: the same teacher is still kept out of the pages outside its job.
    assert client.get("/subsidies/budgets").status_code == 403


def test_the_region_counts_agree_with_the_claimability_of_its_policies() -> None:
    for summary in catalogue.regions(date(2026, 12, 3)):
        assert summary.policies == len(summary.pack.policies)
        assert summary.claimable == sum(claimability(p).claimable for p in summary.pack.policies)
