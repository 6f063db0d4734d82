import json

import joblib
import mlflow
import numpy as np
import pandas as pd
import pytest

import generate_data
import train
import validate_data
from churn.data import FEATURES


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A scratch project directory with its own MLflow store (SQLite, artifacts beside it)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    monkeypatch.setenv("CT_DATA_VERSION", "1.2.0")
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    generate_data.main(["--rows", "1500", "--out", "data/churn.csv"])
    return tmp_path


def test_the_generated_data_validates(project, capsys):
    assert validate_data.main(["--data", "data/churn.csv"]) == 0
    assert "valid" in capsys.readouterr().out


def test_validation_fails_on_a_broken_batch(project, capsys):
    (project / "data" / "bad.csv").write_text("tenure_months,monthly_charges\n1,2\n")
    assert validate_data.main(["--data", "data/bad.csv"]) == 1
    assert "::error title=Data validation::data/bad.csv: missing columns" in capsys.readouterr().out


def test_training_logs_a_run_the_ct_gate_can_find_and_a_model_that_serves(project):
    result = train.main(["--experiment", "churn-test"])

    runs = mlflow.search_runs(experiment_names=["churn-test"], filter_string="tags.github_run_id = '4242'")
    assert list(runs["run_id"]) == [result["run_id"]]
    run = mlflow.get_run(result["run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.tags["data_version"] == "1.2.0"
    assert "mlflow.source.git.commit" not in run.data.tags
    assert run.data.metrics["accuracy"] > 0.7
    assert run.data.metrics["roc_auc"] > 0.75
    assert set(run.data.metrics) == {"accuracy", "f1", "roc_auc"}

    served = mlflow.pyfunc.load_model(result["model_uri"])
    local = joblib.load(project / "models" / "model.joblib")
    sample = pd.read_csv(project / "data" / "churn.csv")[FEATURES].head(20)
    np.testing.assert_array_equal(served.predict(sample), local.predict(sample))
    assert json.loads((project / "models" / "metrics.json").read_text()) == result["metrics"]
