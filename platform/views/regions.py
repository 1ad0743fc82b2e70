"""Regions above cities: an upper bureau's sums over its cities, the read-only drill-down into
each city's dashboard, supervision and lists, and onboarding a city (pack, budgets, officer)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from skillbridge.models import Region, RegionLevel, Role, utcnow
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_database, get_session
from skillbridge.platform.figures_jobs import enqueue_refresh
from skillbridge.platform.forms import invalid_form
from skillbridge.platform.policy import REGION_CODES, load_pack
from skillbridge.platform.policy.supervision import quality_settings
from skillbridge.platform.services import bounds
from skillbridge.platform.services.incidents import labels as incident_labels
from skillbridge.platform.services.incidents.times import to_local
from skillbridge.platform.services.oversight import supervision as supervision_figures
from skillbridge.platform.services.oversight import supervision_snapshot
from skillbridge.platform.services.regions import figures as region_figures
from skillbridge.platform.services.regions import onboarding
from skillbridge.platform.services.reporting import dashboard, dashboard_snapshot, snapshots
from skillbridge.platform.services.reporting import lists as dashboard_lists
from skillbridge.platform.views.dashboard import rendered_charts
from skillbridge.platform.views.subsidies import AllocationForm

bp = Blueprint("regions", __name__, url_prefix="/bureau/regions")
NAV = [(("bureau",), "regions.index", _l("下级地区"))]
LEVEL_LABELS = {
    RegionLevel.PROVINCE: _l("省"),
    RegionLevel.AUTONOMOUS_REGION: _l("自治区"),
    RegionLevel.PREFECTURE: _l("地级市、盟"),
    RegionLevel.CITY: _l("市"),
    RegionLevel.DISTRICT: _l("区、县、开发区"),
}


class RegionForm(FlaskForm):
    code = StringField(_l("地区代码"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("地区名称"), validators=[DataRequired(), Length(max=100)])
    level = SelectField(_l("级别"))
    pack = SelectField(_l("政策包"))
    submit = SubmitField(_l("新增地区并安装政策包"))


class FirstOfficerForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=[DataRequired(), Email(), Length(max=120)])
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("邀请首位经办人"))


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """The regions above cities are the bureaus'; the services check the level and the officer."""


def _region_form(parent: Region) -> RegionForm:
    form = RegionForm()
    form.level.choices = [
        SelectChoice(level.value, str(LEVEL_LABELS[level]))
        for level in onboarding.child_levels(parent)
    ]
    form.pack.choices = [SelectChoice("", _("无（上级地区，不设政策包）"))] + [
        SelectChoice(code, f"{load_pack(code).name_zh}（{code}）") for code in REGION_CODES
    ]
    return form


@bp.get("/")
def index() -> ResponseReturnValue:
    # Reading a city's snapshot may store its first count: a writing session of its own, as
    # the dashboard's (views/dashboard.py).
    with get_database().session_scope() as writer:
        sums, stale = region_figures.region_sums(
            writer, actor(), date.today(), utcnow(), bounds.page_arg(request.args)
        )
    for board, region_id in stale:
        enqueue_refresh(current_app, board, region_id)
    return render_template(
        "regions/index.html",
        sums=sums,
        counted_at=to_local(sums.counted_at) if sums.counted_at else None,
        may_onboard=bool(onboarding.child_levels(sums.region)),
        labels=LEVEL_LABELS,
    )


@bp.get("/new")
def new() -> ResponseReturnValue:
    parent = onboarding.upper_region(get_session(), actor())
    return render_template("regions/new.html", form=_region_form(parent), parent=parent)


@bp.post("/new")
def create() -> ResponseReturnValue:
    db = get_session()
    form = _region_form(onboarding.upper_region(db, actor()))
    if not form.validate_on_submit():
        raise invalid_form(form)
    region = onboarding.onboard_region(
        db, actor(), form.code.data, form.name.data, form.level.data, form.pack.data or None
    )
    db.commit()
    flash(_("已新增地区 %(name)s：请设定资金并邀请首位经办人", name=region.name), "success")
    return redirect(url_for("regions.setup", region_id=region.id))


