import type { OutputValue } from '@mlops-actions/action-kit/inputs';
import type { Auth, Deadline, TlsOptions } from '@mlops-actions/action-kit/http';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { Markdown } from '@mlops-actions/action-kit/markdown';
import { MlflowError } from './errors.js';
import type { OnNoChampion } from './gate.js';
import { gateAndRegister, type GateAndRegisterResult } from './gate-and-register.js';
import { promote } from './promote.js';
import { Registry } from './registry.js';
import { gateReport, metricsOutput, modelUri, promoteReport } from './report.js';
import { MlflowRest } from './rest.js';
import type { CandidateSelector } from './runs.js';
import type { MetricRule } from './thresholds.js';

export const MODES = ['gate-and-register', 'gate', 'promote'] as const;
export type Mode = (typeof MODES)[number];

/** How to reach MLflow. */
export interface MlflowConnection {
  /** `timeout`: every MLflow call runs under it. */
  deadline: Deadline;
  trackingUri: URL;
  auth?: Auth;
  workspace?: string;
  tls: TlsOptions;
}

export interface MlflowGateOptions {
  candidate: CandidateSelector;
  loggedModelName: string;
  rules: MetricRule[];
  championAlias: string;
  onNoChampion: OnNoChampion;
  aliases: string[];
  tags: Record<string, string>;
  failOnGateFailure: boolean;
  waitTimeoutMs: number;
}

/** What mlflow-gate-and-register does (the action reads it from its inputs). */
export type MlflowActionOptions = MlflowConnection & { modelName: string } & (
    | ({ mode: 'gate-and-register' | 'gate' } & MlflowGateOptions)
    | { mode: 'promote'; to: string; from: { alias: string } | { version: string } }
  );

export interface MlflowActionReport {
  /** The action's outputs, by name. */
  outputs: Record<string, OutputValue>;
  summary: string;
  /** Why the step fails: an MLflow error, or the gate failed with fail-on-gate-failure on. */
  failure?: string;
}

type Deps = { rest: MlflowRest; registry: Registry; logger: Logger };
type Provenance = { gitCommit?: string; workflowRunUrl?: string };

/**
 * mlflow-gate-and-register from start to end: gates the candidate run against thresholds and the
 * champion, registers and aliases it (or promotes an alias), and reports. An MLflow failure ends
 * in a report with `failure` (the summary says what happened); bugs still throw.
 */
export async function mlflowGateAndRegister(
  options: MlflowActionOptions,
  deps: { logger: Logger; provenance: Provenance },
): Promise<MlflowActionReport> {
  const { logger } = deps;
  const rest = new MlflowRest({
    deadline: options.deadline,
    trackingUri: options.trackingUri,
    auth: options.auth,
    workspace: options.workspace,
    tls: options.tls,
    logger,
  });
  const clients = { rest, registry: new Registry(rest), logger };
  try {
    if (options.mode === 'promote') return await runPromote(clients, options);
    return await runGate(clients, options, deps.provenance);
  } catch (error) {
    if (!(error instanceof MlflowError)) throw error;
    const summary = new Markdown()
      .heading(`MLflow ${options.mode}: error for ${options.modelName}`)
      .paragraph(error.message)
      .toString();
    return { outputs: {}, summary, failure: error.message };
  } finally {
    logger.info(`${rest.calls} MLflow REST calls`);
    await rest.close();
  }
}

async function runGate(
  deps: Deps,
  options: Extract<MlflowActionOptions, { mode: 'gate' | 'gate-and-register' }>,
  provenance: Provenance,
): Promise<MlflowActionReport> {
  const { logger } = deps;
  const register = options.mode === 'gate-and-register';
  const result = await gateAndRegister(deps, {
    modelName: options.modelName,
    candidate: options.candidate,
    loggedModelName: options.loggedModelName,
    rules: options.rules,
    championAlias: options.championAlias,
    onNoChampion: options.onNoChampion,
    register,
    aliases: options.aliases,
    tags: options.tags,
    provenance,
    waitTimeoutMs: options.waitTimeoutMs,
  });
  const report = gateReport(options.modelName, result, { register });
  const registration = result.registration;
  const outputs = {
    passed: result.passed,
    version: registration?.version,
    'model-uri': registration && modelUri(options.modelName, registration.version),
    'run-id': result.run.id,
    'model-id': result.model?.modelId,
    'champion-version': result.champion?.version,
    'previous-version': registration?.aliases[0]?.previous,
    metrics: metricsOutput(result.gate),
    report,
  };
  logger.info(report);
  if (result.passed) return { outputs, summary: report };
  const message = gateFailure(result);
  if (options.failOnGateFailure) return { outputs, summary: report, failure: message };
  logger.warning(`${message} (fail-on-gate-failure is false: the step succeeds with passed=false)`);
  return { outputs, summary: report };
}

async function runPromote(
  deps: Deps,
  options: Extract<MlflowActionOptions, { mode: 'promote' }>,
): Promise<MlflowActionReport> {
  const result = await promote(deps, { modelName: options.modelName, to: options.to, from: options.from });
  const report = promoteReport(options.modelName, options.to, result);
  const outputs = {
    passed: true,
    version: result.version,
    'model-uri': modelUri(options.modelName, result.version),
    'run-id': result.runId,
    'model-id': result.modelId,
    'champion-version': result.version,
    'previous-version': result.previousVersion,
    metrics: {},
    report,
  };
  return { outputs, summary: report };
}

/** One line per failing rule, so the step's error says why without opening the summary. */
function gateFailure(result: GateAndRegisterResult): string {
  const failures = result.gate.checks
    .filter((check) => check.verdict === 'fail')
    .map((check) => `${check.metric} ${check.rule}: ${check.reason}`);
  return `The MLflow gate failed for run ${result.run.id}: ${failures.join('; ')}. Nothing was registered; the job summary has the full table.`;
}
