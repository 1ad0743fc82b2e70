"""Blueprints of the web interface, one per resource."""

from .auth import bp as auth_bp
from .bureau import bp as bureau_bp
from .home import bp as home_bp
from .orgs import bp as orgs_bp

BLUEPRINTS = [auth_bp, home_bp, bureau_bp, orgs_bp]

__all__ = ["BLUEPRINTS"]
