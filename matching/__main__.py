"""Command line: ``python -m skillbridge.matching orlib FILE`` and ``... bench``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._orlib import read_orlib
from ._solve import METHODS, solve


def _orlib(args: argparse.Namespace) -> int:
    problem = read_orlib(args.file)
    assignment = solve(problem, method=args.method)
    if assignment.n_placed < problem.n_students:
        print(f"no full assignment: only {assignment.n_placed} of {problem.n_students} rows")
        return 1
    print(round(-assignment.score))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from ._bench import run_benchmark

    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    run_benchmark(args.sizes, repeats=args.repeats, seed=args.seed, modes=modes, out=sys.stdout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run a sub-command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m skillbridge.matching")
    sub = parser.add_subparsers(dest="command", required=True)
    orlib = sub.add_parser("orlib", help="print the optimum of an OR-Library assignment file")
    orlib.add_argument("file")
    orlib.add_argument("--method", default="auto", choices=[m for m in METHODS if m != "stable"])
    orlib.set_defaults(run=_orlib)
    bench = sub.add_parser("bench", help="benchmark solve against whole-instance solvers")
    bench.add_argument(
        "--sizes", default="10k,100k", help="comma-separated student counts, e.g. 10k,100k,1M"
    )
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument("--seed", type=int, default=1)
    bench.add_argument(
        "--modes",
        default="regions,coupled",
        help="generator modes side by side: regions (no shared candidates), coupled (one market)",
    )
    bench.set_defaults(run=_bench)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
