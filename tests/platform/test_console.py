"""The `skillbridge` console script: its entry point builds the app and offers every command."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_console_script_lists_the_commands(tmp_path):
    """Run the entry point named in pyproject, as the installed `skillbridge` script does."""
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, function = scripts["skillbridge"].partition(":")
    environment = {
        **os.environ,
        "SKILLBRIDGE_DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}",
        "SKILLBRIDGE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = subprocess.run(
        [sys.executable, "-c", f"from {module} import {function}; {function}()", "--help"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    commands = {
        line.split()[0]
        for line in result.stdout.partition("Commands:")[2].splitlines()
        if line.strip()
    }
    assert {
        "db",
        "seed-demo",
        "create-region",
        "create-bureau-user",
        "audit",
        "daily",
        "compliance",
        "worker",
    } <= commands
