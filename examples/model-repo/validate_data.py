"""Checks the dataset before training; exits 1 listing every problem (the CT validate command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from churn.data import validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/churn.csv"))
    parser.add_argument("--min-rows", type=int, default=100)
    args = parser.parse_args(argv)
    problems = validate(pd.read_csv(args.data), args.min_rows)
    for problem in problems:
        print(f"::error title=Data validation::{args.data}: {problem}")
    if not problems:
        print(f"{args.data}: valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
