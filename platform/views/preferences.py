"""Preference pages: a student ranks eligible slots; an enterprise ranks or screens candidates."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.i18n import translator
from skillbridge.platform.services import bounds
from skillbridge.platform.services.errors import DomainError, InvalidInput
from skillbridge.platform.services.slots import preferences
from skillbridge.platform.services.slots.candidates import candidate_profile
from skillbridge.platform.views.slots import row_labels

bp = Blueprint("preferences", __name__, url_prefix="/preferences")
NAV = [(("student",), "preferences.mine", _l("岗位志愿"))]

MAX_RANK = 1000
# Slots the student cannot rank are listed for their reasons only: a short page is enough.
OTHERS_PER_PAGE = 10


class RankingForm(FlaskForm):
    """The CSRF token of a ranking page; the ranks themselves are one input per row."""


def _ranks(prefix: str) -> list[tuple[int, int]]:
    """(rank, id) pairs from inputs named `<prefix><id>`; blanks are not ranked."""
    pairs = []
    for name, value in request.form.items():
        if not name.startswith(prefix) or not value.strip():
            continue
        try:
            pairs.append(
                (
                    bounds.to_int(value.strip(), 1, MAX_RANK),
                    bounds.to_int(name.removeprefix(prefix), 1),
                )
            )
        except ValueError:
            raise InvalidInput(_("志愿顺序须填写 1 至 %(n)d 的整数", n=MAX_RANK)) from None
    if len({rank for rank, _id in pairs}) != len(pairs):
        raise InvalidInput(_("志愿顺序不能重复"))
    return sorted(pairs)


def _screened() -> list[int]:
    """Ids from checked inputs named `screen-<id>`."""
    try:
        return [
            bounds.to_int(name.removeprefix("screen-"), 1)
            for name in request.form
            if name.startswith("screen-")
        ]
    except ValueError:
        raise InvalidInput(_("筛除的候选人编号无效")) from None


def _fail(error: DomainError) -> None:
    get_session().rollback()
    flash(error.message, "danger")
    for detail in error.details:
        flash(detail, "danger")


@bp.route("/", methods=["GET", "POST"])
@login_required
@role_required(Role.STUDENT)
def mine() -> ResponseReturnValue:
    db, user, form = get_session(), actor(), RankingForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("表单已过期，请重试"), "danger")
            return redirect(url_for("preferences.mine"))
        try:
            slot_ids = [slot_id for _rank, slot_id in _ranks("rank-")]
            preferences.set_student_preferences(db, user, slot_ids, date.today())
        except DomainError as error:
            _fail(error)
            return _preferences_page(form), error.status
        db.commit()
        flash(_("岗位志愿已保存"), "success")
        return redirect(url_for("preferences.mine"))
    return _preferences_page(form)


def _preferences_page(form: RankingForm) -> str:
    """The slots the student may rank, all in the form, then the others, searched and paged."""
    query = request.args.get("q", "").strip()
    choices = preferences.slot_choices(
        get_session(),
        actor(),
        date.today(),
        query,
        request.args.get("page", 1, type=int),
        OTHERS_PER_PAGE,
    )
    return render_template(
        "preferences/mine.html",
        form=form,
        query=query,
        eligible=choices.rankable,
        others=choices.others,
        # The failed rules' reasons, a few each of two dozen rows, with one catalogue lookup.
        translate=translator(),
        **row_labels(option.slot.duration_months for option in choices.rankable),
    )


@bp.get("/slots/<int:slot_id>/candidates/<int:student_id>")
@login_required
@role_required(Role.ENTERPRISE)
def candidate(slot_id: int, student_id: int) -> ResponseReturnValue:
    profile = candidate_profile(get_session(), actor(), slot_id, student_id, date.today())
    return render_template("preferences/candidate.html", profile=profile)


@bp.route("/slots/<int:slot_id>/candidates", methods=["GET", "POST"])
@login_required
@role_required(Role.ENTERPRISE)
def candidates(slot_id: int) -> ResponseReturnValue:
    db, user, form = get_session(), actor(), RankingForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("表单已过期，请重试"), "danger")
            return redirect(url_for("preferences.candidates", slot_id=slot_id))
        try:
            screened = _screened()
            ranked = [sid for _rank, sid in _ranks("rank-") if sid not in screened]
            preferences.rank_candidates(db, user, slot_id, ranked, screened, date.today())
        except DomainError as error:
            _fail(error)
            slot, rows = preferences.slot_candidates(db, user, slot_id, date.today())
            return render_template(
                "preferences/candidates.html", slot=slot, candidates=rows, form=form
            ), error.status
        db.commit()
        flash(_("候选人排序已保存"), "success")
        return redirect(url_for("preferences.candidates", slot_id=slot_id))
    slot, rows = preferences.slot_candidates(db, user, slot_id, date.today())
    return render_template("preferences/candidates.html", slot=slot, candidates=rows, form=form)
