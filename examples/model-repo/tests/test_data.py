import pandas as pd
import pytest

from churn.data import CONTRACTS, FEATURES, TARGET, generate, validate


def test_generation_is_deterministic_per_seed():
    pd.testing.assert_frame_equal(generate(500, seed=3), generate(500, seed=3))
    assert not generate(500, seed=3).equals(generate(500, seed=4))


def test_generated_data_has_the_schema_and_passes_validation():
    frame = generate(2000)
    assert list(frame.columns) == [*FEATURES, TARGET]
    assert set(frame["contract"]) <= set(CONTRACTS)
    assert 0.1 < frame[TARGET].mean() < 0.6
    assert validate(frame) == []


def test_churn_rises_with_support_calls():
    frame = generate(5000)
    many_calls = frame[frame["support_calls"] >= 3][TARGET].mean()
    few_calls = frame[frame["support_calls"] == 0][TARGET].mean()
    assert many_calls > few_calls + 0.2


def test_generate_rejects_an_empty_request():
    with pytest.raises(ValueError, match="rows must be at least 1"):
        generate(0)


@pytest.mark.parametrize(
    ("corrupt", "problem"),
    [
        (lambda f: f.drop(columns=["contract"]), "missing columns: contract"),
        (lambda f: f.head(50), "only 50 rows"),
        (
            lambda f: f.assign(monthly_charges=f["monthly_charges"].where(f.index % 10 != 0)),
            "monthly_charges has 30 empty",
        ),
        (
            lambda f: f.assign(tenure_months=f["tenure_months"].where(f.index != 5, 999)),
            "tenure_months has 1 values outside",
        ),
        (
            lambda f: f.assign(contract=f["contract"].where(f.index != 7, "lifetime")),
            "contract has unknown values: lifetime",
        ),
        (lambda f: f.assign(churned=0), "churned holds a single class"),
        (lambda f: f.assign(churned=f["churned"] * 2), "churned must be 0 or 1"),
    ],
)
def test_validation_names_each_problem(corrupt, problem):
    problems = validate(corrupt(generate(300)))
    assert any(problem in line for line in problems), problems
