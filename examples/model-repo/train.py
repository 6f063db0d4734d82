"""Trains the churn classifier and logs it to MLflow (the dvc.yaml train stage and the CT command).

MLflow comes from the environment: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN and
MLFLOW_EXPERIMENT_NAME (the ct workflow sets them). The run is tagged github_run_id from
GITHUB_RUN_ID, the tag the ct workflow's gate finds it by.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import joblib
import mlflow
import pandas as pd
from mlflow.models import infer_signature

from churn.data import FEATURES, TARGET
from churn.model import build_pipeline, evaluate, split


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/churn.csv"))
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument("--experiment", default=os.environ.get("MLFLOW_EXPERIMENT_NAME", "churn"))
    parser.add_argument("--logged-model-name", default="model")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    train, test = split(pd.read_csv(args.data), args.seed)
    pipeline = build_pipeline(args.c).fit(train[FEATURES], train[TARGET])
    metrics = evaluate(pipeline, test[FEATURES], test[TARGET])

    mlflow.set_experiment(args.experiment)
    with mlflow.start_run() as run:
        tags = {
            "github_run_id": os.environ.get("GITHUB_RUN_ID", "local"),
            "mlflow.source.git.commit": os.environ.get("GITHUB_SHA", ""),
            "data_version": os.environ.get("CT_DATA_VERSION", ""),
        }
        mlflow.set_tags({key: value for key, value in tags.items() if value})
        mlflow.log_params({"C": args.c, "seed": args.seed, "rows": len(train) + len(test)})
        mlflow.log_metrics(metrics)
        example = test[FEATURES].head(5)
        info = mlflow.sklearn.log_model(
            pipeline,
            name=args.logged_model_name,
            signature=infer_signature(example, pipeline.predict(example)),
            input_example=example,
        )

    args.model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, args.model_dir / "model.joblib")
    (args.model_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return {"run_id": run.info.run_id, "model_uri": info.model_uri, "metrics": metrics}


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, indent=2))
