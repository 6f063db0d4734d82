# Makes the project root importable (churn/, train.py) wherever pytest is started from.
