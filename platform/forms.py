"""WTForms for accounts; labels are translatable, validation messages name the field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange

from skillbridge.models import SchoolType

from .services.passwords import MIN_PASSWORD_LENGTH

SCHOOL_TYPE_LABELS = {
    SchoolType.SECONDARY_VOCATIONAL: _l("中等职业学校"),
    SchoolType.TECHNICAL: _l("技工学校"),
    SchoolType.HIGHER_VOCATIONAL: _l("高等职业院校"),
    SchoolType.TECHNICIAN_COLLEGE: _l("技师学院"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=[DataRequired(), Email()])
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
        _l("学校类型"), choices=[(k.value, v) for k, v in SCHOOL_TYPE_LABELS.items()]
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
    id_last4 = StringField(_l("身份证号后四位"), validators=[DataRequired(), Length(4, 4)])
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
