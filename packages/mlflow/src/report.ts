import { Markdown, code, link } from '@mlops-actions/action-kit/markdown';
import type { GateAndRegisterResult } from './gate-and-register.js';
import { fmt, type Check, type GateResult, type Verdict } from './gate.js';
import type { PromoteResult } from './promote.js';

const VERDICT: Record<Verdict, string> = { pass: '✅ pass', fail: '❌ fail', skipped: '⏭️ skipped' };

export function modelUri(name: string, version: string): string {
  return `models:/${name}/${version}`;
}

/** The gate (and registration) report: every rule with its values and verdict. */
export function gateReport(modelName: string, result: GateAndRegisterResult, options: { register: boolean }): string {
  const { gate, run, champion } = result;
  const md = new Markdown();
  md.heading(`MLflow gate ${gate.passed ? '✅ passed' : '❌ failed'}: ${modelName}`);
  md.list([
    `Candidate: ${link(`run ${run.name ?? run.id}`, run.url)} (${code(run.id)})`,
    champion
      ? `Champion (@${champion.alias}): version ${champion.version}${champion.runId ? `, run ${code(champion.runId)}` : ''}`
      : 'Champion: none yet',
  ]);
  md.table(
    ['metric', 'candidate', 'champion', 'rule', 'verdict', 'detail'],
    gate.checks.map((check) => [
      check.metric,
      fmt(check.candidate),
      champion ? fmt(check.baseline) : '–',
      check.rule,
      VERDICT[check.verdict],
      check.reason,
    ]),
  );
  if (gate.checks.some((check) => check.verdict === 'skipped' && !champion)) {
    md.paragraph('No champion yet: only the absolute thresholds were applied.');
  }
  if (!gate.passed) {
    md.paragraph(
      options.register ? 'Nothing was registered and no alias was moved.' : 'Gate only: nothing is registered.',
    );
    return md.toString();
  }
  const registration = result.registration;
  if (!registration) {
    md.paragraph('Gate only (mode: gate): nothing was registered.');
    return md.toString();
  }
  const items = [
    `Version ${registration.version} ${registration.reused ? '(reused: this run was registered before)' : '(new)'}: ${code(modelUri(modelName, registration.version))}`,
    `Source: ${code(result.model?.source ?? '')}${result.model?.kind === 'run-artifact' ? ' (a model stored in the run)' : ''}`,
    ...registration.aliases.map(
      (move) =>
        `@${move.alias} → version ${move.version}${move.previous === undefined ? ' (new alias)' : move.previous === move.version ? ' (unchanged)' : ` (was ${move.previous})`}`,
    ),
  ];
  if (registration.modelCreated) items.unshift(`Created the registered model ${code(modelName)}`);
  md.heading('Registered', 3).list(items);
  return md.toString();
}

export function promoteReport(modelName: string, to: string, result: PromoteResult): string {
  const md = new Markdown();
  md.heading(`MLflow promote: @${to} → version ${result.version} of ${modelName}`);
  const items = [
    result.changed
      ? `Moved @${to} from ${result.previousVersion === undefined ? 'nowhere (new alias)' : `version ${result.previousVersion}`} to version ${result.version}`
      : `@${to} already pointed at version ${result.version}: nothing moved`,
    `Model: ${code(modelUri(modelName, result.version))}${result.runId ? `, run ${code(result.runId)}` : ''}`,
  ];
  if (result.changed && result.previousVersion !== undefined) {
    items.push(
      `Roll back: run this action with ${code('mode: promote')}, ${code(`promote-to: ${to}`)}, ${code(`version: ${result.previousVersion}`)}`,
    );
  }
  md.list(items);
  return md.toString();
}

type JsonValue = number | string | null;

/** The `metrics` output: per metric its values, overall verdict and every rule's verdict. */
export function metricsOutput(gate: GateResult): Record<string, unknown> {
  const byMetric = new Map<string, Check[]>();
  for (const check of gate.checks) byMetric.set(check.metric, [...(byMetric.get(check.metric) ?? []), check]);
  return Object.fromEntries(
    [...byMetric].map(([metric, checks]) => [
      metric,
      {
        candidate: jsonNumber(checks[0]!.candidate),
        baseline: jsonNumber(checks[0]!.baseline),
        verdict: checks.some((check) => check.verdict === 'fail') ? 'fail' : 'pass',
        rules: checks.map((check) => ({
          rule: check.kind,
          text: check.rule,
          verdict: check.verdict,
          reason: check.reason,
        })),
      },
    ]),
  );
}

/** JSON has no NaN or Infinity: those become their names, a missing value null. */
function jsonNumber(value: number | undefined): JsonValue {
  if (value === undefined) return null;
  return Number.isFinite(value) ? value : fmt(value);
}
