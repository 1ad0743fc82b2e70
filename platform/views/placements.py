"""Offers, placements and their agreements for students, schools, enterprises and the bureau."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import (
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from skillbridge.models import (
    EndReason,
    FilingStatus,
    Party,
    PlacementAgreementKind,
    PlacementStatus,
    Role,
    SlotKind,
    Student,
    utcnow,
)
from skillbridge.platform.auth import (
    actor,
    forget_reauthentication,
    recall_reauthentication,
    remember_reauthentication,
    request_origin,
    role_required,
)
from skillbridge.platform.db import get_session
from skillbridge.platform.downloads import csv_download, xlsx_download
from skillbridge.platform.extensions import limiter
from skillbridge.platform.forms import BoundedDateField, DecisionForm
from skillbridge.platform.i18n import resolved
from skillbridge.platform.routing import url_prefix
from skillbridge.platform.services import bounds
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.listing import ListQuery
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import amendments as placement_amendments
from skillbridge.platform.services.placements import changes as placement_changes
from skillbridge.platform.services.placements import lifecycle as placements_lifecycle
from skillbridge.platform.services.placements import offers as offer_service
from skillbridge.platform.services.placements import records as placements
from skillbridge.platform.services.placements.months import months_left
from skillbridge.platform.services.signatures import reauth

bp = Blueprint("placements", __name__, url_prefix="/placements")
NAV = [
    (("student",), "placements.offers", _l("录用通知")),
    (("student", "school", "enterprise", "bureau"), "placements.index", _l("实习安排")),
    (("school",), "placements.near_cap", _l("临近月数上限")),
    (("bureau",), "placements.plans", _l("实习计划审查")),
]

STATUS_LABELS = {
    PlacementStatus.PROPOSED: _l("拟录用"),
    PlacementStatus.OFFERED: _l("待答复"),
    PlacementStatus.ACCEPTED: _l("已接受"),
    PlacementStatus.DECLINED: _l("已拒绝"),
    PlacementStatus.EXPIRED: _l("已过期"),
    PlacementStatus.ACTIVE: _l("实习中"),
    PlacementStatus.ENDED: _l("已结束"),
    PlacementStatus.CANCELLED: _l("已撤回"),
}
PARTY_LABELS = {
    Party.SCHOOL: _l("学校"),
    Party.ENTERPRISE: _l("实习单位"),
    Party.STUDENT: _l("学生"),
    Party.GUARDIAN: _l("监护人"),
}
KIND_LABELS = {
    SlotKind.POST_INTERNSHIP: _l("岗位实习（顶岗实习）"),
    SlotKind.SHADOW_INTERNSHIP: _l("跟岗实习"),
    SlotKind.APPRENTICESHIP: _l("学徒"),
    SlotKind.ORDER_CLASS: _l("订单班"),
}
PLAN_LABELS = {
    FilingStatus.NOT_FILED: _l("未报备"),
    FilingStatus.FILED: _l("待审查"),
    FilingStatus.APPROVED: _l("已审定备案"),
    FilingStatus.REJECTED: _l("已驳回"),
}
END_REASON_LABELS = {
    EndReason.STUDENT_REQUEST: _l("学生本人申请"),
    EndReason.HOST_CLOSURE: _l("实习单位停产或关闭"),
    EndReason.SAFETY: _l("安全原因"),
    EndReason.MISCONDUCT: _l("严重违纪"),
    EndReason.HEALTH: _l("健康原因"),
    EndReason.MUTUAL_AGREEMENT: _l("各方协商一致"),
    EndReason.TRANSFER: _l("转岗（换企业）"),
    EndReason.OTHER: _l("其他（须说明）"),
}
LABELS = {
    "end_reason_labels": END_REASON_LABELS,
    "end_reason_values": {r.value for r in EndReason},
    "status_labels": STATUS_LABELS,
    "party_labels": PARTY_LABELS,
    "kind_labels": KIND_LABELS,
    "plan_labels": PLAN_LABELS,
    "TRIPARTITE": PlacementAgreementKind.TRIPARTITE_INTERNSHIP,
}


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token."""

    submit = SubmitField(_l("确认"))


class ReauthForm(FlaskForm):
    """The password again, and the hash of the version shown beside it."""

    sha256 = HiddenField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("登录密码"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("确认身份"))


