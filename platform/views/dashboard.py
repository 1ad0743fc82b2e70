"""The bureau's dashboard, the lists behind its charts, and their CSV/XLSX exports."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote_plus

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from markupsafe import Markup

from skillbridge.models import Role, utcnow
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_database, get_session
from skillbridge.platform.downloads import csv_download, xlsx_download
from skillbridge.platform.figures_jobs import enqueue_refresh
from skillbridge.platform.i18n import translator
from skillbridge.platform.policy.supervision import PARTS, quality_settings
from skillbridge.platform.routing import QUERY_SAFE
from skillbridge.platform.services import bounds
from skillbridge.platform.services.incidents import labels as incident_labels
from skillbridge.platform.services.incidents.times import to_local
from skillbridge.platform.services.oversight import host_quality, supervision_snapshot
from skillbridge.platform.services.oversight import supervision as supervision_figures
from skillbridge.platform.services.regions import hierarchy
from skillbridge.platform.services.reporting import dashboard, dashboard_snapshot, snapshots
from skillbridge.platform.services.reporting import lists as dashboard_lists

T = TypeVar("T")
bp = Blueprint("dashboard", __name__, url_prefix="/bureau/dashboard")
NAV = [
    (("bureau",), "dashboard.index", _l("数据看板")),
    (("bureau",), "dashboard.supervision", _l("实习过程监管")),
    (("bureau",), "dashboard.host_quality_ranking", _l("实习单位质量指数")),
]
FINDING_ENDPOINT = "compliance.finding"


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """Region-wide statistics are the bureau's."""


def chart_links(list_url: Callable[..., str]) -> Callable[..., str]:
    """`list_url` with each list's address built once: a page's hundred chart segments link to a
    few lists and differ only in their filters, appended here as url_for appends the arguments
    its rule does not take (werkzeug's query encoding: ``urlencode`` with its safe characters),
    each key and value quoted once a page."""
    addresses: dict[str, str] = {}
    quote = functools.cache(functools.partial(quote_plus, safe=QUERY_SAFE))

    def link(name: str, **filters: object) -> str:
        address = addresses.get(name)
        if address is None:
            address = addresses[name] = list_url(name=name)
        query = "&".join(
            [f"{quote(k)}={quote(str(v))}" for k, v in filters.items() if v is not None]
        )
        return f"{address}?{query}" if query else address

    return link


def chart_labels(charts: Iterable[dashboard.Chart]) -> dict[str, str]:
    """Every text of the charts (titles, captions, bars, segments, legends) in the reader's
    language, with the catalogue looked up once: a page has a hundred, and the lookup was most
    of what translating each cost."""
    translate = translator()
    texts = {
        text
        for chart in charts
        for text in (
            chart.title,
            chart.caption,
            *(label for _tone, label in chart.legend),
            *(bar.label for bar in chart.bars),
            *(segment.label for bar in chart.bars for segment in bar.segments),
        )
        if text
    }
    return {text: translate(text) for text in texts}


# The chart cards as rendered, per snapshot of figures (region, time counted), language and page
# (the bureau's own or a region's read from above): each view of one snapshot renders the same
# hundred segments, a third of the page's cost. The oldest markup goes first.
_CHARTS_KEPT = 32
_rendered: OrderedDict[tuple[object, ...], Markup] = OrderedDict()
_rendering = threading.Lock()


def rendered_charts(board: dashboard.Dashboard, pages: dict[str, Any]) -> Markup:
    """The cards of the board's counted charts (not the funds': those are read live), linking
    to the lists of `pages` (`own_pages`, or a region's)."""
    key = (
        request.script_root,
        request.blueprint,
        board.region.id,
        board.counted_at,
        str(get_locale()),
    )
    markup = _rendered.get(key)
    if markup is None:
        markup = Markup(
            render_template(
                "dashboard/_chart_cards.html",
                board=board,
                chart_labels=chart_labels(board.charts),
                **pages,
            )
        )
        with _rendering:
            _rendered[key] = markup
            while len(_rendered) > _CHARTS_KEPT:
                _rendered.popitem(last=False)
    return markup


def own_pages() -> dict[str, Any]:
    """What the dashboard templates link to: the bureau's own lists and supervision pages (the
    regions blueprint gives a region's, read from above)."""
    return {
        "drill": None,
        "scope": {},
        "list_url": chart_links(functools.partial(url_for, "dashboard.listing")),
        "supervision_endpoint": "dashboard.supervision",
    }


