"""The `skillbridge` console script: builds the app, whose factory registers the commands."""

from __future__ import annotations

from flask.cli import FlaskGroup

from .app import create_app


def main() -> None:
    """Entry point of the `skillbridge` console script (`[project.scripts]` in pyproject)."""
    FlaskGroup(create_app=create_app, add_default_commands=True)(prog_name="skillbridge")
