"""Cooperation agreement pages: propose, accept, file, review, terminate, and R3 coverage."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from skillbridge.models import (
    CooperationKind,
    Enterprise,
    Party,
    Role,
    School,
    Specialty,
)
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import (
    AGREEMENT_STATUS_LABELS,
    COOPERATION_KIND_LABELS,
    ActionForm,
    BoundedDateField,
    DecisionForm,
    ReasonForm,
)
from skillbridge.platform.i18n import resolved
from skillbridge.platform.routing import url_prefix
from skillbridge.platform.services import bounds
from skillbridge.platform.services.bulk import BatchRefused
from skillbridge.platform.services.cooperation import agreements as cooperation
from skillbridge.platform.services.cooperation import rows
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.listing import ListQuery
from skillbridge.platform.services.policies import (
    can_review_filing,
    can_terminate_agreement,
    is_party_to_agreement,
)

bp = Blueprint("cooperation", __name__, url_prefix="/agreements")
NAV = [
    (("school", "enterprise", "bureau"), "cooperation.index", _l("合作协议")),
    (("school", "bureau"), "cooperation.coverage", _l("专业合作企业")),
]

KIND_LABELS = COOPERATION_KIND_LABELS
STATUS_LABELS = AGREEMENT_STATUS_LABELS


class ProposalForm(FlaskForm):
    counterpart_id = SelectField(_l("合作方"), coerce=int)
    kind = SelectField(
        _l("合作类型"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()]
    )
    specialty_ids = SelectMultipleField(_l("合作专业（可多选）"), coerce=int)
    valid_from = BoundedDateField(_l("有效期起"), validators=[DataRequired()])
    valid_to = BoundedDateField(_l("有效期止"), validators=[DataRequired()])
    submit = SubmitField(_l("提交合作意向"))


def _proposal_form() -> ProposalForm:
    db, user = get_session(), actor()
    form = ProposalForm()
    form.counterpart_id.choices = [
        SelectChoice(o.id, o.name) for o in cooperation.counterpart_choices(db, user)
    ]
    if user.role == Role.SCHOOL and user.school_id is not None:
        ids = sorted(cooperation.school_specialty_ids(db, user.school_id))
        specialties = db.scalars(select(Specialty).where(Specialty.id.in_(ids)))
    else:
        specialties = db.scalars(select(Specialty).order_by(Specialty.code))
    form.specialty_ids.choices = [SelectChoice(s.id, f"{s.code} {s.name}") for s in specialties]
    return form


@bp.get("/")
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    query = ListQuery.parse(request.args, cooperation.AGREEMENT_LIST)
    return render_template(
        "cooperation/index.html",
        agreements=rows.agreement_rows_page(db, user, bounds.page_arg(request.args), query),
        # Every row shows these: translated and built once per page, not once per row.
        kind_labels=resolved(KIND_LABELS),
        status_labels=resolved(STATUS_LABELS),
        detail_prefix=url_prefix("cooperation.detail", "agreement_id"),
        spec=cooperation.AGREEMENT_LIST,
        query=query,
        bulk_form=DecisionForm() if user.role == Role.BUREAU else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def propose() -> ResponseReturnValue:
    form = _proposal_form()
    if form.validate_on_submit():
        db = get_session()
        data = cooperation.AgreementInput(
            counterpart_id=form.counterpart_id.data,
            kind=CooperationKind(form.kind.data),
            specialty_ids=tuple(form.specialty_ids.data or ()),
            valid_from=form.valid_from.data,
            valid_to=form.valid_to.data,
        )
        try:
            agreement = cooperation.propose_agreement(db, actor(), data, date.today())
        except DomainError as error:
            db.rollback()
            flash(error.message, "danger")
            for detail in error.details:
                flash(detail, "danger")
            return render_template("cooperation/propose.html", form=form), error.status
        db.commit()
        flash(_("合作意向已提交，等待对方确认"), "success")
        return redirect(url_for("cooperation.detail", agreement_id=agreement.id))
    status = 400 if request.method == "POST" else 200
    return render_template("cooperation/propose.html", form=form), status


@bp.get("/<int:agreement_id>")
@login_required
def detail(agreement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    agreement = cooperation.get_agreement(db, user, agreement_id)
    school = db.get_one(School, agreement.school_id)
    party = is_party_to_agreement(user, agreement)
    proposer_side = Role.SCHOOL if agreement.proposed_by == Party.SCHOOL else Role.ENTERPRISE
    return render_template(
        "cooperation/detail.html",
        agreement=agreement,
        school=school,
        enterprise=db.get(Enterprise, agreement.enterprise_id),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        may_accept=party and user.role != proposer_side,
        may_file=party and user.role == Role.SCHOOL,
        may_decide=can_review_filing(user, school.region_id),
        may_terminate=can_terminate_agreement(user, agreement, school.region_id),
        action_form=ActionForm(),
        decision_form=DecisionForm(),
        reason_form=ReasonForm(),
    )


def _done(agreement_id: int, message: str) -> ResponseReturnValue:
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("cooperation.detail", agreement_id=agreement_id))


def _expired_form(agreement_id: int) -> ResponseReturnValue:
    flash(_("表单已过期，请重试"), "danger")
    return redirect(url_for("cooperation.detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/accept")
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def accept(agreement_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired_form(agreement_id)
    cooperation.accept_agreement(get_session(), actor(), agreement_id, date.today())
    return _done(agreement_id, _("已确认合作协议"))


@bp.post("/<int:agreement_id>/decline")
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def decline(agreement_id: int) -> ResponseReturnValue:
    # As for terminate: the service settles who may answer before it looks at the reason.
    reason = ReasonForm().reason.data or ""
    cooperation.decline_agreement(get_session(), actor(), agreement_id, reason)
    return _done(agreement_id, _("已拒绝该合作意向"))


@bp.post("/<int:agreement_id>/file")
@login_required
@role_required(Role.SCHOOL)
def file(agreement_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired_form(agreement_id)
    cooperation.file_agreement(get_session(), actor(), agreement_id)
    return _done(agreement_id, _("协议已报人社局备案"))


@bp.post("/<int:agreement_id>/decide")
@login_required
@role_required(Role.BUREAU)
def decide(agreement_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if not form.validate_on_submit():
        return _expired_form(agreement_id)
    cooperation.decide_agreement(
        get_session(),
        actor(),
        agreement_id,
        approve=bool(form.approve.data),
        reason=form.reason.data or "",
        today=date.today(),
    )
    return _done(agreement_id, _("审查结果已保存"))


@bp.post("/decide-many")
@login_required
@role_required(Role.BUREAU)
def decide_many() -> ResponseReturnValue:
    form, db = DecisionForm(), get_session()
    ids = [int(v) for v in request.form.getlist("agreement_ids") if v.isdigit()]
    try:
        decided = cooperation.decide_agreements(
            db, actor(), ids, bool(form.approve.data), form.reason.data or "", date.today()
        )
    except BatchRefused as error:
        db.rollback()
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
        for refusal in error.refusals:
            flash(
                _("协议 #%(id)d：%(reason)s", id=refusal.object_id, reason=_(refusal.message)),
                "danger",
            )
        return redirect(url_for("cooperation.index", status="filed"))
    db.commit()
    flash(ngettext("已审查 %(num)d 份协议", "已审查 %(num)d 份协议", len(decided)), "success")
    return redirect(url_for("cooperation.index", status="filed"))


@bp.post("/<int:agreement_id>/terminate")
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def terminate(agreement_id: int) -> ResponseReturnValue:
    # CSRFProtect has checked the token already; the service authorises before it checks the
    # reason, so nobody learns anything about an agreement that is not theirs.
    reason = ReasonForm().reason.data or ""
    cooperation.terminate_agreement(get_session(), actor(), agreement_id, reason)
    return _done(agreement_id, _("合作协议已终止"))


@bp.get("/coverage")
@login_required
@role_required(Role.SCHOOL, Role.BUREAU)
def coverage() -> ResponseReturnValue:
    rows = cooperation.partner_coverage(get_session(), actor(), date.today())
    return render_template("cooperation/coverage.html", rows=rows)