def _upper_level() -> bool:
    """A province's bureau reads its cities' figures on the regions page."""
    user = actor()
    return user.region_id is not None and hierarchy.is_upper_level(get_session(), user.region_id)


def _snapshot(board: snapshots.Board[T]) -> T:
    """A board's figures as last counted, and their recount handed to the background when old.

    Fresh figures are read in the request's session. Old or missing ones are read and marked
    in a transaction of its own that writes: on SQLite a GET's reading transaction cannot start
    writing once another writer has committed beside it.
    """
    today, now = date.today(), utcnow()
    fresh = snapshots.fresh_for_bureau(get_session(), board, actor(), today, now)
    if fresh is not None:
        return fresh
    with get_database().session_scope() as writer:
        figures, stale_region = snapshots.for_bureau(writer, board, actor(), today, now)
    if stale_region is not None:
        # The hand-off reads the app's settings and database here, inside the request; the
        # background job receives the database, never the request-bound app proxy.
        enqueue_refresh(current_app, board.name, stale_region)
    return figures


@bp.get("/")
def index() -> ResponseReturnValue:
    if _upper_level():
        return redirect(url_for("regions.index"))
    counted = _snapshot(dashboard_snapshot.BOARD)
    board = dashboard.build_dashboard(get_session(), actor(), date.today(), counted)
    pages = own_pages()
    return render_template(
        "dashboard/index.html",
        board=board,
        charts=rendered_charts(board, pages),
        counted_at=to_local(board.counted_at),
        max_age=quality_settings().figures_max_age_minutes,
        **pages,
    )


@bp.get("/lists/<name>")
def listing(name: str) -> ResponseReturnValue:
    db = get_session()
    opened = dashboard_lists.open_list(db, actor(), name, request.args, date.today())
    page = dashboard_lists.page_of(db, opened, bounds.page_arg(request.args))
    return render_template(
        "dashboard/list.html",
        listing=opened,
        page=page,
        args={k: v for k, v in request.args.items() if k != "page"},
        finding_endpoint=FINDING_ENDPOINT
        if FINDING_ENDPOINT in current_app.view_functions
        else None,
        **own_pages(),
    )


def _filename(name: str, extension: str) -> str:
    return f"{name}-{date.today().isoformat()}.{extension}"


@bp.get("/lists/<name>.csv")
def export_csv(name: str) -> ResponseReturnValue:
    opened = dashboard_lists.open_list(get_session(), actor(), name, request.args, date.today())
    return csv_download(
        _filename(name, "csv"),
        opened.spec.headers,
        lambda session: dashboard_lists.iter_rows(session, opened),
    )


@bp.get("/lists/<name>.xlsx")
def export_xlsx(name: str) -> ResponseReturnValue:
    opened = dashboard_lists.open_list(get_session(), actor(), name, request.args, date.today())
    return xlsx_download(
        _filename(name, "xlsx"),
        opened.spec.headers,
        lambda session: dashboard_lists.iter_rows(session, opened),
        opened.spec.title,
    )


# ── supervision and host quality (issue 14, items 9 and 10) ──
PART_LABELS = {
    "ratings": _l("学生评价"),
    "incidents": _l("安全事故"),
    "working_time": _l("工作时间违规（N7）"),
    "journal_review": _l("周志批阅"),
}


@bp.get("/supervision")
def supervision() -> ResponseReturnValue:
    if _upper_level():
        return redirect(url_for("regions.index"))
    counted = _snapshot(supervision_snapshot.BOARD)
    figures = supervision_figures.supervision(
        get_session(),
        actor(),
        date.today(),
        school_page=request.args.get("school_page", 1, type=int),
        enterprise_page=request.args.get("enterprise_page", 1, type=int),
        counted=counted,
    )
    return render_template(
        "dashboard/supervision.html",
        figures=figures,
        counted_at=to_local(figures.counted_at),
        max_age=quality_settings().figures_max_age_minutes,
        incident_labels=incident_labels,
        **own_pages(),
    )


@bp.get("/host-quality")
def host_quality_ranking() -> ResponseReturnValue:
    ranking = host_quality.risk_ranking(
        get_session(), actor(), date.today(), bounds.page_arg(request.args)
    )
    return render_template(
        "dashboard/host_quality.html",
        page=ranking,
        parts=PARTS,
        part_labels=PART_LABELS,
        settings=quality_settings(),
    )
