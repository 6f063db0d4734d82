import type { Logger } from '@mlops-actions/action-kit/logger';
import { isKind } from './errors.js';
import { evaluateGate, fmt, type Baseline, type GateResult, type OnNoChampion } from './gate.js';
import { resolveModelSource, type ModelSource } from './logged-model.js';
import { registerCandidate, SOURCE_RUN_TAG, type Registration } from './register.js';
import type { Registry } from './registry.js';
import type { MlflowRest } from './rest.js';
import { getRun, resolveCandidateRun, type CandidateSelector } from './runs.js';
import type { MetricRule } from './thresholds.js';
import { runMetrics, type WireModelVersion } from './wire.js';

export interface GateAndRegisterOptions {
  modelName: string;
  candidate: CandidateSelector;
  loggedModelName: string;
  rules: readonly MetricRule[];
  championAlias: string;
  onNoChampion: OnNoChampion;
  /** False for mode `gate`: gate only, register and move nothing. */
  register: boolean;
  /** Set on the version when the gate passes. */
  aliases: readonly string[];
  /** The user's tags; the provenance tags below are added. */
  tags: Record<string, string>;
  provenance: { gitCommit?: string; workflowRunUrl?: string };
  waitTimeoutMs: number;
}

export interface CandidateRun {
  id: string;
  name?: string;
  experimentId: string;
  /** The run's page in the MLflow UI. */
  url: string;
  metrics: ReadonlyMap<string, number>;
}

export interface Champion {
  alias: string;
  version: string;
  runId?: string;
}

export interface GateAndRegisterResult {
  serverVersion: string;
  run: CandidateRun;
  champion?: Champion;
  gate: GateResult;
  passed: boolean;
  model?: ModelSource;
  registration?: Registration;
}

/**
 * Gates the candidate run against the thresholds and the champion; when it passes (and `register`
 * is on), registers its model once and points the aliases at that version. On failure nothing is
 * written. The number of REST calls does not depend on how many runs the experiment holds.
 */
export async function gateAndRegister(
  deps: { rest: MlflowRest; registry: Registry; logger: Logger },
  options: GateAndRegisterOptions,
): Promise<GateAndRegisterResult> {
  const { rest, registry, logger } = deps;
  const serverVersion = await rest.serverVersion();
  const serverMajor = Number(serverVersion.split('.')[0]);
  logger.info(`MLflow ${serverVersion} at ${rest.trackingUri}`);

  const wireRun = await resolveCandidateRun(rest, options.candidate);
  const run: CandidateRun = {
    id: wireRun.info.run_id,
    name: wireRun.info.run_name,
    experimentId: wireRun.info.experiment_id,
    url: `${rest.trackingUri}/#/experiments/${wireRun.info.experiment_id}/runs/${wireRun.info.run_id}`,
    metrics: runMetrics(wireRun),
  };
  logger.info(`Candidate: run ${run.id}${run.name ? ` (${run.name})` : ''}`);

  const holder = await registry.aliasHolder(options.modelName, options.championAlias);
  const champion = holder && {
    alias: options.championAlias,
    version: holder.version,
    runId: holder.run_id || undefined,
  };
  const baseline = await baselineOf(rest, holder, run.id);
  logger.info(
    champion
      ? `Champion: version ${champion.version} (@${champion.alias})`
      : `No champion: '${options.modelName}' has no version with the alias '${options.championAlias}'`,
  );

  const gate = evaluateGate({
    rules: options.rules,
    candidate: run.metrics,
    baseline,
    onNoChampion: options.onNoChampion,
  });
  const result: GateAndRegisterResult = { serverVersion, run, champion, gate, passed: gate.passed };
  if (!gate.passed || !options.register) return result;

  result.model = await resolveModelSource(rest, wireRun, options.loggedModelName, serverMajor);
  result.registration = await registerCandidate(
    registry,
    {
      modelName: options.modelName,
      runId: run.id,
      source: result.model,
      tags: versionTags(options, run, champion),
      aliases: options.aliases,
      runLink: run.url,
      waitTimeoutMs: options.waitTimeoutMs,
      // Moving the champion alias itself is only safe if nobody promoted another model meanwhile.
      guard: { alias: options.championAlias, expectedVersion: champion?.version },
    },
    logger,
  );
  return result;
}

async function baselineOf(
  rest: MlflowRest,
  holder: WireModelVersion | undefined,
  candidateRunId: string,
): Promise<Baseline> {
  if (!holder) return { kind: 'none' };
  const label = `version ${holder.version}`;
  if (holder.run_id === candidateRunId) return { kind: 'self', label };
  if (!holder.run_id) return { kind: 'champion', label: `${label}, registered without a run`, metrics: new Map() };
  try {
    return { kind: 'champion', label, metrics: runMetrics(await getRun(rest, holder.run_id, `the champion ${label}`)) };
  } catch (error) {
    if (!isKind(error, 'not-found')) throw error;
    return { kind: 'champion', label: `${label}, whose run ${holder.run_id} is gone`, metrics: new Map() };
  }
}

/** Provenance and gate evidence on the version; the user's tags cannot replace these keys. */
function versionTags(
  options: GateAndRegisterOptions,
  run: CandidateRun,
  champion: Champion | undefined,
): Record<string, string> {
  const evidence = Object.fromEntries(
    options.rules.map((rule) => [rule.metric, fmt(run.metrics.get(rule.metric))] as const),
  );
  const tags: Record<string, string> = {
    ...options.tags,
    [SOURCE_RUN_TAG]: run.id,
    'mlops.gate.verdict': 'passed',
    'mlops.gate.champion_version': champion?.version ?? 'none',
    'mlops.gate.metrics': JSON.stringify(evidence).slice(0, 5000),
  };
  if (options.provenance.gitCommit) tags['mlops.git_commit'] = options.provenance.gitCommit;
  if (options.provenance.workflowRunUrl) tags['mlops.workflow_run_url'] = options.provenance.workflowRunUrl;
  return tags;
}
