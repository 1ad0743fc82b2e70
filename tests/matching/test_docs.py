"""Docstring examples of the matching package run as doctests (not --doctest-modules)."""

import doctest
import importlib
import subprocess
import sys

import pytest

import skillbridge.matching

MODULES = ["_candidates", "_explain", "_generate", "_orlib", "_problem", "_solve"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"skillbridge.matching.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("name", skillbridge.matching.__all__)
def test_public_names_have_docstrings(name):
    obj = getattr(skillbridge.matching, name)
    if callable(obj):
        assert obj.__doc__ and obj.__doc__.strip()


def test_public_functions_have_examples():
    for name in (
        "solve",
        "blocking_pairs",
        "explain",
        "build_candidates",
        "Problem",
        "stability_report",
        "check_assignment",
    ):
        assert ">>>" in getattr(skillbridge.matching, name).__doc__, name


def test_import_loads_no_web_framework():
    # A fresh interpreter: this test session may have imported Flask for other tests.
    code = (
        "import sys, skillbridge.matching, skillbridge.matching.__main__; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
