"""Writes the synthetic churn dataset (the dvc.yaml generate stage)."""

from __future__ import annotations

import argparse
from pathlib import Path

from churn.data import generate


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("data/churn.csv"))
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    generate(args.rows, args.seed).to_csv(args.out, index=False)
    return args.out


if __name__ == "__main__":
    print(f"wrote {main()}")
