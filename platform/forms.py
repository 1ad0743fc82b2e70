"""WTForms for accounts; labels are translatable, validation messages name the field."""

from __future__ import annotations

from functools import cache, cached_property

from babel.support import NullTranslations, Translations
from flask import Flask, Request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from skillbridge.models import (
    AgreementStatus,
    CooperationKind,
    EducationLevel,
    SchoolType,
    StaffRole,
)
from skillbridge.platform.services import bounds
from skillbridge.platform.services.accounts.passwords import MIN_PASSWORD_LENGTH
from skillbridge.platform.services.errors import InvalidInput

SCHOOL_TYPE_LABELS = {
    SchoolType.SECONDARY_VOCATIONAL: _l("中等职业学校"),
    SchoolType.TECHNICAL: _l("技工学校"),
    SchoolType.HIGHER_VOCATIONAL: _l("高等职业院校"),
    SchoolType.TECHNICIAN_COLLEGE: _l("技师学院"),
}

EDUCATION_LEVEL_LABELS = {
    EducationLevel.SECONDARY: _l("中职 / 中级工班"),
    EducationLevel.SENIOR: _l("高级工班"),
    EducationLevel.PRE_TECHNICIAN: _l("预备技师班"),
    EducationLevel.HIGHER: _l("高职"),
}

COOPERATION_KIND_LABELS = {
    CooperationKind.INTERNSHIP_BASE: _l("顶岗实习基地"),
    CooperationKind.ORDER_TRAINING: _l("订单培养"),
    CooperationKind.APPRENTICESHIP: _l("学徒制"),
    CooperationKind.DIRECTED_TRAINING: _l("定向培养"),
}

AGREEMENT_STATUS_LABELS = {
    AgreementStatus.PROPOSED: _l("待对方确认"),
    AgreementStatus.ACCEPTED: _l("双方已确认，待学校备案"),
    AgreementStatus.DECLINED: _l("对方已拒绝"),
    AgreementStatus.FILED: _l("已备案，待人社局审查"),
    AgreementStatus.APPROVED: _l("已批准"),
    AgreementStatus.REJECTED: _l("已驳回"),
    AgreementStatus.TERMINATED: _l("已终止"),
    AgreementStatus.EXPIRED: _l("已到期"),
}


STAFF_ROLE_LABELS = {
    StaffRole.ADMIN: _l("管理员"),
    StaffRole.PLACEMENT_OFFICER: _l("实习管理员"),
    StaffRole.TEACHER: _l("指导教师"),
    StaffRole.HR: _l("人力资源"),
    StaffRole.MENTOR: _l("师傅（企业导师）"),
    StaffRole.OFFICER: _l("经办人员"),
    StaffRole.REVIEWER: _l("审核人员"),
    StaffRole.FINANCE: _l("财务人员"),
    StaffRole.SELF: _l("本人"),
}


@cache
def _wtforms_translations(locale: str) -> NullTranslations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class FormRequest(Request):
    """A request whose WTForms messages come from a catalogue loaded once per locale.

    Flask-WTF looks for them in the request's `wtforms_translations` and, finding none, reads
    and parses WTForms' catalogue file again for every request that validates a form.
    """

    @cached_property
    def wtforms_translations(self) -> NullTranslations:
        return _wtforms_translations(str(get_locale()))


def init_forms(app: Flask) -> None:
    """Serve the app's requests as FormRequest."""
    app.request_class = FormRequest


def invalid_form(form: FlaskForm) -> InvalidInput:
    """A form's errors as one InvalidInput (a 400 naming each field and what is wrong with it)."""
    return InvalidInput(
        _("表单填写有误"),
        details=[
            f"{form[name].label.text}：{message}"
            for name, messages in form.errors.items()
            for message in messages
        ],
    )


