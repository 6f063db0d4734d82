import { describe, expect, it } from '@jest/globals';
import { runMlflowPython } from '../../../test/helpers/mlflow.js';
import { evaluateGate, type MetricRule } from '../src/index.js';

// The port against MLflow itself: random cases judged by mlflow.models.evaluation.validation
// (the installed MLflow) and by evaluateGate must agree wherever both have a champion and the
// values are finite or missing. NaN and Infinity are left out: the port fails them closed by
// design, while MLflow lets +Infinity pass "≥ t" and NaN pass a relative-change rule
// (NaN < r is false, so the rule is not marked failed).

interface Case {
  rule: Record<string, number | boolean>;
  candidate: number | null;
  baseline: number | null;
}

/** A deterministic generator, so a disagreement can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function cases(count: number): Case[] {
  const next = random(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const value = (): number | null => {
    const roll = next();
    if (roll < 0.05) return null;
    if (roll < 0.1) return 0;
    return Number((next() * 4 - 2).toFixed(3));
  };
  return Array.from({ length: count }, () => {
    const rule: Case['rule'] = { greater_is_better: next() < 0.5 };
    const kinds = pick([
      ['threshold'],
      ['min_absolute_change'],
      ['min_relative_change'],
      ['threshold', 'min_relative_change'],
    ]);
    if (kinds.includes('threshold')) rule.threshold = Number((next() * 2 - 1).toFixed(2));
    if (kinds.includes('min_absolute_change')) rule.min_absolute_change = Number((0.01 + next()).toFixed(2));
    if (kinds.includes('min_relative_change')) rule.min_relative_change = pick([0.05, 0.1, 0.25, 0.5, 0.99]);
    return { rule, candidate: value(), baseline: value() };
  });
}

function portVerdict(testCase: Case): boolean {
  const number = (raw: number | null) => raw ?? undefined;
  const rule: MetricRule = {
    metric: 'm',
    greaterIsBetter: testCase.rule.greater_is_better as boolean,
    threshold: testCase.rule.threshold as number | undefined,
    minAbsoluteChange: testCase.rule.min_absolute_change as number | undefined,
    minRelativeChange: testCase.rule.min_relative_change as number | undefined,
  };
  const candidate = number(testCase.candidate);
  const baseline = number(testCase.baseline);
  return evaluateGate({
    rules: [rule],
    candidate: new Map(candidate === undefined ? [] : [['m', candidate]]),
    baseline: { kind: 'champion', label: 'v1', metrics: new Map(baseline === undefined ? [] : [['m', baseline]]) },
    onNoChampion: 'fail',
  }).passed;
}

describe('evaluateGate agrees with MLflow validate_evaluation_results', () => {
  it('on 400 random cases with a champion', async () => {
    const all = cases(400);
    const mlflow = await runMlflowPython<boolean[]>('validate_parity', all);
    const disagreements = all
      .map((testCase, i) => ({ testCase, mlflow: mlflow[i], port: portVerdict(testCase) }))
      .filter(({ mlflow, port }) => mlflow !== port);
    expect(disagreements).toEqual([]);
    // Both outcomes are exercised, so agreement is not vacuous.
    expect(mlflow.filter(Boolean).length).toBeGreaterThan(50);
    expect(mlflow.filter((verdict) => !verdict).length).toBeGreaterThan(50);
  }, 120_000);
});
