"""The public policy pages: each region's policies, their terms, and how each is claimed here."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from skillbridge.platform.i18n import translate
from skillbridge.platform.policy.bases import base_kinds
from skillbridge.platform.services import bounds
from skillbridge.platform.services.policy_catalogue import catalogue
from skillbridge.platform.services.policy_catalogue.wording import Value, render

# Public: no login (auth.PENDING_ENDPOINTS lists both, so that pending and narrow-role accounts
# read them too); the pages show the packs only, no record of anyone.
bp = Blueprint("policies", __name__, url_prefix="/policies")


@bp.app_template_filter("say")
def _say(value: Value) -> str:
    """Plain words of the catalogue (services/policy_catalogue/wording.py) in the reader's language."""
    return render(value, translate, str(get_locale()) == "en")


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("policies/index.html", regions=catalogue.regions(date.today()))


@bp.get("/<code>")
def region(code: str) -> ResponseReturnValue:
    found = catalogue.region_catalogue(code, bounds.page_arg(request.args), date.today())
    en = str(get_locale()) == "en"
    kind_names = {code: k.name_en if en else k.name_zh for code, k in base_kinds().items()}
    return render_template("policies/region.html", region=found, kind_names=kind_names)