class ColumnIntegerField(IntegerField):
    """An integer field that never hands on a number its database column cannot hold.

    A field's own NumberRange states the rule; this bound stands behind every field that has
    none (a seed, an id, an amount), so a typed 10**20 is a form error, not a database one.
    """

    def pre_validate(self, form: FlaskForm) -> None:
        # Before the field's own validators: DataRequired would clear an earlier error.
        if self.data is not None and not -bounds.INTEGER_MAX <= self.data <= bounds.INTEGER_MAX:
            raise StopValidation(_("数值超出允许范围"))


class BoundedDateField(DateField):
    """A date field that refuses dates outside the calendar the platform deals with."""

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data is not None and not bounds.date_in_range(self.data):
            raise StopValidation(
                _(
                    "日期须在 %(earliest)s 至 %(latest)s 之间",
                    earliest=bounds.EARLIEST_DATE.isoformat(),
                    latest=bounds.LATEST_DATE.isoformat(),
                )
            )


class LoginForm(FlaskForm):
    # Named `email` for the rate limits' keys; a worker may log in with a mobile number instead.
    email = StringField(_l("邮箱或手机号"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("密码"), validators=[DataRequired()])
    submit = SubmitField(_l("登录"))


class _AccountFields(FlaskForm):
    contact_name = StringField(_l("联系人"), validators=[DataRequired(), Length(max=60)])
    contact_phone = StringField(_l("联系电话"), validators=[DataRequired(), Length(max=30)])
    email = EmailField(_l("登录邮箱"), validators=[DataRequired(), Email(), Length(max=120)])
    password = PasswordField(
        _l("密码"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("确认密码"), validators=[DataRequired(), EqualTo("password", _l("两次输入的密码不一致"))]
    )


class SchoolRegistrationForm(_AccountFields):
    name = StringField(_l("学校名称"), validators=[DataRequired(), Length(max=120)])
    code = StringField(_l("学校标识码（10 位）"), validators=[DataRequired(), Length(10, 10)])
    school_type = SelectField(
        _l("学校类型"), choices=[SelectChoice(k.value, v) for k, v in SCHOOL_TYPE_LABELS.items()]
    )
    region_id = SelectField(_l("所在地区"), coerce=int)
    submit = SubmitField(_l("提交注册"))


class EnterpriseRegistrationForm(_AccountFields):
    name = StringField(_l("企业名称"), validators=[DataRequired(), Length(max=120)])
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(), Length(18, 18)])
    industry = StringField(_l("所属行业"), validators=[DataRequired(), Length(max=60)])
    staff_headcount = IntegerField(
        _l("在岗职工总数"), validators=[DataRequired(), NumberRange(min=1, max=10_000_000)]
    )
    region_id = SelectField(_l("所在地区"), coerce=int)
    submit = SubmitField(_l("提交注册"))


