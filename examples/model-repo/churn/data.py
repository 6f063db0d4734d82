"""Synthetic churn data and the checks a new batch must pass before training."""

from __future__ import annotations

import numpy as np
import pandas as pd

CONTRACTS = ("month-to-month", "one-year", "two-year")
NUMERIC = ("tenure_months", "monthly_charges", "support_calls")
CATEGORICAL = ("contract",)
FEATURES = [*NUMERIC, *CATEGORICAL]
TARGET = "churned"
RANGES = {"tenure_months": (0, 120), "monthly_charges": (0.0, 500.0), "support_calls": (0, 50)}


def generate(rows: int = 5000, seed: int = 7) -> pd.DataFrame:
    """Customers whose churn odds rise with support calls and charges and fall with tenure."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    rng = np.random.default_rng(seed)
    contract = rng.choice(CONTRACTS, size=rows, p=[0.55, 0.25, 0.20])
    tenure = rng.integers(0, 73, size=rows)
    charges = np.round(rng.normal(70, 25, size=rows).clip(15, 200), 2)
    calls = rng.poisson(1.5, size=rows)
    contract_effect = np.select([contract == "one-year", contract == "two-year"], [-1.2, -2.4], 0.0)
    logit = -1.0 + 0.6 * calls + 0.02 * (charges - 70) - 0.05 * tenure + contract_effect
    churned = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charges": charges,
            "support_calls": calls,
            "contract": contract,
            TARGET: churned.astype(int),
        }
    )


def validate(frame: pd.DataFrame, min_rows: int = 100) -> list[str]:
    """Every problem that should stop training, as one sentence each; empty when the data is fit."""
    missing = [column for column in (*FEATURES, TARGET) if column not in frame.columns]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    problems = []
    if len(frame) < min_rows:
        problems.append(f"only {len(frame)} rows, at least {min_rows} needed")
    for column in (*FEATURES, TARGET):
        nulls = int(frame[column].isna().sum())
        if nulls:
            problems.append(f"{column} has {nulls} empty values")
    for column, (low, high) in RANGES.items():
        values = pd.to_numeric(frame[column], errors="coerce")
        outside = int(((values < low) | (values > high)).sum())
        if outside:
            problems.append(f"{column} has {outside} values outside [{low}, {high}]")
    unknown = sorted(set(frame["contract"].dropna()) - set(CONTRACTS))
    if unknown:
        problems.append(f"contract has unknown values: {', '.join(map(str, unknown))}")
    labels = set(frame[TARGET].dropna().unique())
    if not labels <= {0, 1}:
        problems.append(f"{TARGET} must be 0 or 1, found {sorted(labels)}")
    elif len(labels) < 2:
        problems.append(f"{TARGET} holds a single class")
    return problems
