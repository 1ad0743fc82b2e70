"""The public front page and each role's landing page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from skillbridge.models import Role, StaffRole, User
from skillbridge.platform.auth import actor, may_reach
from skillbridge.platform.db import get_session
from skillbridge.platform.services import bounds
from skillbridge.platform.services.evaluations.outcomes import school_outcomes
from skillbridge.platform.services.reporting.assigned import assigned_placements
from skillbridge.platform.services.reporting.overview import build_overview
from skillbridge.platform.services.reporting.todo import TodoItem, placement_steps, todo_items

from .placements import LABELS

bp = Blueprint("home", __name__)


@bp.app_context_processor
def _todo_count() -> dict[str, Callable[[], int]]:
    """`todo_count()` for the navigation: the pending steps waiting for the signed-in user."""

    def todo_count() -> int:
        if not current_user.is_authenticated:
            return 0
        return sum(item.count for item in _reachable_todo(get_session(), actor()))

    return {"todo_count": todo_count}


def _reachable_todo(db: Session, user: User) -> list[TodoItem]:
    """The user's to-do items whose page it may open (a teacher never gets the school's);
    counted once per request, though the navigation and the dashboard both show them."""
    if "todo_items" not in g:
        g.todo_items = [item for item in todo_items(db, user) if may_reach(user, item.endpoint)]
    items: list[TodoItem] = g.todo_items
    return items


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
    db = get_session()
    if user.staff_role in (StaffRole.TEACHER, StaffRole.MENTOR):
        # A teacher's or mentor's home is the list of the students assigned to them, each with
        # what waits for it (whoever has to act), above the steps that wait for them.
        listing = assigned_placements(
            db, user, placement_steps(db, user), bounds.page_arg(request.args)
        )
        return render_template(
            "home/assigned.html", listing=listing, todo=_reachable_todo(db, user), **LABELS
        )
    return render_template(
        f"home/{user.role.value}.html",
        overview=build_overview(db, user),
        todo=_reachable_todo(db, user),
        # ── evaluations ── where the school's finished placements' students went.
        employment=school_outcomes(db, user.school_id) if user.school_id is not None else None,
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return {"status": "ok"}
