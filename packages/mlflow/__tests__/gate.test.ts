import { describe, expect, it } from '@jest/globals';
import { evaluateGate, type Baseline, type MetricRule, type OnNoChampion } from '../src/index.js';

const champion = (value?: number): Baseline => ({
  kind: 'champion',
  label: 'version 3',
  metrics: new Map(value === undefined ? [] : [['m', value]]),
});

function verdicts(
  rule: Omit<MetricRule, 'metric'>,
  candidate: number | undefined,
  baseline: Baseline,
  onNoChampion: OnNoChampion = 'pass-absolute',
) {
  const result = evaluateGate({
    rules: [{ metric: 'm', ...rule }],
    candidate: new Map(candidate === undefined ? [] : [['m', candidate]]),
    baseline,
    onNoChampion,
  });
  return { passed: result.passed, checks: result.checks.map((c) => [c.kind, c.verdict, c.reason]) };
}

describe('evaluateGate: MetricThreshold semantics', () => {
  it.each([
    // greater is better: candidate ≥ threshold
    [{ greaterIsBetter: true, threshold: 0.8 }, 0.8, true, '0.8 ≥ 0.8'],
    [{ greaterIsBetter: true, threshold: 0.8 }, 0.79, false, '0.79 < 0.8'],
    // lower is better: candidate ≤ threshold
    [{ greaterIsBetter: false, threshold: 0.3 }, 0.3, true, '0.3 ≤ 0.3'],
    [{ greaterIsBetter: false, threshold: 0.3 }, 0.31, false, '0.31 > 0.3'],
  ])('threshold %j with candidate %s passes: %s', (rule, candidate, passed, reason) => {
    expect(verdicts(rule, candidate, { kind: 'none' })).toEqual({
      passed,
      checks: [['threshold', passed ? 'pass' : 'fail', reason]],
    });
  });

  it.each([
    // candidate ≥ champion + d
    [true, 0.86, 0.8, true],
    [true, 0.84, 0.8, false],
    // candidate ≤ champion − d
    [false, 0.34, 0.4, true],
    [false, 0.36, 0.4, false],
  ])('min_absolute_change 0.05 (greater_is_better %s): %s vs champion %s passes: %s', (g, c, b, passed) => {
    expect(verdicts({ greaterIsBetter: g, minAbsoluteChange: 0.05 }, c, champion(b)).passed).toBe(passed);
  });

  it.each([
    [true, 0.9, 0.8, true, 'improvement 12.5% of |0.8| ≥ 10%'],
    [true, 0.87, 0.8, false, 'improvement 8.75% of |0.8| < 10%'],
    [false, 0.36, 0.4, true, 'improvement 10% of |0.4| ≥ 10%'],
    [false, 0.37, 0.4, false, 'improvement 7.5% of |0.4| < 10%'],
  ])('min_relative_change 0.1 (greater_is_better %s): %s vs champion %s passes: %s', (g, c, b, passed, reason) => {
    const result = verdicts({ greaterIsBetter: g, minRelativeChange: 0.1 }, c, champion(b));
    expect(result.passed).toBe(passed);
    expect(result.checks[0]![2]).toBe(reason);
  });

  it('computes in binary floating point like MLflow: (0.88 − 0.8) / 0.8 is just under 0.1', () => {
    expect(verdicts({ greaterIsBetter: true, minRelativeChange: 0.1 }, 0.88, champion(0.8)).passed).toBe(false);
  });

  it('divides by |champion|: a better candidate passes against a negative champion (deviation 1)', () => {
    // R² of -0.5 → -0.2 is an improvement of 60% of |-0.5|; dividing by the signed -0.5 gives -60% and fails it.
    expect(verdicts({ greaterIsBetter: true, minRelativeChange: 0.5 }, -0.2, champion(-0.5)).passed).toBe(true);
    expect(verdicts({ greaterIsBetter: true, minRelativeChange: 0.5 }, -0.8, champion(-0.5)).passed).toBe(false);
  });

  it('falls back to "strictly better" when the champion is 0, as MLflow does', () => {
    expect(verdicts({ greaterIsBetter: true, minRelativeChange: 0.1 }, 1e-9, champion(0)).passed).toBe(true);
    expect(verdicts({ greaterIsBetter: true, minRelativeChange: 0.1 }, 0, champion(0)).passed).toBe(false);
    expect(verdicts({ greaterIsBetter: false, minRelativeChange: 0.1 }, -1e-9, champion(0)).passed).toBe(true);
  });

  it('checks every rule of a metric, each with its own verdict', () => {
    const rule = { greaterIsBetter: true, threshold: 0.7, minAbsoluteChange: 0.01, minRelativeChange: 0.5 };
    expect(verdicts(rule, 0.85, champion(0.8)).checks.map(([kind, verdict]) => [kind, verdict])).toEqual([
      ['threshold', 'pass'],
      ['min_absolute_change', 'pass'],
      ['min_relative_change', 'fail'],
    ]);
  });
});

describe('evaluateGate: fail closed', () => {
  const rule = { greaterIsBetter: true, threshold: 0.5, minAbsoluteChange: 0.01 };

  it.each([
    [undefined, 'the candidate run has no such metric'],
    [Number.NaN, 'the candidate run logged NaN: not comparable'],
    [Number.POSITIVE_INFINITY, 'the candidate run logged Infinity: not comparable'],
    [Number.NEGATIVE_INFINITY, 'the candidate run logged -Infinity: not comparable'],
  ])('a candidate value of %s fails every rule of the metric', (candidate, reason) => {
    expect(verdicts(rule, candidate, champion(0.4))).toEqual({
      passed: false,
      checks: [
        ['threshold', 'fail', reason],
        ['min_absolute_change', 'fail', reason],
      ],
    });
  });

  it.each([
    [undefined, 'the champion (version 3) has no such metric'],
    [Number.NaN, 'the champion (version 3) logged NaN: not comparable'],
  ])('a champion value of %s fails the change rules only', (baseline, reason) => {
    expect(verdicts(rule, 0.9, champion(baseline)).checks).toEqual([
      ['threshold', 'pass', '0.9 ≥ 0.5'],
      ['min_absolute_change', 'fail', reason],
    ]);
  });
});

describe('evaluateGate: no champion, or the champion is the candidate (deviation 2)', () => {
  const rule = { greaterIsBetter: true, threshold: 0.5, minRelativeChange: 0.05 };

  it('pass-absolute: change rules are skipped, absolute thresholds still decide', () => {
    expect(verdicts(rule, 0.9, { kind: 'none' })).toEqual({
      passed: true,
      checks: [
        ['threshold', 'pass', '0.9 ≥ 0.5'],
        [
          'min_relative_change',
          'skipped',
          'no champion yet: only absolute thresholds apply (on-no-champion: pass-absolute)',
        ],
      ],
    });
    expect(verdicts(rule, 0.4, { kind: 'none' }).passed).toBe(false);
  });

  it('fail: change rules fail, as in MLflow', () => {
    expect(verdicts(rule, 0.9, { kind: 'none' }, 'fail').checks[1]).toEqual([
      'min_relative_change',
      'fail',
      'there is no champion to compare with, and on-no-champion is fail',
    ]);
  });

  it('the champion run itself: nothing to beat, change rules skipped', () => {
    expect(verdicts(rule, 0.9, { kind: 'self', label: 'version 2' }).checks[1]).toEqual([
      'min_relative_change',
      'skipped',
      'the candidate is the run of the champion (version 2): nothing to beat',
    ]);
  });
});
