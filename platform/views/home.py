"""The public front page and each role's landing page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from skillbridge.models import Role, StaffRole
from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.services import bounds
from skillbridge.platform.services.placements.assignment import followed_placements
from skillbridge.platform.services.reporting.overview import build_overview
from skillbridge.platform.services.reporting.todo import todo_items

from .placements import LABELS

bp = Blueprint("home", __name__)


@bp.app_context_processor
def _todo_count() -> dict[str, Callable[[], int]]:
    """`todo_count()` for the navigation: the pending steps waiting for the signed-in user."""

    def todo_count() -> int:
        if not current_user.is_authenticated:
            return 0
        return sum(item.count for item in todo_items(get_session(), actor()))

    return {"todo_count": todo_count}


@bp.get("/")
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    return render_template("home/index.html")


@bp.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    user = actor()
    if user.role == Role.WORKER:  # a worker's landing page is its own record
        return redirect(url_for("people.me"))
    if user.staff_role in (StaffRole.TEACHER, StaffRole.MENTOR):
        # A teacher's or mentor's home is the list of the students assigned to them.
        db = get_session()
        listing = followed_placements(db, user, bounds.page_arg(request.args))
        return render_template(
            "home/assigned.html", listing=listing, todo=todo_items(db, user), **LABELS
        )
    db = get_session()
    return render_template(
        f"home/{user.role.value}.html",
        overview=build_overview(db, user),
        todo=todo_items(db, user),
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return {"status": "ok"}
