import { formatDuration } from '@mlops-actions/action-kit/parse';
import { parseRetryAfter, realClock, redactUrl, type Clock, type HttpClient } from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';
import { judgeHealth, type Verdict } from './judge.js';
import { describeOutcome, probe, type ProbeOutcome } from './probe.js';
import { endpoints, type Protocol, type ProtocolChoice } from './protocol.js';
import { describeServedModels, listServedModels } from './served-models.js';

export type StageName = 'server live' | 'server ready' | 'model ready' | 'model version';

/** One step of the readiness timeline, for the log and the job summary. */
export interface StageRecord {
  stage: StageName;
  /** Method and path, e.g. "GET /v2/health/live". */
  endpoint: string;
  outcome: 'passed' | 'failed' | 'timed out' | 'skipped';
  attempts: number;
  /** Since the check started. */
  atMs: number;
  /** The last answer seen, or why the stage was skipped. */
  detail?: string;
}

export interface ReadinessOptions {
  model: string;
  protocol: ProtocolChoice;
  /** V2 only: the version the model metadata must report. */
  modelVersion?: string;
  timeoutMs: number;
  requestTimeoutMs: number;
  /** How long a 404 counts as "routes still propagating" rather than "no such model". */
  notFoundGraceMs: number;
  /** Backoff between polls: doubles from `minMs` up to `maxMs`, with jitter. */
  poll?: { minMs: number; maxMs: number };
}

export interface ReadinessDeps {
  client: HttpClient;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
}

export interface ReadinessResult {
  ready: boolean;
  protocol?: Protocol;
  /** The version the model reports (V2 metadata), when it reports one. */
  modelVersion?: string;
  /** The model's V2 metadata, when the server gave it. */
  metadata?: unknown;
  timeline: StageRecord[];
  elapsedMs: number;
  failure?: { reason: string; auth: boolean };
}

interface Stage {
  name: StageName;
  method: 'GET';
  path: string;
}

const DEFAULT_POLL = { minMs: 250, maxMs: 5000 };
/** Retry-After can ask for long waits; a readiness poll never sleeps more than this at once. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Waits, in order, for server live → server ready → model ready (→ model version) on V2, or
 * model ready on V1, until `timeoutMs`. Transient answers (refused, reset, 408/429/5xx, the
 * spec's 4xx "not ready", 404 within the grace period) keep it waiting with backoff; 401/403,
 * any 3xx, an HTML page and a 404 past the grace period end it at once, with the reason.
 */
