"""Guards for the packaging recipe of STYLE.md: no stdlib shadowing, one copy of each package."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CODE_FOLDERS = {
    "platform": "skillbridge.platform",
    "matching": "skillbridge.matching",
    "models": "skillbridge.models",
    "templates": "skillbridge.templates",
    "migrations": "skillbridge.migrations",
}


def _run_python(code: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run `code` with the repo root first on sys.path, as `python -c` from the root does."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_platform_folder_has_no_init_file():
    assert not (REPO / "platform" / "__init__.py").exists()


def test_stdlib_platform_is_not_shadowed_from_the_repo_root():
    result = _run_python(
        "import platform, sqlalchemy, uuid; print(platform.system(), platform.python_implementation())"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "CPython"


def test_importing_the_app_loads_no_bare_package_names():
    result = _run_python(
        "import sys, skillbridge.platform.app, skillbridge.models, skillbridge.matching;"
        "print(sorted(n for n in ('matching', 'models', 'templates', 'migrations') "
        "if n in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_matching_loads_neither_flask_nor_sqlalchemy():
    result = _run_python(
        "import sys, skillbridge.matching;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_code_folder_is_listed_in_packages():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    mapping = config["tool"]["setuptools"]["package-dir"]
    for folder, name in CODE_FOLDERS.items():
        assert mapping[name] == folder
        for directory, _dirs, files in os.walk(REPO / folder):
            if "__pycache__" in directory or not any(f.endswith(".py") for f in files):
                continue
            relative = Path(directory).relative_to(REPO / folder)
            dotted = ".".join((name, *relative.parts)) if relative.parts else name
            assert dotted in listed, f"{directory} has Python files but {dotted} is not packaged"


@pytest.mark.slow
def test_wheel_installs_and_serves_a_page_from_another_directory(tmp_path):
    """Build the wheel, install it (without its already-installed dependencies) into a target
    folder, and render the login page from a directory outside the repo."""
    wheel_dir, target, elsewhere = tmp_path / "wheel", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheel_dir.glob("skillbridge-*.whl")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), wheel],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    script = (
        "import skillbridge.platform.app as a, sys\n"
        f"assert a.__file__.startswith({str(target)!r}), a.__file__\n"
        "from skillbridge.platform.migrate import upgrade_database\n"
        f"url = 'sqlite:///{tmp_path / 'wheel.db'}'\n"
        "upgrade_database(url)\n"
        f"app = a.create_app({{'DATABASE_URL': url, 'INSTANCE_PATH': {str(tmp_path / 'i')!r}}})\n"
        "response = app.test_client().get('/login')\n"
        # The generated PDFs' templates and stylesheet ship in the wheel, found from the package.
        "from skillbridge.platform.services.renditions.pdf import TEMPLATE_FOLDER as t\n"
        f"assert str(t).startswith({str(target.resolve())!r}), t\n"
        "assert (t / 'print.css').is_file() and (t / 'document.html').is_file(), t\n"
        "print(response.status_code, 'csrf_token' in response.get_data(as_text=True))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(target)}
    served = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert served.returncode == 0, served.stderr
    assert served.stdout.split()[-2:] == ["200", "True"]


def test_support_codes_are_valid():
    """The suite's generated identifiers pass the same checks as real input."""
    from stdnum.cn import ric, uscc
    from support import valid_national_id, valid_uscc

    assert all(uscc.is_valid(valid_uscc(n)) for n in range(1, 50))
    assert all(ric.is_valid(valid_national_id(n)) for n in range(1, 50))
