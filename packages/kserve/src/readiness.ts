import { formatDuration } from '@mlops-actions/action-kit/parse';
import { parseRetryAfter, realClock, type Clock, type HttpClient } from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';
import { judgeHealth, type Verdict } from './judge.js';
import { reportedVersions, servesVersion } from './model-version.js';
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
  path: string;
}

/** What one answer means for the stage being polled. */
type Step =
  | { kind: 'pass' }
  | { kind: 'skip'; detail: string }
  | { kind: 'switch to v1' }
  | { kind: 'fail'; reason: string; auth: boolean }
  | { kind: 'wait'; reason: string; retryAfter?: string | null };

const DEFAULT_POLL = { minMs: 250, maxMs: 5000 };
/** Retry-After can ask for long waits; a readiness poll never sleeps more than this at once. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Waits, in order, for server live → server ready → model ready (→ model version) on V2, or
 * model ready on V1, until `timeoutMs`. Transient answers (refused, reset, 408/429/5xx, the
 * spec's 4xx "not ready", 404 within the grace period) keep it waiting with backoff; 401/403,
 * any 3xx, an HTML page and a 404 past the grace period end it at once, with the reason.
 */
export function waitUntilReady(options: ReadinessOptions, deps: ReadinessDeps): Promise<ReadinessResult> {
  return new ReadinessRun(options, deps).run();
}