export async function waitUntilReady(options: ReadinessOptions, deps: ReadinessDeps): Promise<ReadinessResult> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? realClock;
  const random = deps.random ?? Math.random;
  const poll = options.poll ?? DEFAULT_POLL;
  const paths = endpoints(options.model);
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const elapsed = () => clock.now() - started;
  const timeline: StageRecord[] = [];

  let protocol: Protocol | undefined = options.protocol === 'auto' ? undefined : options.protocol;
  const stagesFor = (p: Protocol): Stage[] =>
    p === 'v1'
      ? [{ name: 'model ready', method: 'GET', path: paths.v1Model }]
      : [
          { name: 'server live', method: 'GET', path: paths.v2Live },
          { name: 'server ready', method: 'GET', path: paths.v2Ready },
          { name: 'model ready', method: 'GET', path: paths.v2ModelReady },
          { name: 'model version', method: 'GET', path: paths.v2Metadata },
        ];
  // Under auto, the V2 liveness probe doubles as protocol detection.
  const stages: Stage[] = stagesFor(protocol ?? 'v2');
  let modelVersion: string | undefined;
  let metadata: unknown;

  const finish = (failure?: ReadinessResult['failure']): ReadinessResult => ({
    ready: failure === undefined,
    protocol,
    modelVersion,
    metadata,
    timeline,
    elapsedMs: elapsed(),
    failure,
  });

  for (let index = 0; index < stages.length; index++) {
    const stage = stages[index]!;
    const endpoint = `${stage.method} ${stage.path}`;
    let attempts = 0;
    let lastReason = '';
    // Backoff restarts when the answer changes (refused → 503): the server is moving, look again soon.
    let backoffAttempt = 0;
    let lastAnswerKind: string | number | undefined;
    let lastOutcome: ProbeOutcome | undefined;

    for (;;) {
      attempts++;
      const remaining = deadline - clock.now();
      const timeoutMs = Math.max(1000, Math.min(options.requestTimeoutMs, remaining));
      const outcome = await probe(deps.client, stage.path, { timeoutMs });
      lastOutcome = outcome;
      let verdict: Verdict = judgeHealth(outcome);
      const record = (outcomeName: StageRecord['outcome'], detail?: string) =>
        timeline.push({ stage: stage.name, endpoint, outcome: outcomeName, attempts, atMs: elapsed(), detail });

      if (verdict.kind === 'not-found' && protocol === undefined && stage.name === 'server live') {
        const detected = await detectV1(deps.client, paths, timeoutMs);
        if (detected) {
          protocol = 'v1';
          record('skipped', 'no V2 endpoints (404): the server speaks KServe V1');
          logger.info(`GET ${paths.v2Live} answers 404 but GET ${paths.v1Model} answers: using KServe V1`);
          stages.splice(index + 1, stages.length, ...stagesFor('v1'));
          break;
        }
      }

      if (verdict.kind === 'pass' && stage.name === 'model version') {
        metadata = verdict.body;
        const versions = reportedVersions(verdict.body);
        modelVersion = versions[0];
        if (options.modelVersion) {
          const served = await servesVersion(deps.client, options, versions, timeoutMs);
          if (served === true) modelVersion = options.modelVersion;
          else verdict = { kind: 'wait', reason: served };
        }
      } else if (verdict.kind !== 'pass' && stage.name === 'model version' && !options.modelVersion) {
        // Metadata is only informative without model-version: never block readiness on it.
        record('skipped', `no model metadata: ${describeOutcome(outcome)}`);
        break;
      }

      if (verdict.kind === 'pass') {
        if (protocol === undefined) protocol = 'v2';
        record('passed', describeOutcome(outcome));
        logger.info(`${stage.name}: ${endpoint} passed after ${formatDuration(elapsed())} (${attempts} attempt(s))`);
        break;
      }

      if (verdict.kind === 'fail') {
        record('failed', describeOutcome(outcome));
        return finish({ reason: `${stage.name}: ${verdict.reason}`, auth: verdict.auth === true });
      }

      if (verdict.kind === 'not-found') {
        if (elapsed() >= options.notFoundGraceMs) {
          record('failed', describeOutcome(outcome));
          return finish({ reason: await notFoundReason(stage, outcome, protocol, options, deps), auth: false });
        }
        verdict = {
          kind: 'wait',
          reason: `${verdict.reason} (a 404 is waited out for ${formatDuration(options.notFoundGraceMs)} while routes propagate)`,
        };
      }

      if (verdict.onlyDuringGrace && elapsed() >= options.notFoundGraceMs) {
        record('failed', describeOutcome(outcome));
        return finish({ reason: `${stage.name}: ${verdict.reason}`, auth: false });
      }

      // Waiting.
      if (verdict.reason !== lastReason) {
        logger.info(`${stage.name}: ${endpoint} not yet: ${verdict.reason}`);
        lastReason = verdict.reason;
      } else {
        logger.debug(`${stage.name}: attempt ${attempts}: ${verdict.reason}`);
      }
      const now = clock.now();
      if (now >= deadline) {
        record('timed out', describeOutcome(lastOutcome));
        const url = lastOutcome.url;
        return finish({
          reason:
            `${stage.name}: not reached within ${formatDuration(options.timeoutMs)} ` +
            `(${attempts} attempt(s) at ${endpoint}); the last answer from ${redactUrl(url)} was ${verdict.reason}. ` +
            'If the model is still loading or rolling out, raise timeout; otherwise look at the server logs',
          auth: false,
        });
      }
      const answerKind = outcome.kind === 'answer' ? outcome.status : outcome.code;
      backoffAttempt = answerKind === lastAnswerKind ? backoffAttempt + 1 : 1;
      lastAnswerKind = answerKind;
      const backoff = pollDelay(backoffAttempt, poll, random);
      const retryAfter = verdict.retryAfter ? parseRetryAfter(verdict.retryAfter, now) : undefined;
      const delay = Math.min(
        retryAfter !== undefined ? Math.min(retryAfter, MAX_RETRY_AFTER_MS) : backoff,
        deadline - now,
      );
      await clock.sleep(Math.max(0, delay));
    }
  }
  return finish();
}

