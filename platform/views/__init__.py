"""Blueprints of the web interface, one module per resource, discovered by name.

Each module exposes `bp` (its Blueprint) and may expose `NAV`: (roles, endpoint, label) rows
that the base layout shows in the navigation bar for those roles.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint


def _discover() -> tuple[list[Blueprint], list[tuple[tuple[str, ...], str, object]]]:
    blueprints: list[Blueprint] = []
    nav: list[tuple[tuple[str, ...], str, object]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        blueprints.append(module.bp)
        nav.extend(getattr(module, "NAV", ()))
    return blueprints, nav


BLUEPRINTS, NAV_ITEMS = _discover()

__all__ = ["BLUEPRINTS", "NAV_ITEMS"]
