"""The churn classifier and its evaluation."""

from __future__ import annotations

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from churn.data import CATEGORICAL, CONTRACTS, NUMERIC, TARGET


def build_pipeline(c: float = 1.0) -> Pipeline:
    features = ColumnTransformer(
        [
            ("numeric", StandardScaler(), list(NUMERIC)),
            ("categorical", OneHotEncoder(categories=[list(CONTRACTS)]), list(CATEGORICAL)),
        ]
    )
    return Pipeline([("features", features), ("classifier", LogisticRegression(C=c, max_iter=1000))])


def split(frame: pd.DataFrame, seed: int, test_size: float = 0.25) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, test = train_test_split(frame, test_size=test_size, random_state=seed, stratify=frame[TARGET])
    return train, test


def evaluate(pipeline: Pipeline, features: pd.DataFrame, labels: pd.Series) -> dict[str, float]:
    predicted = pipeline.predict(features)
    scores = pipeline.predict_proba(features)[:, 1]
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "f1": float(f1_score(labels, predicted)),
        "roc_auc": float(roc_auc_score(labels, scores)),
    }