@bp.get("/<int:region_id>")
def setup(region_id: int) -> ResponseReturnValue:
    page = onboarding.setup_of(get_session(), actor(), region_id, bounds.page_arg(request.args))
    return render_template(
        "regions/setup.html",
        setup=page,
        labels=LEVEL_LABELS,
        allocation_form=AllocationForm(),
        officer_form=FirstOfficerForm(),
    )


@bp.post("/<int:region_id>/budgets/<int:budget_id>")
def allocate(region_id: int, budget_id: int) -> ResponseReturnValue:
    form = AllocationForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    onboarding.set_initial_budget(db, actor(), region_id, budget_id, form.allocated_yuan.data or 0)
    db.commit()
    flash(_("资金总额已保存"), "success")
    return redirect(url_for("regions.setup", region_id=region_id))


@bp.post("/<int:region_id>/officer")
def invite_officer(region_id: int) -> ResponseReturnValue:
    form = FirstOfficerForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    invitation, token = onboarding.invite_first_officer(
        db, actor(), region_id, form.email.data, form.display_name.data
    )
    db.commit()
    link = url_for("auth.join", token=token, _external=True)
    # The token is shown this once: the database keeps only its hash.
    flash(
        _("已邀请 %(email)s，请把一次性链接发给对方：%(link)s", email=invitation.email, link=link),
        "success",
    )
    return redirect(url_for("regions.setup", region_id=region_id))


# ── the read-only drill-down into a region below ──


def _drill(region_id: int) -> dict[str, Any]:
    """What the dashboard templates link to when an upper bureau reads `region_id`."""
    return {
        "drill": get_session().get_one(Region, region_id),
        "scope": {"region_id": region_id},
        "list_url": functools.partial(url_for, "regions.listing", region_id=region_id),
        "supervision_endpoint": "regions.supervision",
    }


def _snapshot(board: snapshots.Board[Any], region_id: int) -> Any:
    """The region's figures of the board as `dashboard._snapshot` reads the bureau's own."""
    today, now = date.today(), utcnow()
    fresh = snapshots.fresh_for_bureau(get_session(), board, actor(), today, now, region_id)
    if fresh is not None:
        return fresh
    with get_database().session_scope() as writer:
        figures, stale = snapshots.for_bureau(writer, board, actor(), today, now, region_id)
    if stale is not None:
        enqueue_refresh(current_app, board.name, stale)
    return figures


@bp.get("/<int:region_id>/dashboard")
def dashboard_of(region_id: int) -> ResponseReturnValue:
    counted = _snapshot(dashboard_snapshot.BOARD, region_id)
    board = dashboard.build_dashboard(get_session(), actor(), date.today(), counted, region_id)
    pages = _drill(region_id)
    return render_template(
        "dashboard/index.html",
        board=board,
        charts=rendered_charts(board, pages),
        counted_at=to_local(board.counted_at),
        max_age=quality_settings().figures_max_age_minutes,
        **pages,
    )


@bp.get("/<int:region_id>/supervision")
def supervision(region_id: int) -> ResponseReturnValue:
    counted = _snapshot(supervision_snapshot.BOARD, region_id)
    figures = supervision_figures.supervision(
        get_session(),
        actor(),
        date.today(),
        school_page=request.args.get("school_page", 1, type=int),
        enterprise_page=request.args.get("enterprise_page", 1, type=int),
        counted=counted,
        region_id=region_id,
    )
    return render_template(
        "dashboard/supervision.html",
        figures=figures,
        counted_at=to_local(figures.counted_at),
        max_age=quality_settings().figures_max_age_minutes,
        incident_labels=incident_labels,
        **_drill(region_id),
    )


@bp.get("/<int:region_id>/lists/<name>")
def listing(region_id: int, name: str) -> ResponseReturnValue:
    db = get_session()
    args = {k: v for k, v in request.args.items() if k != "page"}
    opened = dashboard_lists.open_list(db, actor(), name, request.args, date.today(), region_id)
    page = dashboard_lists.page_of(db, opened, bounds.page_arg(request.args))
    return render_template(
        "dashboard/list.html",
        listing=opened,
        page=page,
        args=args,
        finding_endpoint=None,
        **_drill(region_id),
    )
