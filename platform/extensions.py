"""Flask extensions, created unbound and initialised in the app factory."""

from __future__ import annotations

from functools import cached_property

from babel.support import NullTranslations
from flask import g
from flask_babel import Babel, Domain, get_locale
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect


class RequestDomain(Domain):
    """Flask-Babel's message domain, with the current locale's catalogue remembered in the
    request: the stock lookup formats the locale's name and searches its cache for every
    message (57 Python calls a message; a 50-row list has hundreds of labels).

    Remembered with the locale object it belongs to, so force_locale() and refresh(), which
    replace that object, get their own catalogue.
    """

    def get_translations(self) -> NullTranslations:
        locale = get_locale()
        if locale is None:  # outside a request or an app context
            return super().get_translations()
        remembered = g.get("_skillbridge_translations")
        if remembered is not None and remembered[0] is locale:
            return remembered[1]
        translations = super().get_translations()
        g._skillbridge_translations = (locale, translations)
        return translations


class RequestBabel(Babel):
    """Babel whose default domain is a RequestDomain."""

    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)


babel = RequestBabel()
bootstrap = Bootstrap5()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
