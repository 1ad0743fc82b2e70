"""Profile pages of schools, enterprises and students, shown to whoever may see them."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.services import directory

bp = Blueprint("orgs", __name__)


@bp.before_request
@login_required
def _authenticated() -> None:
    """Profiles are never public."""


@bp.get("/schools/<int:school_id>")
def school(school_id: int):  # type: ignore[no-untyped-def]
    return render_template(
        "orgs/school.html", school=directory.get_school(get_session(), actor(), school_id)
    )


@bp.get("/enterprises/<int:enterprise_id>")
def enterprise(enterprise_id: int):  # type: ignore[no-untyped-def]
    return render_template(
        "orgs/enterprise.html",
        enterprise=directory.get_enterprise(get_session(), actor(), enterprise_id),
    )


@bp.get("/students/<int:student_id>")
def student(student_id: int):  # type: ignore[no-untyped-def]
    return render_template(
        "orgs/student.html", student=directory.get_student(get_session(), actor(), student_id)
    )
