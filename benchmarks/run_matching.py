"""Run the matching benchmark: ``python benchmarks/run_matching.py [--sizes 10k,100k]``."""

import sys

from skillbridge.matching.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