/** Doubling from minMs up to maxMs, with half the delay jittered so pollers do not march in step. */
export function pollDelay(attempt: number, poll: { minMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(poll.maxMs, poll.minMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

class ReadinessRun {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly paths: ReturnType<typeof endpoints>;
  private readonly started: number;
  private readonly deadline: number;
  private readonly timeline: StageRecord[] = [];
  /** Undefined under auto until the server shows which protocol it has. */
  private protocol?: Protocol;
  private modelVersion?: string;
  private metadata?: unknown;

  constructor(
    private readonly options: ReadinessOptions,
    private readonly deps: ReadinessDeps,
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? realClock;
    this.paths = endpoints(options.model);
    this.started = this.clock.now();
    this.deadline = this.started + options.timeoutMs;
    this.protocol = options.protocol === 'auto' ? undefined : options.protocol;
  }

  async run(): Promise<ReadinessResult> {
    // Under auto, the V2 liveness probe doubles as protocol detection.
    const stages = this.stagesFor(this.protocol ?? 'v2');
    for (let index = 0; index < stages.length; index++) {
      const end = await this.pollStage(stages[index]!);
      if (end.kind === 'fail') return this.result(end);
      if (end.kind === 'switch to v1') {
        this.protocol = 'v1';
        stages.splice(index + 1, stages.length, ...this.stagesFor('v1'));
      }
    }
    this.protocol ??= 'v2';
    return this.result();
  }

  private stagesFor(protocol: Protocol): Stage[] {
    if (protocol === 'v1') return [{ name: 'model ready', path: this.paths.v1Model }];
    return [
      { name: 'server live', path: this.paths.v2Live },
      { name: 'server ready', path: this.paths.v2Ready },
      { name: 'model ready', path: this.paths.v2ModelReady },
      { name: 'model version', path: this.paths.v2Metadata },
    ];
  }

  /** Polls one stage until it passes, is skipped, fails, or the deadline comes. */
  private async pollStage(stage: Stage): Promise<Exclude<Step, { kind: 'wait' }>> {
    const endpoint = `GET ${stage.path}`;
    const backoff = new Backoff(this.options.poll ?? DEFAULT_POLL, this.deps.random ?? Math.random);
    let lastReason = '';
    for (let attempts = 1; ; attempts++) {
      const timeoutMs = Math.max(1000, Math.min(this.options.requestTimeoutMs, this.deadline - this.clock.now()));
      const outcome = await probe(this.deps.client, stage.path, { timeoutMs });
      const step = await this.interpret(stage, outcome, timeoutMs);
      const record = (result: StageRecord['outcome'], detail = describeOutcome(outcome)) =>
        this.timeline.push({ stage: stage.name, endpoint, outcome: result, attempts, atMs: this.elapsed(), detail });

      switch (step.kind) {
        case 'pass':
          record('passed');
          this.logger.info(
            `${stage.name}: ${endpoint} passed after ${formatDuration(this.elapsed())} (${attempts} attempt(s))`,
          );
          return step;
        case 'skip':
          record('skipped', step.detail);
          return step;
        case 'switch to v1':
          record('skipped', 'no V2 endpoints (404): the server speaks KServe V1');
          this.logger.info(
            `GET ${this.paths.v2Live} answers 404 but GET ${this.paths.v1Model} answers: using KServe V1`,
          );
          return step;
        case 'fail':
          record('failed');
          return step;
      }

      if (step.reason !== lastReason) this.logger.info(`${stage.name}: ${endpoint} not yet: ${step.reason}`);
      else this.logger.debug(`${stage.name}: attempt ${attempts}: ${step.reason}`);
      lastReason = step.reason;
      const now = this.clock.now();
      if (now >= this.deadline) {
        record('timed out');
        return {
          kind: 'fail',
          auth: false,
          reason:
            `${stage.name}: not reached within ${formatDuration(this.options.timeoutMs)} ` +
            `(${attempts} attempt(s) at ${endpoint}); the last answer from ${outcome.url} was ${step.reason}. ` +
            'If the model is still loading or rolling out, raise timeout; otherwise look at the server logs',
        };
      }
      const retryAfter = step.retryAfter ? parseRetryAfter(step.retryAfter, now) : undefined;
      const delay = retryAfter !== undefined ? Math.min(retryAfter, MAX_RETRY_AFTER_MS) : backoff.next(outcome);
      await this.clock.sleep(Math.max(0, Math.min(delay, this.deadline - now)));
    }
  }

  /** The stage-specific meaning of one answer, on top of the generic health verdict. */
  private async interpret(stage: Stage, outcome: ProbeOutcome, timeoutMs: number): Promise<Step> {
    const verdict: Verdict = judgeHealth(outcome);
    const pastGrace = this.elapsed() >= this.options.notFoundGraceMs;
    switch (verdict.kind) {
      case 'pass':
        return stage.name === 'model version' ? this.checkVersion(verdict.body, timeoutMs) : verdict;
      case 'fail':
        if (stage.name === 'model version' && !this.options.modelVersion) return this.noMetadata(outcome);
        return { kind: 'fail', reason: `${stage.name}: ${verdict.reason}`, auth: verdict.auth === true };
      case 'not-found':
        if (this.protocol === undefined && stage.name === 'server live' && (await this.speaksV1(timeoutMs))) {
          return { kind: 'switch to v1' };
        }
        if (stage.name === 'model version' && !this.options.modelVersion) return this.noMetadata(outcome);
        if (pastGrace) return { kind: 'fail', reason: await this.notFoundReason(stage, outcome), auth: false };
        return {
          kind: 'wait',
          reason: `${verdict.reason} (a 404 is waited out for ${formatDuration(this.options.notFoundGraceMs)} while routes propagate)`,
        };
      case 'wait':
        if (stage.name === 'model version' && !this.options.modelVersion) return this.noMetadata(outcome);
        if (verdict.onlyDuringGrace && pastGrace) {
          return { kind: 'fail', reason: `${stage.name}: ${verdict.reason}`, auth: false };
        }
        return verdict;
    }
  }

  /** Metadata is only informative without model-version: readiness never waits for it. */
  private noMetadata(outcome: ProbeOutcome): Step {
    return { kind: 'skip', detail: `no model metadata: ${describeOutcome(outcome)}` };
  }

  private async checkVersion(metadata: unknown, timeoutMs: number): Promise<Step> {
    this.metadata = metadata;
    const versions = reportedVersions(metadata);
    this.modelVersion = versions[0];
    const wanted = this.options.modelVersion;
    if (!wanted) return { kind: 'pass' };
    const served = await servesVersion(this.deps.client, this.options.model, wanted, versions, timeoutMs);
    if (served !== true) return { kind: 'wait', reason: served };
    this.modelVersion = wanted;
    return { kind: 'pass' };
  }

  /** A V1 server answers for the model, or at least lists its models. */
  private async speaksV1(timeoutMs: number): Promise<boolean> {
    const model = await probe(this.deps.client, this.paths.v1Model, { timeoutMs });
    if (model.kind === 'answer' && model.status !== 404) return true;
    const list = await probe(this.deps.client, this.paths.v1Models, { timeoutMs });
    return list.kind === 'answer' && list.status === 200;
  }

  private async notFoundReason(stage: Stage, outcome: ProbeOutcome): Promise<string> {
    const waited = formatDuration(this.options.notFoundGraceMs);
    const answer = describeOutcome(outcome);
    if (stage.name === 'model ready') {
      const served = await listServedModels(this.deps.client, this.protocol ?? 'v2', this.options.requestTimeoutMs);
      return (
        `model '${this.options.model}' not found: ${stage.path} still answered ${answer} after the ${waited} grace period; ` +
        `${describeServedModels(served)}. Set model to the name the server serves (it often differs from the InferenceService name)`
      );
    }
    if (this.protocol === undefined) {
      return (
        `no inference endpoints: neither GET ${this.paths.v2Live} (Open Inference Protocol) nor ` +
        `GET ${this.paths.v1Model} (KServe V1) answered anything but 404 within ${waited} (${answer}). ` +
        'Check url (keep any path prefix) and host (the gateway routes on it)'
      );
    }
    return (
      `${stage.path} answered ${answer} for ${waited}: the server does not have this endpoint here. ` +
      `Check url (keep any path prefix), host, and protocol (now ${this.protocol})`
    );
  }

  private elapsed(): number {
    return this.clock.now() - this.started;
  }

  private result(failure?: { reason: string; auth: boolean }): ReadinessResult {
    return {
      ready: failure === undefined,
      protocol: this.protocol,
      modelVersion: this.modelVersion,
      metadata: this.metadata,
      timeline: this.timeline,
      elapsedMs: this.elapsed(),
      failure: failure && { reason: failure.reason, auth: failure.auth },
    };
  }
}

/** Poll backoff that starts over when the answer changes (refused → 503): the server is moving. */
class Backoff {
  private attempt = 0;
  private lastAnswer: string | number | undefined;

  constructor(
    private readonly poll: { minMs: number; maxMs: number },
    private readonly random: () => number,
  ) {}

  next(outcome: ProbeOutcome): number {
    const answer = outcome.kind === 'answer' ? outcome.status : outcome.code;
    this.attempt = answer === this.lastAnswer ? this.attempt + 1 : 1;
    this.lastAnswer = answer;
    return pollDelay(this.attempt, this.poll, this.random);
  }
}