class SignForm(FlaskForm):
    """Signs exactly the version whose hash the page showed."""

    sha256 = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("签署此版本"))


class InsuranceForm(FlaskForm):
    insurer = StringField(_l("保险公司"), validators=[DataRequired(), Length(max=120)])
    policy_no = StringField(_l("保单号"), validators=[DataRequired(), Length(max=60)])
    start = BoundedDateField(_l("保险起期"), validators=[DataRequired()])
    end = BoundedDateField(_l("保险止期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记保险"))


class GuardianForm(FlaskForm):
    guardian_name = StringField(_l("监护人姓名"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("登记监护人书面同意"))


class PlanForm(FlaskForm):
    plan = TextAreaField(_l("实习计划"), validators=[DataRequired(), Length(max=10000)])
    submit = SubmitField(_l("报人社局审定备案"))


class EndForm(FlaskForm):
    end_date = BoundedDateField(_l("结束日期"), validators=[DataRequired()])
    submit = SubmitField(_l("结束实习"))


class ExtendForm(FlaskForm):
    new_end = BoundedDateField(_l("新的结束日期"), validators=[DataRequired()])
    submit = SubmitField(_l("延长实习"))


class AmendForm(FlaskForm):
    start_date = BoundedDateField(_l("开始日期"), validators=[DataRequired()])
    end_date = BoundedDateField(_l("结束日期"), validators=[DataRequired()])
    submit = SubmitField(_l("变更日期"))


class StartForm(FlaskForm):
    started_on = BoundedDateField(_l("实际开始日期（留空为原定开始日期）"), validators=[Optional()])
    submit = SubmitField(_l("确认实习开始"))


class PauseForm(FlaskForm):
    on = BoundedDateField(_l("暂停日期"), validators=[DataRequired()])
    reason = StringField(
        _l("暂停原因"), validators=[DataRequired(), Length(max=placement_changes.REASON_MAX)]
    )
    submit = SubmitField(_l("暂停实习"))


class ResumeForm(FlaskForm):
    on = BoundedDateField(_l("恢复日期"), validators=[DataRequired()])
    submit = SubmitField(_l("恢复实习"))


class TerminateForm(FlaskForm):
    on = BoundedDateField(_l("终止日期"), validators=[DataRequired()])
    reason = SelectField(
        _l("终止原因"),
        choices=[
            SelectChoice(r.value, END_REASON_LABELS[r])
            for r in placement_changes.TERMINATION_REASONS
        ],
        validators=[DataRequired()],
    )
    note = StringField(_l("说明"), validators=[Length(max=placement_changes.REASON_MAX)])
    submit = SubmitField(_l("终止实习"))


class AmendmentForm(FlaskForm):
    end_date = BoundedDateField(_l("新的结束日期"), validators=[DataRequired()])
    reason = StringField(
        _l("变更原因"),
        validators=[DataRequired(), Length(max=placement_amendments.REASON_MAX)],
    )
    submit = SubmitField(_l("提出协议变更"))


class TransferForm(FlaskForm):
    slot_id = SelectField(_l("新的实习岗位（其他企业）"), coerce=int, validators=[DataRequired()])
    last_day = BoundedDateField(_l("在原单位的最后一天"), validators=[DataRequired()])
    note = StringField(_l("转岗原因"), validators=[Length(max=placement_changes.REASON_MAX)])
    submit = SubmitField(_l("转岗"))


@bp.before_request
@login_required
def _authenticated() -> None:
    """Placements are never public; each route narrows the roles further."""


def _done(message: str, placement_id: int | None = None) -> ResponseReturnValue:
    """Commit the request's one change, say so, and go back to the placement (or the list)."""
    get_session().commit()
    flash(message, "success")
    if placement_id is None:
        return redirect(url_for("placements.offers"))
    return redirect(url_for("placements.detail", placement_id=placement_id))


# The page's forms by the name the template knows them by, to show one again as it was sent.
_FORM_NAMES: dict[type[FlaskForm], str] = {
    InsuranceForm: "insurance_form",
    GuardianForm: "guardian_form",
    PlanForm: "plan_form",
    DecisionForm: "decision_form",
    EndForm: "end_form",
    ExtendForm: "extend_form",
    AmendForm: "amend_form",
    StartForm: "start_form",
    PauseForm: "pause_form",
    ResumeForm: "resume_form",
    TerminateForm: "terminate_form",
    TransferForm: "transfer_form",
    AmendmentForm: "amendment_form",
}


def _invalid(form: FlaskForm, placement_id: int) -> ResponseReturnValue:
    """A form that failed its checks comes back with the input kept and each message at its field;
    a bare action (an expired page) goes back to the placement with a note."""
    name = _FORM_NAMES.get(type(form))
    if name is not None:
        return _detail_page(placement_id, **{name: form}), 400
    errors = [f"{form[name].label.text}：{'；'.join(e)}" for name, e in form.errors.items()]
    flash(_("表单有误") + "：" + "，".join(errors), "danger")
    return redirect(url_for("placements.detail", placement_id=placement_id))


@bp.get("/")
@role_required(Role.STUDENT, Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    student = db.get(Student, user.student_id) if user.role == Role.STUDENT else None
    query = ListQuery.parse(request.args, placements.PLACEMENT_LIST)
    page = bounds.page_arg(request.args)
    return render_template(
        "placements/index.html",
        listing=placements.placement_rows_page(db, user, page, query),
        spec=placements.PLACEMENT_LIST,
        query=query,
        to_sign=placement_agreements.agreements_to_sign(db, user)
        if user.role != Role.BUREAU
        else [],
        student=student,
        months_left=months_left(student) if student is not None else None,
        # Every row shows these: translated and built once per page, not once per row.
        row_status_labels=resolved(STATUS_LABELS),
        row_kind_labels=resolved(KIND_LABELS),
        detail_prefix=url_prefix("placements.detail", "placement_id"),
        **LABELS,
    )


@bp.get("/offers")
@role_required(Role.STUDENT)
def offers() -> ResponseReturnValue:
    db = get_session()
    return render_template(
        "placements/offers.html",
        items=offer_service.list_offers(db, actor(), request.args.get("page", 1, type=int)),
        form=ActionForm(),
        today=date.today(),
        **LABELS,
    )


@bp.post("/<int:placement_id>/accept")
@role_required(Role.STUDENT)
def accept(placement_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _invalid(ActionForm(), placement_id)
    offer_service.accept_offer(get_session(), actor(), placement_id, date.today())
    return _done(_("已接受录用，请签署实习协议"), placement_id)


@bp.post("/<int:placement_id>/decline")
@role_required(Role.STUDENT)
def decline(placement_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _invalid(ActionForm(), placement_id)
    offer_service.decline_offer(get_session(), actor(), placement_id, date.today())
    return _done(_("已拒绝该录用通知"))


@bp.get("/<int:placement_id>")
def detail(placement_id: int) -> ResponseReturnValue:
    return _detail_page(placement_id)


def _detail_page(placement_id: int, **submitted: FlaskForm) -> str:
    """The placement page with its forms; a form the user just submitted keeps its input."""
    db, user, today = get_session(), actor(), date.today()
    page = placement_agreements.describe_placement(db, user, placement_id, today)
    placement = page.context.placement
    panel = placement_changes.change_panel(
        db, user, page.context, today, bounds.int_arg(request.args, "history", minimum=1) or 1
    )
    forms: dict[str, FlaskForm] = {
        "action_form": ActionForm(),
        "insurance_form": InsuranceForm(formdata=None),
        "guardian_form": GuardianForm(formdata=None),
        "plan_form": PlanForm(formdata=None),
        "decision_form": DecisionForm(formdata=None),
        "end_form": EndForm(formdata=None, end_date=placement.end_date),
        "extend_form": ExtendForm(formdata=None),
        "amend_form": AmendForm(
            formdata=None, start_date=placement.start_date, end_date=placement.end_date
        ),
        "start_form": StartForm(formdata=None),
        "pause_form": PauseForm(formdata=None, on=today),
        "resume_form": ResumeForm(formdata=None, on=today),
        "terminate_form": TerminateForm(formdata=None, on=today),
        "transfer_form": _transfer_form(placement_id, formdata=None, last_day=today)
        if panel.can_transfer
        else None,
        "amendment_form": AmendmentForm(formdata=None, end_date=placement.end_date),
    }
    return render_template(
        "placements/detail.html",
        page=page,
        panel=panel,
        **(forms | submitted),
        **LABELS,
    )


def _transfer_form(placement_id: int, **values: object) -> TransferForm:
    """The transfer form with the open slots of other hosts to choose from."""
    form = TransferForm(**values)
    form.slot_id.choices = [
        SelectChoice(slot.id, f"{slot.title} · #{slot.id}")
        for slot in placement_changes.transfer_slots(get_session(), actor(), placement_id)
    ]
    return form


def _refused(
    placement_id: int, form_name: str, form: FlaskForm, error: DomainError
) -> ResponseReturnValue:
    """A refused step: nothing is kept, and the page comes back with the typed input and why."""
    get_session().rollback()
    form.form_errors = [error.message, *error.details]
    return _detail_page(placement_id, **{form_name: form}), error.status


@bp.get("/<int:placement_id>/agreement")
def agreement(placement_id: int) -> ResponseReturnValue:
    db = get_session()
    signing = placement_agreements.signing_page(db, actor(), placement_id, date.today())
    version = signing.version
    if version is None:
        flash(_("接受录用后才会生成实习协议"), "info")
        return redirect(url_for("placements.detail", placement_id=placement_id))
    sha256 = version.content_sha256  # read before the commit expires the row
    # An agreement older than versioning got its first version just now.
    db.commit()
    return render_template(
        "placements/agreement.html",
        page=signing.page,
        version=version,
        reauth_form=ReauthForm(sha256=sha256),
        sign_form=SignForm(sha256=sha256),
        reauthenticated=reauth.is_fresh(recall_reauthentication(), actor(), sha256, utcnow()),
        reauth_minutes=int(reauth.REAUTH_WINDOW.total_seconds() // 60),
        **LABELS,
    )


def _reauth_key() -> str:
    # Password guesses through the signing form count per user, as on the password page.
    return f"reauth|{current_user.id if current_user.is_authenticated else '-'}"


def _to_signing(placement_id: int) -> ResponseReturnValue:
    return redirect(url_for("placements.agreement", placement_id=placement_id, _anchor="sign"))


@bp.post("/<int:placement_id>/reauth")
@role_required(Role.STUDENT, Role.SCHOOL, Role.ENTERPRISE)
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_RATE_LIMIT"], key_func=_reauth_key)
def reauthenticate(placement_id: int) -> ResponseReturnValue:
    form = ReauthForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    proof = placement_agreements.reauthenticate_to_sign(
        get_session(), actor(), placement_id, form.password.data, form.sha256.data, utcnow()
    )
    get_session().commit()
    remember_reauthentication(proof)
    flash(_("身份已确认，请在5分钟内签署"), "success")
    return _to_signing(placement_id)


@bp.post("/<int:placement_id>/sign")
@role_required(Role.STUDENT, Role.SCHOOL, Role.ENTERPRISE)
def sign(placement_id: int) -> ResponseReturnValue:
    form = SignForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    placement_agreements.sign_agreement(
        get_session(),
        actor(),
        placement_id,
        placement_agreements.SignRequest(
            form.sha256.data, recall_reauthentication(), request_origin()
        ),
        utcnow(),
    )
    forget_reauthentication()
    return _done(_("已签署协议"), placement_id)


@bp.post("/<int:placement_id>/insurance")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def insurance(placement_id: int) -> ResponseReturnValue:
    form = InsuranceForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_agreements.record_insurance(
            get_session(),
            actor(),
            placement_id,
            placement_agreements.Insurance(
                form.insurer.data, form.policy_no.data, form.start.data, form.end.data
            ),
        )
    except DomainError as error:
        return _refused(placement_id, "insurance_form", form, error)
    return _done(_("保险信息已登记"), placement_id)


@bp.post("/<int:placement_id>/guardian")
@role_required(Role.SCHOOL)
def guardian(placement_id: int) -> ResponseReturnValue:
    form = GuardianForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_agreements.record_guardian_consent(
            get_session(), actor(), placement_id, form.guardian_name.data
        )
    except DomainError as error:
        return _refused(placement_id, "guardian_form", form, error)
    return _done(_("监护人同意书已登记"), placement_id)


@bp.post("/<int:placement_id>/plan")
@role_required(Role.SCHOOL)
def file_plan(placement_id: int) -> ResponseReturnValue:
    form = PlanForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_agreements.file_internship_plan(
            get_session(), actor(), placement_id, form.plan.data
        )
    except DomainError as error:
        return _refused(placement_id, "plan_form", form, error)
    return _done(_("实习计划已报人社局审定备案"), placement_id)


@bp.post("/<int:placement_id>/plan/decision")
@role_required(Role.BUREAU)
def decide_plan(placement_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_agreements.decide_internship_plan(
            get_session(),
            actor(),
            placement_id,
            approve=bool(form.approve.data),
            reason=form.reason.data or "",
        )
    except DomainError as error:
        return _refused(placement_id, "decision_form", form, error)
    get_session().commit()
    flash(_("审查结果已保存"), "success")
    return redirect(url_for("placements.plans"))


@bp.post("/<int:placement_id>/start")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def start(placement_id: int) -> ResponseReturnValue:
    form = StartForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placements_lifecycle.start_placement(
            get_session(), actor(), placement_id, date.today(), form.started_on.data
        )
    except DomainError as error:
        return _refused(placement_id, "start_form", form, error)
    return _done(_("实习已开始"), placement_id)


@bp.post("/<int:placement_id>/end")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def end(placement_id: int) -> ResponseReturnValue:
    form = EndForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placements_lifecycle.end_placement(get_session(), actor(), placement_id, form.end_date.data)
    except DomainError as error:
        return _refused(placement_id, "end_form", form, error)
    return _done(_("实习已结束"), placement_id)


@bp.post("/<int:placement_id>/extend")
@role_required(Role.SCHOOL)
def extend(placement_id: int) -> ResponseReturnValue:
    form = ExtendForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placements_lifecycle.extend_placement(
            get_session(), actor(), placement_id, form.new_end.data
        )
    except DomainError as error:
        return _refused(placement_id, "extend_form", form, error)
    return _done(_("实习已延长"), placement_id)


@bp.post("/<int:placement_id>/amend")
@role_required(Role.SCHOOL)
def amend(placement_id: int) -> ResponseReturnValue:
    form = AmendForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placements_lifecycle.amend_placement(
            get_session(), actor(), placement_id, form.start_date.data, form.end_date.data
        )
    except DomainError as error:
        return _refused(placement_id, "amend_form", form, error)
    return _done(_("实习日期已变更，各方需重新签署协议"), placement_id)


@bp.post("/<int:placement_id>/cancel")
@role_required(Role.STUDENT, Role.SCHOOL)
def cancel(placement_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _invalid(ActionForm(), placement_id)
    placements_lifecycle.cancel_placement(get_session(), actor(), placement_id)
    return _done(_("实习安排已撤回，名额和月数已释放"), placement_id)


def _export_columns() -> tuple[list[str], Callable[[placements.PlacementContext], list[object]]]:
    """The export's headers and its row of one placement, in the reader's language."""
    headers = [_("学生"), _("学校"), _("实习单位"), _("岗位"), _("类型"), _("开始日期")]
    headers += [_("结束日期"), _("月数"), _("计入月数上限"), _("状态")]
    # Resolved now: a streamed body runs after the request, outside its language.
    kinds = {kind: str(label) for kind, label in KIND_LABELS.items()}
    statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
    yes, no = _("是"), _("否")

    def row(c: placements.PlacementContext) -> list[object]:
        p = c.placement
        return [
            c.student.name, c.school.name, c.enterprise.name, c.slot.title, kinds[c.slot.kind],
            p.start_date.isoformat(), p.end_date.isoformat(), p.months,
            yes if p.counts_toward_cap else no, statuses[p.status],
        ]  # fmt: skip

    return headers, row


def _export(extension: str) -> ResponseReturnValue:
    user, query = actor(), ListQuery.parse(request.args, placements.PLACEMENT_LIST)
    headers, row = _export_columns()
    name = f"placements-{date.today().isoformat()}.{extension}"

    def rows(session: Session) -> Iterable[list[object]]:
        return (row(c) for c in placements.placements_for_export(session, user, query))

    if extension == "csv":
        return csv_download(name, headers, rows)
    return xlsx_download(name, headers, rows, _("实习安排"))


@bp.get("/export.csv")
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def export_csv() -> ResponseReturnValue:
    return _export("csv")


@bp.get("/export.xlsx")
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def export_xlsx() -> ResponseReturnValue:
    return _export("xlsx")


@bp.post("/<int:placement_id>/pause")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def pause(placement_id: int) -> ResponseReturnValue:
    placement_changes.authorise_change(get_session(), actor(), placement_id, transfer=False)
    form = PauseForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_changes.pause_placement(
            get_session(), actor(), placement_id, form.on.data, form.reason.data, date.today()
        )
    except DomainError as error:
        return _refused(placement_id, "pause_form", form, error)
    return _done(_("实习已暂停，暂停期间不计入实习月数"), placement_id)


@bp.post("/<int:placement_id>/resume")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def resume(placement_id: int) -> ResponseReturnValue:
    placement_changes.authorise_change(get_session(), actor(), placement_id, transfer=False)
    form = ResumeForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_changes.resume_placement(
            get_session(), actor(), placement_id, form.on.data, date.today()
        )
    except DomainError as error:
        return _refused(placement_id, "resume_form", form, error)
    return _done(_("实习已恢复"), placement_id)


@bp.post("/<int:placement_id>/terminate")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def terminate(placement_id: int) -> ResponseReturnValue:
    placement_changes.authorise_change(get_session(), actor(), placement_id, transfer=False)
    form = TerminateForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_changes.terminate_placement(
            get_session(),
            actor(),
            placement_id,
            form.on.data,
            EndReason(form.reason.data),
            form.note.data or "",
            date.today(),
        )
    except DomainError as error:
        return _refused(placement_id, "terminate_form", form, error)
    return _done(_("实习已终止"), placement_id)


@bp.post("/<int:placement_id>/transfer")
@role_required(Role.SCHOOL)
def transfer(placement_id: int) -> ResponseReturnValue:
    placement_changes.authorise_change(get_session(), actor(), placement_id, transfer=True)
    form = _transfer_form(placement_id)
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        new = placement_changes.transfer_placement(
            get_session(),
            actor(),
            placement_id,
            placement_changes.Transfer(form.slot_id.data, form.last_day.data, form.note.data or ""),
            date.today(),
        )
    except DomainError as error:
        return _refused(placement_id, "transfer_form", form, error)
    new_id = new.id  # read before the commit expires the row
    return _done(_("已转岗，新的实习安排待各方签署协议"), new_id)


@bp.post("/<int:placement_id>/amendment")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def propose_amendment(placement_id: int) -> ResponseReturnValue:
    placement_amendments.authorise_amendment(get_session(), actor(), placement_id)
    form = AmendmentForm()
    if not form.validate_on_submit():
        return _invalid(form, placement_id)
    try:
        placement_amendments.propose_amendment(
            get_session(),
            actor(),
            placement_id,
            placement_amendments.Proposal(form.end_date.data, form.reason.data),
            utcnow(),
            date.today(),
        )
    except DomainError as error:
        return _refused(placement_id, "amendment_form", form, error)
    return _done(_("已提出协议变更，各方签署后生效"), placement_id)


@bp.post("/<int:placement_id>/amendment/withdraw")
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def withdraw_amendment(placement_id: int) -> ResponseReturnValue:
    placement_amendments.authorise_amendment(get_session(), actor(), placement_id)
    if not ActionForm().validate_on_submit():
        return _invalid(ActionForm(), placement_id)
    placement_amendments.withdraw_amendment(get_session(), actor(), placement_id, utcnow())
    return _done(_("已撤回协议变更"), placement_id)


@bp.get("/near-cap")
@role_required(Role.SCHOOL)
def near_cap() -> ResponseReturnValue:
    return render_template(
        "placements/near_cap.html",
        students=placements.students_near_cap(
            get_session(), actor(), page=request.args.get("page", 1, type=int)
        ),
        within=placements.NEAR_CAP_MONTHS,
    )


@bp.get("/plans")
@role_required(Role.BUREAU)
def plans() -> ResponseReturnValue:
    return render_template(
        "placements/plans.html",
        items=placement_agreements.plans_to_review(
            get_session(), actor(), request.args.get("page", 1, type=int)
        ),
        form=DecisionForm(),
        **LABELS,
    )
