"""Service messages (Text): their Chinese is the string itself; pages render them in English."""

from __future__ import annotations

import json
import pickle

from skillbridge.platform.text import N_, Np_, field_problem, join, message_from

NAMED = N_("%(name)s：名次应在 1 至 %(count)d 之间", name="<b>张三</b>", count=3)


def test_a_message_is_its_chinese_text_everywhere_a_string_goes() -> None:
    assert NAMED == "<b>张三</b>：名次应在 1 至 3 之间"
    assert (
        json.dumps({"why": NAMED}, ensure_ascii=False)
        == '{"why": "<b>张三</b>：名次应在 1 至 3 之间"}'
    )
    copied = pickle.loads(pickle.dumps(NAMED))
    assert copied == NAMED and copied.msgid == NAMED.msgid and copied.params == NAMED.params
    assert message_from(json.loads(json.dumps(NAMED.to_json()))) == NAMED


def test_the_tr_filter_renders_messages_whole_and_escapes_them(app, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    template = app.jinja_env.from_string("{{ message|tr }}")
    stored = field_problem(N_("文件"), N_("校验码错误")).to_json()
    with app.test_request_context("/?lang=en"):
        assert template.render(message=NAMED) == (
            "&lt;b&gt;张三&lt;/b&gt;: the place must be between 1 and 3"
        )
        assert template.render(message=stored) == "File: wrong check digit"
        # A row stored before messages were kept shows its Chinese as it was written.
        assert template.render(message="第 3 行：校验码错误") == "第 3 行：校验码错误"
        assert template.render(message=join(N_("；"), [N_("文件"), "X"])) == "File; X"
    with app.test_request_context("/?lang=zh"):
        assert template.render(message=stored) == "文件：校验码错误"


def test_counts_take_the_plural_form_of_the_language(app, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    template = app.jinja_env.from_string("{{ message|tr }}")
    one, two = (
        Np_("名册有 %(n)d 处问题，未导入任何学生", "名册有 %(n)d 处问题，未导入任何学生", n)
        for n in (1, 2)
    )
    assert one == "名册有 1 处问题，未导入任何学生"
    with app.test_request_context("/?lang=en"):
        assert template.render(message=one) == "The roster has 1 problem; no student was imported"
        assert template.render(message=two) == "The roster has 2 problems; no student was imported"