class ActivationForm(FlaskForm):
    invitation_code = StringField(_l("邀请码"), validators=[DataRequired(), Length(max=32)])
    # Checked by the service after normalising: Length(4, 4) would count spaces ("   6").
    id_last4 = StringField(_l("身份证号后四位"), validators=[DataRequired(), Length(max=10)])
    email = EmailField(_l("登录邮箱"), validators=[DataRequired(), Email()])
    password = PasswordField(
        _l("密码"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    submit = SubmitField(_l("激活账号"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new = PasswordField(
        _l("新密码"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("确认新密码"), validators=[DataRequired(), EqualTo("new", _l("两次输入的密码不一致"))]
    )
    submit = SubmitField(_l("修改密码"))


class DecisionForm(FlaskForm):
    reason = StringField(_l("理由（驳回时必填）"), validators=[Length(max=500)])
    approve = SubmitField(_l("通过"))
    reject = SubmitField(_l("驳回"))


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token (accept, file)."""

    submit = SubmitField(_l("确认"))


class ReasonForm(FlaskForm):
    """A button that needs a reason (decline, terminate)."""

    reason = StringField(_l("理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("提交"))


class SpecialtyForm(FlaskForm):
    code = StringField(_l("专业代码"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("专业名称（目录中没有该代码时必填）"), validators=[Length(max=100)])
    occupation_ids = SelectMultipleField(_l("对应职业（工种）（新专业必选）"), coerce=int)
    submit = SubmitField(_l("添加专业"))


class CohortForm(FlaskForm):
    specialty_id = SelectField(_l("专业"), coerce=int)
    name = StringField(_l("班级名称"), validators=[DataRequired(), Length(max=80)])
    intake_year = ColumnIntegerField(
        _l("入学年份"), validators=[DataRequired(), NumberRange(min=1990, max=2100)]
    )
    graduation_year = ColumnIntegerField(
        _l("毕业年份"), validators=[DataRequired(), NumberRange(min=1990, max=2100)]
    )
    level = SelectField(
        _l("层次"), choices=[SelectChoice(k.value, v) for k, v in EDUCATION_LEVEL_LABELS.items()]
    )
    window_start = BoundedDateField(_l("实习窗口开始"), validators=[DataRequired()])
    window_end = BoundedDateField(_l("实习窗口结束"), validators=[DataRequired()])
    submit = SubmitField(_l("创建届/班"))


class RosterImportForm(FlaskForm):
    file = FileField(
        _l("名册文件（.csv 或 .xlsx）"),
        validators=[FileRequired(), FileAllowed(["csv", "xlsx"], _l("只接受 .csv 或 .xlsx 文件"))],
    )
    submit = SubmitField(_l("导入"))


class WorkerRegistrationForm(FlaskForm):
    """A worker or apprentice signs up; the service names every field that is wrong."""

    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=60)])
    national_id = StringField(_l("身份证号"), validators=[DataRequired(), Length(max=30)])
    phone = StringField(_l("手机号（可用于登录）"), validators=[Length(max=30)])
    email = StringField(_l("邮箱（可用于登录）"), validators=[Length(max=120)])
    employer_uscc = StringField(
        _l("雇主统一社会信用代码"), validators=[DataRequired(), Length(max=30)]
    )
    post = StringField(_l("岗位"), validators=[DataRequired(), Length(max=60)])
    hire_date = BoundedDateField(_l("入职日期"), validators=[DataRequired()])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("确认密码"), validators=[DataRequired(), EqualTo("password", _l("两次输入的密码不一致"))]
    )
    submit = SubmitField(_l("注册"))


class EmploymentConfirmForm(FlaskForm):
    """The enterprise confirms an employment, entering or correcting its facts."""

    post = StringField(_l("岗位"), validators=[DataRequired(), Length(max=60)])
    hire_date = BoundedDateField(_l("入职日期"), validators=[DataRequired()])
    contract_start = BoundedDateField(_l("合同开始日期"), validators=[Optional()])
    contract_end = BoundedDateField(_l("合同结束日期"), validators=[Optional()])
    social_insurance_since = BoundedDateField(_l("社保缴纳起始日期"), validators=[Optional()])
    is_front_line = BooleanField(_l("一线职工"), default=True)
    is_primary = BooleanField(_l("本企业为其主要雇主"), default=True)
    submit = SubmitField(_l("确认雇佣关系"))


class EmploymentEndForm(FlaskForm):
    """The enterprise records the end of an employment."""

    ended_on = BoundedDateField(_l("离职日期"), validators=[DataRequired()])
    reason = StringField(_l("离职原因"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("办理离职"))


class StaffInviteForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=[DataRequired(), Email(), Length(max=120)])
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=60)])
    staff_role = SelectField(_l("岗位角色"))
    submit = SubmitField(_l("发送邀请"))


class ApiClientForm(FlaskForm):
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=60)])
    # The choices are the scopes the admin's organisation may grant (views/api_clients.py).
    scopes = SelectMultipleField(_l("权限范围"), validators=[DataRequired()])
    submit = SubmitField(_l("创建并显示密钥"))


class StaffRoleForm(FlaskForm):
    staff_role = SelectField(_l("岗位角色"))
    submit = SubmitField(_l("更改"))


class JoinForm(FlaskForm):
    password = PasswordField(
        _l("密码"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("确认密码"), validators=[DataRequired(), EqualTo("password", _l("两次输入的密码不一致"))]
    )
    submit = SubmitField(_l("设置密码并加入"))
