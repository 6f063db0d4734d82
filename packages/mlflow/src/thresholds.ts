/**
 * One metric's rule, field for field MLflow's MetricThreshold (mlflow.models.MetricThreshold):
 * an absolute threshold and minimum changes against the baseline, in the metric's direction.
 */
export interface MetricRule {
  metric: string;
  greaterIsBetter: boolean;
  threshold?: number;
  /** > 0: the candidate must beat the baseline by at least this much. */
  minAbsoluteChange?: number;
  /** In [0, 1]: the candidate must beat the baseline by at least this share of |baseline|. */
  minRelativeChange?: number;
}

export class ThresholdConfigError extends Error {
  override name = 'ThresholdConfigError';
}

const FIELDS = ['threshold', 'min_absolute_change', 'min_relative_change', 'greater_is_better'] as const;
const FORM =
  'each metric maps to {threshold, min_absolute_change, min_relative_change, greater_is_better}, e.g. ' +
  '{"accuracy": {"threshold": 0.85, "min_relative_change": 0.01, "greater_is_better": true}}';

/** The rules from the parsed `thresholds` mapping, with MetricThreshold's own argument checks. */
export function parseThresholds(mapping: Record<string, unknown>): MetricRule[] {
  const metrics = Object.keys(mapping);
  if (metrics.length === 0) throw new ThresholdConfigError(`no metric is given: ${FORM}`);
  return metrics.map((metric) => parseRule(metric, mapping[metric]));
}

function parseRule(metric: string, raw: unknown): MetricRule {
  const fail = (problem: string): never => {
    throw new ThresholdConfigError(`metric '${metric}': ${problem}`);
  };
  if (metric.trim() === '' || metric.length > 250) fail('a metric key must have 1 to 250 characters');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`expected a mapping: ${FORM}`);
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown.length) fail(`unknown field ${unknown.map((k) => `'${k}'`).join(', ')}; accepted: ${FIELDS.join(', ')}`);

  const greaterIsBetter = fields.greater_is_better;
  if (typeof greaterIsBetter !== 'boolean') fail('greater_is_better is required and must be true or false');

  const number = (field: string, valid: (value: number) => boolean, form: string): number | undefined => {
    const value = fields[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
      fail(`${field} must be ${form}, got ${JSON.stringify(value)}`);
    }
    return value as number;
  };
  const rule: MetricRule = {
    metric,
    greaterIsBetter: greaterIsBetter as boolean,
    threshold: number('threshold', () => true, 'a finite number'),
    minAbsoluteChange: number('min_absolute_change', (v) => v > 0, 'a number greater than 0'),
    minRelativeChange: number('min_relative_change', (v) => v >= 0 && v <= 1, 'a number from 0 to 1 (0.05 is 5%)'),
  };
  if (rule.threshold === undefined && rule.minAbsoluteChange === undefined && rule.minRelativeChange === undefined) {
    fail('give at least one of threshold, min_absolute_change, min_relative_change');
  }
  return rule;
}
