"""The command line: OR-Library optimum and a tiny benchmark run."""

import io
from pathlib import Path

import pytest

from skillbridge.matching import __main__ as cli
from skillbridge.matching._bench import run_benchmark


def test_orlib_dense_and_sparse_files(tmp_path, capsys):
    dense = tmp_path / "d.txt"
    dense.write_text("2\n 4 1\n 2 9\n")
    assert cli.main(["orlib", str(dense)]) == 0
    assert capsys.readouterr().out.strip() == "3"
    sparse = tmp_path / "s.txt"
    sparse.write_text("2\n1 1 5\n1 2 1\n2 1 2\n")
    assert cli.main(["orlib", str(sparse), "--method", "lap"]) == 0
    assert capsys.readouterr().out.strip() == "3"


def test_orlib_without_full_assignment(tmp_path, capsys):
    sparse = tmp_path / "s.txt"
    sparse.write_text("2\n1 1 5\n2 1 2\n")
    assert cli.main(["orlib", str(sparse)]) == 1
    assert "only 1 of 2" in capsys.readouterr().out


def test_orlib_rejects_unknown_format(tmp_path):
    bad = tmp_path / "b.txt"
    bad.write_text("3\n1 2\n")
    with pytest.raises(ValueError, match="fit neither format"):
        cli.main(["orlib", str(bad)])


@pytest.mark.parametrize("mode", ["regions", "coupled"])
def test_bench_prints_a_table_with_equal_objectives(mode):
    out = io.StringIO()
    rows = run_benchmark("500", repeats=1, seed=3, modes=(mode,), out=out)
    text = out.getvalue()
    assert f"{mode}: 500 students" in text
    assert "solve(auto)" in text and "networkx" in text and "Hopcroft-Karp" in text
    assert {r["mode"] for r in rows} == {mode}
    plain = [r for r in rows if r["optimal"] and not r["quotas"]]
    assert len(plain) == 5
    assert len({(r["placed"], r["objective"]) for r in plain}) == 1
    quotas = [r for r in rows if r["quotas"] and r["optimal"]]
    assert len(quotas) == 2
    assert len({(r["placed"], r["objective"]) for r in quotas}) == 1
    # The stable rows (without and with quotas) never beat the optimum of their instance.
    stable = [r for r in rows if not r["optimal"]]
    assert [r["quotas"] for r in stable] == [False, True]
    for row, optimum in zip(stable, (plain[0], quotas[0]), strict=True):
        assert (row["placed"], row["objective"]) <= (optimum["placed"], optimum["objective"])


def test_bench_runs_both_generator_modes_by_default():
    rows = run_benchmark("300", repeats=1, seed=2, out=io.StringIO())
    assert [r["mode"] for r in rows if r["solver"] == "solve(auto)"] == ["regions", "coupled"]


def test_benchmark_script_exists_and_documents_command():
    root = Path(__file__).resolve().parents[2]
    assert "python -m skillbridge.matching bench" in (root / "benchmarks" / "README.md").read_text()
    assert (root / "benchmarks" / "run_matching.py").is_file()
