"""The layers hold: the Flask-free layers load no Flask, and the import-linter contracts are kept."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any, TypedDict

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Folder (relative to the repo) -> import name, for every package that must not load Flask.
FLASK_FREE_PACKAGES = {
    "platform/services": "skillbridge.platform.services",
    "platform/demo": "skillbridge.platform.demo",
    "platform/policy": "skillbridge.platform.policy",
    "models": "skillbridge.models",
    "matching": "skillbridge.matching",
}
FLASK_FREE_MODULES = ("skillbridge.platform.database", "skillbridge.platform.text")
# Imported in a fresh interpreter. In "blocked" mode every web package is refused, so each module
# that needs one fails on its own and is named, instead of only the first one being noticed.
IMPORT_ALL = """
import importlib, importlib.abc, json, os, sys, traceback
mode, modules = sys.argv[1], sys.argv[2:]
ROOT = os.getcwd()  # the repository: the import chain is shown through its files only
WEB = ("flask", "werkzeug", "wtforms")

def is_web(name):
    top = name.partition(".")[0]
    return top in WEB or top.startswith("flask_")

class RefuseWeb(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if is_web(name):
            raise ModuleNotFoundError(f"{name} is refused", name=name)
        return None

if mode == "blocked":
    sys.meta_path.insert(0, RefuseWeb())
failed = {}
for module in modules:
    try:
        importlib.import_module(module)
    except ImportError as error:
        if not is_web(error.name or ""):
            raise
        frames = traceback.extract_tb(error.__traceback__)
        failed[module] = [f"{f.filename}:{f.lineno} {f.line}" for f in frames if f.filename.startswith(ROOT)]
loaded = sorted({name.partition(".")[0] for name in sys.modules if is_web(name)})
print(json.dumps({"failed": failed, "loaded": loaded}))
"""


class ImportReport(TypedDict):
    failed: dict[str, list[str]]  # module -> the import chain (file:line) that reached Flask
    loaded: list[str]  # top-level web packages in sys.modules after every import


def _flask_free_modules() -> list[str]:
    """Every module of the Flask-free packages, found on disk (nothing imported here)."""
    modules = list(FLASK_FREE_MODULES)
    for folder, package in FLASK_FREE_PACKAGES.items():
        for path in sorted((REPO / folder).rglob("*.py")):
            parts = path.relative_to(REPO / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules.append(".".join((package, *parts)))
    return modules


def _import_in_fresh_interpreter(mode: str, modules: list[str]) -> ImportReport:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, mode, *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: ImportReport = json.loads(result.stdout)
    return report


def test_the_walk_finds_the_services_and_models():
    modules = _flask_free_modules()
    assert len(modules) > 100
    for expected in (
        "skillbridge.platform.services",
        "skillbridge.platform.services.matching.runs",
        "skillbridge.platform.services.oversight.checks.registry",
        "skillbridge.platform.demo.history",
        "skillbridge.models.placement",
    ):
        assert expected in modules


def test_services_models_demo_and_policy_leave_flask_out_of_sys_modules():
    result = _import_in_fresh_interpreter("plain", _flask_free_modules())
    assert result["loaded"] == [], f"web packages loaded: {result['loaded']}"


def test_no_flask_free_module_needs_a_web_package():
    result = _import_in_fresh_interpreter("blocked", _flask_free_modules())
    assert result["failed"] == {}, "these modules import Flask:\n" + "\n".join(
        f"{module}, through:\n  " + "\n  ".join(chain) for module, chain in result["failed"].items()
    )


def test_the_checks_name_a_module_that_loads_flask():
    """Positive control: the Flask glue and the pages are caught by both checks."""
    modules = [
        "skillbridge.platform.database",
        "skillbridge.platform.db",
        "skillbridge.platform.app",
    ]
    plain = _import_in_fresh_interpreter("plain", modules)
    assert "flask" in plain["loaded"]
    blocked = _import_in_fresh_interpreter("blocked", modules)
    assert sorted(blocked["failed"]) == ["skillbridge.platform.app", "skillbridge.platform.db"]


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def _contracts() -> list[dict[str, Any]]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_import_linter_contracts_are_kept():
    result = _lint_imports()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in output, output


def test_import_linter_reports_a_broken_contract(tmp_path):
    """Positive control: a contract the code breaks (pages use services) is reported as broken."""
    config = tmp_path / "broken.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["skillbridge.platform", "skillbridge.models"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "pages never use services"\n'
        'type = "forbidden"\n'
        'source_modules = ["skillbridge.platform.views"]\n'
        'forbidden_modules = ["skillbridge.platform.services"]\n'
    )
    result = _lint_imports("--config", str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout
    assert "skillbridge.platform.views is not allowed to import" in result.stdout


def test_every_module_of_platform_has_a_layer():
    """A new top-level module of platform/ must be placed in the layers contract."""
    (layers,) = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    placed = {
        name.strip() for layer in layers for group in layer.split("|") for name in group.split(":")
    }
    on_disk = {
        "skillbridge.platform." + (path.stem if path.is_file() else path.name)
        for path in (REPO / "platform").iterdir()
        if (path.suffix == ".py") or (path / "__init__.py").exists()
    }
    assert on_disk - placed == set()
    assert placed - on_disk <= {"skillbridge.models", "skillbridge.matching"}
