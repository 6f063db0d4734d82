import type { MetricRule } from './thresholds.js';

export type OnNoChampion = 'pass-absolute' | 'fail';
export type Verdict = 'pass' | 'fail' | 'skipped';
export type RuleKind = 'threshold' | 'min_absolute_change' | 'min_relative_change';

/** One rule of one metric, as the report lists it. */
export interface Check {
  metric: string;
  kind: RuleKind;
  /** The rule in words, e.g. "≥ 0.85" or "≥ champion + 1% of |champion|". */
  rule: string;
  candidate?: number;
  baseline?: number;
  verdict: Verdict;
  reason: string;
}

/** What the candidate is compared with. */
export type Baseline =
  | { kind: 'champion'; label: string; metrics: ReadonlyMap<string, number> }
  | { kind: 'none' }
  /** The candidate run is the champion's own run: there is nothing to beat. */
  | { kind: 'self'; label: string };

export interface GateInput {
  rules: readonly MetricRule[];
  candidate: ReadonlyMap<string, number>;
  baseline: Baseline;
  onNoChampion: OnNoChampion;
}

export interface GateResult {
  passed: boolean;
  checks: Check[];
}

/** MLflow's fallback when the baseline is 0 and a relative change is asked for. */
const ZERO_BASELINE_EPSILON = 1e-10;

/**
 * MLflow's validate_evaluation_results semantics, rule by rule, with these differences:
 * - fail closed: a missing, NaN or infinite value fails its rules, in either direction;
 * - relative change divides by |baseline| (MLflow before 3.x divided by the signed baseline,
 *   which inverts the verdict for negative metrics);
 * - with no champion, change rules are skipped (`pass-absolute`) or fail (`fail`); MLflow
 *   always fails them as "missing baseline".
 * Every rule gets a check, so the report shows all of them, not only the first failure.
 */
export function evaluateGate(input: GateInput): GateResult {
  const checks = input.rules.flatMap((rule) => checkMetric(rule, input));
  return { passed: checks.every((check) => check.verdict !== 'fail'), checks };
}

function checkMetric(rule: MetricRule, input: GateInput): Check[] {
  const checks: Check[] = [];
  const candidate = input.candidate.get(rule.metric);
  const candidateProblem = valueProblem(candidate, 'the candidate run');
  const baselineValue = input.baseline.kind === 'champion' ? input.baseline.metrics.get(rule.metric) : undefined;
  const base = { metric: rule.metric, candidate, baseline: baselineValue };

  if (rule.threshold !== undefined) {
    const text = `${better(rule)} ${fmt(rule.threshold)}`;
    const verdict = candidateProblem
      ? { verdict: 'fail' as const, reason: candidateProblem }
      : thresholdVerdict(rule, candidate!, rule.threshold);
    checks.push({ ...base, kind: 'threshold', rule: text, ...verdict });
  }

  const changes: { kind: RuleKind; amount: number }[] = [];
  if (rule.minAbsoluteChange !== undefined)
    changes.push({ kind: 'min_absolute_change', amount: rule.minAbsoluteChange });
  if (rule.minRelativeChange !== undefined)
    changes.push({ kind: 'min_relative_change', amount: rule.minRelativeChange });
  for (const change of changes) {
    const text = changeRule(rule, change.kind, change.amount);
    const skipOrFail = changeUnavailable(input, candidateProblem, baselineValue);
    if (skipOrFail) {
      checks.push({ ...base, kind: change.kind, rule: text, ...skipOrFail });
      continue;
    }
    const verdict =
      change.kind === 'min_absolute_change'
        ? absoluteChange(rule, candidate!, baselineValue!, change.amount)
        : relativeChange(rule, candidate!, baselineValue!, change.amount);
    checks.push({ ...base, kind: change.kind, rule: text, ...verdict });
  }
  return checks;
}

