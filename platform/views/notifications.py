"""The notifications page of every role, with mark-as-read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField

from skillbridge.models import Notification
from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.services import notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
NAV = [(("student", "school", "enterprise", "bureau"), "notifications.index", _l("消息通知"))]


class ReadForm(FlaskForm):
    """A mark-as-read button; it carries only the CSRF token."""

    submit = SubmitField(_l("标为已读"))


@bp.before_request
@login_required
def _authenticated() -> None:
    """Everyone reads only their own notifications."""


def link_of(notification: Notification) -> str | None:
    """The URL the notification points to, built from its endpoint (a gone route raises)."""
    if notification.endpoint is None:
        return None
    return url_for(notification.endpoint, **notification.link_args)


@bp.context_processor
def _links() -> dict[str, object]:
    return {"link_of": link_of}


@bp.get("/")
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    return render_template(
        "notifications/index.html",
        page=notifications.list_notifications(db, user, request.args.get("page", 1, type=int)),
        unread=notifications.unread_count(db, user),
        form=ReadForm(),
    )


@bp.post("/<int:notification_id>/read")
def read(notification_id: int) -> ResponseReturnValue:
    if not ReadForm().validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("notifications.index"))
    db = get_session()
    notification = notifications.mark_read(db, actor(), notification_id)
    db.commit()
    return redirect(link_of(notification) or url_for("notifications.index"))


@bp.post("/read-all")
def read_all() -> ResponseReturnValue:
    if not ReadForm().validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("notifications.index"))
    db = get_session()
    count = notifications.mark_all_read(db, actor())
    db.commit()
    flash(_("已将 %(count)d 条通知标为已读", count=count), "success")
    return redirect(url_for("notifications.index"))
