"""A small customer-churn model: synthetic data, validation, a scikit-learn pipeline."""