/** Why a change rule cannot be computed, as its verdict; undefined when it can. */
function changeUnavailable(
  input: GateInput,
  candidateProblem: string | undefined,
  baselineValue: number | undefined,
): Pick<Check, 'verdict' | 'reason'> | undefined {
  if (candidateProblem) return { verdict: 'fail', reason: candidateProblem };
  const baseline = input.baseline;
  if (baseline.kind === 'self') {
    return {
      verdict: 'skipped',
      reason: `the candidate is the run of the champion (${baseline.label}): nothing to beat`,
    };
  }
  if (baseline.kind === 'none') {
    return input.onNoChampion === 'fail'
      ? { verdict: 'fail', reason: 'there is no champion to compare with, and on-no-champion is fail' }
      : {
          verdict: 'skipped',
          reason: 'no champion yet: only absolute thresholds apply (on-no-champion: pass-absolute)',
        };
  }
  const problem = valueProblem(baselineValue, `the champion (${baseline.label})`);
  return problem ? { verdict: 'fail', reason: problem } : undefined;
}

function thresholdVerdict(rule: MetricRule, candidate: number, threshold: number): Pick<Check, 'verdict' | 'reason'> {
  const ok = compare(rule, candidate, threshold);
  return {
    verdict: ok ? 'pass' : 'fail',
    reason: `${fmt(candidate)} ${ok ? better(rule) : worse(rule)} ${fmt(threshold)}`,
  };
}

function absoluteChange(
  rule: MetricRule,
  candidate: number,
  baseline: number,
  amount: number,
): Pick<Check, 'verdict' | 'reason'> {
  // Same arithmetic as MLflow: the bound is computed in floating point, then compared.
  const bound = rule.greaterIsBetter ? baseline + amount : baseline - amount;
  const ok = compare(rule, candidate, bound);
  const delta = candidate - baseline;
  return {
    verdict: ok ? 'pass' : 'fail',
    reason: `change ${signed(delta)}: ${fmt(candidate)} ${ok ? better(rule) : worse(rule)} ${fmt(bound)}`,
  };
}

function relativeChange(
  rule: MetricRule,
  candidate: number,
  baseline: number,
  share: number,
): Pick<Check, 'verdict' | 'reason'> {
  if (baseline === 0) {
    const bound = rule.greaterIsBetter ? ZERO_BASELINE_EPSILON : -ZERO_BASELINE_EPSILON;
    const ok = compare(rule, candidate, bound);
    return {
      verdict: ok ? 'pass' : 'fail',
      reason: `the champion's value is 0, so a relative change is undefined: the candidate must simply be better (${fmt(candidate)} ${ok ? 'is' : 'is not'})`,
    };
  }
  const improvement = (rule.greaterIsBetter ? candidate - baseline : baseline - candidate) / Math.abs(baseline);
  const ok = improvement >= share;
  return {
    verdict: ok ? 'pass' : 'fail',
    reason: `improvement ${percent(improvement)} of |${fmt(baseline)}| ${ok ? '≥' : '<'} ${percent(share)}`,
  };
}

function valueProblem(value: number | undefined, whose: string): string | undefined {
  if (value === undefined) return `${whose} has no such metric`;
  if (Number.isNaN(value)) return `${whose} logged NaN: not comparable`;
  if (!Number.isFinite(value)) return `${whose} logged ${value > 0 ? 'Infinity' : '-Infinity'}: not comparable`;
  return undefined;
}

function compare(rule: MetricRule, value: number, bound: number): boolean {
  return rule.greaterIsBetter ? value >= bound : value <= bound;
}

function better(rule: MetricRule): string {
  return rule.greaterIsBetter ? '≥' : '≤';
}

function worse(rule: MetricRule): string {
  return rule.greaterIsBetter ? '<' : '>';
}

function changeRule(rule: MetricRule, kind: RuleKind, amount: number): string {
  const sign = rule.greaterIsBetter ? '+' : '−';
  return kind === 'min_absolute_change'
    ? `${better(rule)} champion ${sign} ${fmt(amount)}`
    : `${better(rule)} champion ${sign} ${percent(amount)} of |champion|`;
}

/** A metric value for people: 6 significant digits, NaN and ±Infinity spelled out. */
export function fmt(value: number | undefined): string {
  if (value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(Number(value.toPrecision(6)));
}

function signed(value: number): string {
  return value >= 0 ? `+${fmt(value)}` : fmt(value);
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(4))}%`;
}
