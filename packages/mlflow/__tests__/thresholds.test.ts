import { describe, expect, it } from '@jest/globals';
import { parseMapping } from '@mlops-actions/action-kit/parse';
import { aliasProblem, metricNumber, parseThresholds, ThresholdConfigError } from '../src/index.js';

describe('parseThresholds', () => {
  it('reads MetricThreshold fields from YAML', () => {
    const yaml = `
accuracy:
  threshold: 0.85
  min_relative_change: 0.01
  greater_is_better: true
rmse: {min_absolute_change: 0.02, greater_is_better: false}
`;
    expect(parseThresholds(parseMapping(yaml))).toEqual([
      { metric: 'accuracy', greaterIsBetter: true, threshold: 0.85, minRelativeChange: 0.01 },
      { metric: 'rmse', greaterIsBetter: false, minAbsoluteChange: 0.02 },
    ]);
  });

  it.each([
    ['{}', 'no metric is given'],
    ['{"a": 0.8}', "metric 'a': expected a mapping"],
    ['{"a": {"threshold": "0.8", "greater_is_better": true}}', 'threshold must be a finite number, got "0.8"'],
    [
      '{"a": {"threshold": 0.8, "greater_is_better": "yes"}}',
      'greater_is_better is required and must be true or false',
    ],
    [
      '{"a": {"min_absolute_change": -1, "greater_is_better": true}}',
      'min_absolute_change must be a number greater than 0',
    ],
    [
      '{"a": {"min_relative_change": 1.5, "greater_is_better": true}}',
      'min_relative_change must be a number from 0 to 1',
    ],
    ['{"a": {"higher_is_better": true, "threshold": 1}}', "unknown field 'higher_is_better'"],
    ['a:\n  threshold: .inf\n  greater_is_better: true', 'threshold must be a finite number'],
  ])('refuses %s', (raw, message) => {
    expect(() => parseThresholds(parseMapping(raw))).toThrow(ThresholdConfigError);
    expect(() => parseThresholds(parseMapping(raw))).toThrow(message);
  });
});

describe('aliasProblem', () => {
  it.each(['champion', 'challenger', 'prod-eu_1', 'V'])('accepts %s', (alias) => {
    expect(aliasProblem(alias)).toBeUndefined();
  });

  it.each(['latest', 'LATEST', 'v1', 'V42', 'with space', 'a.b', 'x'.repeat(256)])('refuses %s', (alias) => {
    expect(aliasProblem(alias)).toBeDefined();
  });
});

describe('metricNumber', () => {
  it('reads protobuf JSON non-finite strings and the SQL store’s ±DBL_MAX as non-finite', () => {
    expect(metricNumber('NaN')).toBeNaN();
    expect(metricNumber('Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(metricNumber('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(metricNumber(1.7976931348623157e308)).toBe(Number.POSITIVE_INFINITY);
    expect(metricNumber(-1.7976931348623157e308)).toBe(Number.NEGATIVE_INFINITY);
    expect(metricNumber(0.91)).toBe(0.91);
  });
});