/** Doubling from minMs up to maxMs, with half the delay jittered so pollers do not march in step. */
export function pollDelay(attempt: number, poll: { minMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(poll.maxMs, poll.minMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

async function detectV1(client: HttpClient, paths: ReturnType<typeof endpoints>, timeoutMs: number): Promise<boolean> {
  const model = await probe(client, paths.v1Model, { timeoutMs });
  if (model.kind === 'answer' && model.status !== 404) return true;
  const list = await probe(client, paths.v1Models, { timeoutMs });
  return list.kind === 'answer' && list.status === 200;
}

async function notFoundReason(
  stage: Stage,
  outcome: ProbeOutcome,
  protocol: Protocol | undefined,
  options: ReadinessOptions,
  deps: ReadinessDeps,
): Promise<string> {
  const waited = formatDuration(options.notFoundGraceMs);
  const answer = describeOutcome(outcome);
  if (stage.name === 'model ready') {
    const served = await listServedModels(deps.client, protocol ?? 'v2', options.requestTimeoutMs);
    return (
      `model '${options.model}' not found: ${stage.path} still answered ${answer} after the ${waited} grace period; ` +
      `${describeServedModels(served)}. Set model to the name the server serves (it often differs from the InferenceService name)`
    );
  }
  if (protocol === undefined) {
    return (
      `no inference endpoints: neither GET ${endpoints(options.model).v2Live} (Open Inference Protocol) nor ` +
      `GET ${endpoints(options.model).v1Model} (KServe V1) answered anything but 404 within ${waited} (${answer}). ` +
      'Check url (keep any path prefix) and host (the gateway routes on it)'
    );
  }
  return (
    `${stage.path} answered ${answer} for ${waited}: the server does not have this endpoint here. ` +
    `Check url (keep any path prefix), host, and protocol (now ${protocol})`
  );
}

/** `versions` of V2 model metadata (KServe, MLServer, Triton); some servers also send `version`. */
function reportedVersions(body: unknown): string[] {
  if (body === null || typeof body !== 'object') return [];
  const doc = body as { versions?: unknown; version?: unknown };
  const versions = Array.isArray(doc.versions) ? doc.versions.filter((v) => typeof v === 'string') : [];
  if (typeof doc.version === 'string' && !versions.includes(doc.version)) versions.push(doc.version);
  return versions as string[];
}

/**
 * True when the model serves `modelVersion`: its metadata lists it (KServe, Triton), or the
 * versioned ready endpoint says so (MLServer keeps the version out of the metadata). Otherwise
 * why not, for the log: during a rollout the old version answers for a while.
 */
async function servesVersion(
  client: HttpClient,
  options: ReadinessOptions,
  versions: string[],
  timeoutMs: number,
): Promise<true | string> {
  const wanted = options.modelVersion!;
  if (versions.includes(wanted)) return true;
  const path = endpoints(options.model).v2VersionReady(wanted);
  const outcome = await probe(client, path, { timeoutMs });
  if (outcome.kind === 'answer' && outcome.status === 200) return true;
  const reported = versions.length ? `version ${versions.join(', ')}` : 'no version';
  return `the model metadata reports ${reported} and GET ${path} answered ${describeOutcome(outcome)}: waiting for version ${wanted}`;
}
