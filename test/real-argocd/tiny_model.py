"""Writes a fitted scikit-learn model (a constant classifier over one column `x`) to argv[1] with
joblib: a real artifact for KServe's sklearn model server, small and instant to make.

  python tiny_model.py PATH LABEL
"""

import sys

import joblib
import pandas as pd
from sklearn.dummy import DummyClassifier

path, label = sys.argv[1], int(sys.argv[2])
model = DummyClassifier(strategy="constant", constant=label)
model.fit(pd.DataFrame({"x": [0.0, 1.0]}), [label, 1 - label])
joblib.dump(model, path)
