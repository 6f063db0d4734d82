"""Prints the predictions of a trained churn pipeline for sample rows (JSON in on stdin, JSON out).

The pipeline uses it to know, offline, what the deployed model must answer.
"""

import json
import sys

import joblib
import pandas as pd

spec = json.load(sys.stdin)
model = joblib.load(spec["model"])
rows = pd.DataFrame(spec["rows"])
print(json.dumps([int(value) for value in model.predict(rows)]))
