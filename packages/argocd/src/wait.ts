import type { Logger } from '@mlops-actions/action-kit/logger';
import type { ArgoCdClient } from './client.js';
import type { CommitComparer, CommitRelation } from './compare.js';
import { ArgoCdError } from './errors.js';
import { evaluate, type Expectation, type ResourceCheck, type Verdict } from './evaluator.js';
import { explainAppError } from './preflight.js';
import { checkResources } from './resources.js';
import { shortSha, summarize } from './snapshot.js';
import type { AppRef, Application } from './types.js';

export type SyncMode = 'auto' | 'always' | 'never';
export type RefreshMode = 'normal' | 'hard' | 'none';

export interface WaitOptions {
  app: AppRef;
  expectation: Expectation;
  pollIntervalMs: number;
  /** From `startedAt`. */
  timeoutMs: number;
  /** When the step started (epoch ms): the timeout counts from there. Default: when the wait starts. */
  startedAt?: number;
  refresh: RefreshMode;
  /** The refresh call blocks until the controller has processed it, and can hang: cut it short. */
  refreshTimeoutMs: number;
  sync: SyncMode;
  /** On timeout, terminate a sync operation this step started. */
  terminateOnTimeout?: boolean;
  /** Observe through the watch stream as well as the periodic GET. */
  stream: boolean;
  streamIdleTimeoutMs?: number;
  comparer?: CommitComparer;
  logger: Logger;
}

export interface Timings {
  startedAt: number;
  refreshRequestedAt?: number;
  syncRequestedAt?: number;
  revisionSeenAt?: number;
  syncedAt?: number;
  healthyAt?: number;
  finishedAt?: number;
}

export interface WaitResult {
  outcome: 'succeeded' | 'failed' | 'timed-out';
  reason: string;
  app: Application;
  deployedRevision?: string;
  superseded: boolean;
  timings: Timings;
  resourceChecks?: ResourceCheck[];
  syncRequested: boolean;
  observed: { streamEvents: number; polls: number; keepalives: number; reconnects: number };
}

type Source = 'initial' | 'poll' | 'stream' | 'refresh' | 'sync';

const MAX_SYNC_ATTEMPTS = 3;

/**
 * Feeds every snapshot, from the watch stream, the periodic GET, the refresh call and the sync
 * response, into one evaluator and stops at the first final verdict or at the deadline.
 */
export class Waiter {
  private latest: Application;
  private latestVersion = -1;
  private latestSource: Source = 'initial';
  private dirty = false;
  private wake?: () => void;
  private fatal?: Error;
  private comparisonErrorSince?: number;
  private hardRefreshed = false;
  private readonly relations = new Map<string, CommitRelation>();
  private compareUsable: boolean;
  private syncAttempts = 0;
  private syncInFlight = false;
  private lastReport = '';
  private readonly abort = new AbortController();
  private readonly tasks: Promise<unknown>[] = [];
  private readonly timings: Timings;
  private readonly observed = { streamEvents: 0, polls: 0, keepalives: 0, reconnects: 0 };
  private readonly logger: Logger;

  constructor(
    private readonly client: ArgoCdClient,
    private readonly options: WaitOptions,
    initial: Application,
    private readonly now: () => number = Date.now,
  ) {
    this.latest = initial;
    this.logger = options.logger;
    this.timings = { startedAt: options.startedAt ?? now() };
    this.compareUsable = Boolean(options.comparer) && options.expectation.superseded !== 'wait';
  }

  async run(): Promise<WaitResult> {
    // Observing stops a little early: the rest of the timeout is for the check the report quotes.
    const deadline = this.timings.startedAt + this.options.timeoutMs - finalCheckReserve(this.options.timeoutMs);
    // The state before anything is asked of Argo CD: an app already there succeeds at once.
    let verdict = await this.judge(this.latest, 'initial');
    try {
      if (verdict.outcome === 'waiting') this.startObserving();
      while (verdict.outcome === 'waiting') {
        await this.sync(this.latest, verdict);
        await this.changeOrDeadline(deadline);
        if (this.fatal) return this.finish({ outcome: 'failed', reason: this.fatal.message });
        if (this.now() >= deadline && !this.dirty) {
          await this.terminateOwnOperation();
          const final = await this.recheck(verdict);
          if (final.outcome !== 'waiting') return this.finish(final);
          return this.finish(
            {
              outcome: 'failed',
              reason: `timed out after ${Math.round(this.options.timeoutMs / 1000)}s: ${final.reason}`,
            },
            'timed-out',
          );
        }
        this.dirty = false;
        verdict = await this.judge(this.latest, this.latestSource);
      }
      return this.finish(verdict.outcome === 'failed' ? await this.recheck(verdict) : verdict);
    } finally {
      this.abort.abort(new Error('the wait is over'));
      await Promise.allSettled(this.tasks);
    }
  }

  /** Takes a snapshot unless it is older than one already seen (stream and GET race each other). */
  private offer(app: Application, source: Source): void {
    const version = Number(app.metadata?.resourceVersion);
    if (Number.isFinite(version)) {
      if (version < this.latestVersion) return;
      this.latestVersion = version;
    }
    if (source === 'stream') this.observed.streamEvents++;
    this.latest = app;
    this.latestSource = source;
    this.dirty = true;
    this.wake?.();
  }

  private stop(error: Error): void {
    this.fatal ??= error;
    this.wake?.();
  }

  private changeOrDeadline(deadline: number): Promise<void> {
    if (this.dirty || this.fatal) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - this.now()));
      this.wake = done;
    });
  }

  private async judge(app: Application, source: Source): Promise<Verdict> {
    const { expectation } = this.options;
    const hasComparisonError = (app.status?.conditions ?? []).some((c) => c.type === 'ComparisonError');
    if (!hasComparisonError) this.comparisonErrorSince = undefined;
    else if (this.comparisonErrorSince === undefined) {
      this.comparisonErrorSince = this.now();
      this.requestHardRefresh();
    }

    let resourceChecks: ResourceCheck[] | undefined;
    let verdict: Verdict;
    for (;;) {
      verdict = evaluate(app, expectation, {
        now: this.now(),
        comparisonErrorSince: this.comparisonErrorSince,
        relations: this.relations,
        canCompare: this.compareUsable,
        resourceChecks,
      });
      if (verdict.outcome !== 'waiting' || !verdict.needs) break;
      if (verdict.needs.compare) await this.compareRevisions(verdict.needs.compare);
      else if (verdict.needs.resources) {
        resourceChecks = await this.checkResources();
        if (!resourceChecks) break;
      }
    }
    this.mark(verdict);
    this.report(verdict, source);
    this.lastResourceChecks = resourceChecks ?? this.lastResourceChecks;
    return verdict;
  }

  private lastResourceChecks?: ResourceCheck[];

  /**
   * The verdict judged once more with the resources checked now: the per-resource check only
   * runs while the application is Healthy, and a report must quote what is true when it is made,
   * not what was true at the last check. Without `resources`, or when the check fails, the
   * verdict stands.
   */
  private async recheck(verdict: Verdict): Promise<Verdict> {
    if (this.options.expectation.resources.length === 0) return verdict;
    const checks = await this.checkResources();
    if (!checks) return verdict;
    this.lastResourceChecks = checks;
    const fresh = evaluate(this.latest, this.options.expectation, {
      now: this.now(),
      comparisonErrorSince: this.comparisonErrorSince,
      relations: this.relations,
      canCompare: this.compareUsable,
      resourceChecks: checks,
    });
    if (fresh.outcome === 'waiting') return fresh.needs ? verdict : fresh;
    // A failure stays a failure; a wait that timed out may have come true at the last moment.
    return verdict.outcome === 'failed' ? verdict : fresh;
  }

  private mark(verdict: Verdict): void {
    const at = this.now();
    const stage = verdict.outcome === 'waiting' ? verdict.stage : verdict.outcome;
    if (stage === 'revision') return;
    this.timings.revisionSeenAt ??= at;
    if (stage === 'operation' || stage === 'sync') return;
    this.timings.syncedAt ??= at;
    if (verdict.outcome === 'succeeded') this.timings.healthyAt ??= at;
  }

  private report(verdict: Verdict, source: Source): void {
    if (verdict.outcome !== 'waiting') return;
    const line = `Waiting (${verdict.stage}): ${verdict.reason}`;
    if (line === this.lastReport) return;
    this.lastReport = line;
    this.logger.info(`${line} [${source}]`);
  }

  private async compareRevisions(revisions: string[]): Promise<void> {
    const expected = this.options.expectation.revision!;
    for (const revision of revisions) {
      try {
        const relation = await this.options.comparer!.compare(expected, revision);
        this.relations.set(revision, relation);
        this.logger.info(`GitHub compare ${shortSha(expected)}...${shortSha(revision)}: ${relation}`);
      } catch (error) {
        this.compareUsable = false;
        this.logger.warning(
          `Could not ask GitHub how ${shortSha(revision)} relates to ${shortSha(expected)} (${errorText(error)}); ` +
            'a newer commit that includes ours will not be recognised, the wait continues for the exact revision.',
        );
        return;
      }
    }
  }

  private async checkResources(): Promise<ResourceCheck[] | undefined> {
    const { app, expectation } = this.options;
    try {
      const tree = await this.client.resourceTree(app);
      return await checkResources(expectation.resources, tree, {
        liveResource: (resource) => this.client.liveResource(app, resource),
      });
    } catch (error) {
      this.logger.warning(`Could not check the resources yet: ${errorText(error)}`);
      return undefined;
    }
  }

  private startObserving(): void {
    const { refresh, stream } = this.options;
    if (refresh !== 'none') this.background(this.refresh(refresh));
    if (stream) this.background(this.streamLoop());
    this.background(this.pollLoop());
  }

  private background(task: Promise<unknown>): void {
    this.tasks.push(task.catch((error) => this.stop(error instanceof Error ? error : new Error(String(error)))));
  }

  private requestHardRefresh(): void {
    if (this.options.refresh === 'none' || this.hardRefreshed) return;
    this.hardRefreshed = true;
    this.logger.info('ComparisonError: asking for a hard refresh, which also clears cached manifest-generation errors');
    this.background(this.refresh('hard'));
  }

  private async refresh(kind: 'normal' | 'hard'): Promise<void> {
    const signal = this.abort.signal;
    this.timings.refreshRequestedAt ??= this.now();
    try {
      const app = await this.client.getApplication(this.options.app, {
        refresh: kind,
        timeoutMs: this.options.refreshTimeoutMs,
        attempts: 1,
        signal,
      });
      this.offer(app, 'refresh');
    } catch (error) {
      if (signal.aborted) return;
      this.logger.warning(
        `The ${kind} refresh did not complete (${errorText(error)}). Argo CD keeps a refresh it has accepted queued, ` +
          "and the wait carries on watching: the push is still seen, at the latest after Argo CD's Git polling interval.",
      );
    }
  }

  private async pollLoop(): Promise<void> {
    const signal = this.abort.signal;
    let failing = false;
    while (!signal.aborted) {
      await sleep(this.options.pollIntervalMs, signal);
      if (signal.aborted) return;
      try {
        const app = await this.client.getApplication(this.options.app, {
          attempts: 3,
          timeoutMs: Math.max(5_000, Math.min(30_000, this.options.pollIntervalMs * 4)),
          signal,
        });
        this.observed.polls++;
        if (failing) this.logger.info('Argo CD answers again');
        failing = false;
        this.offer(app, 'poll');
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ArgoCdError && (error.unauthenticated || error.permissionDenied || error.notFound)) {
          throw explainAppError(error, this.options.app);
        }
        if (!failing) this.logger.warning(`Polling the application failed, retrying: ${errorText(error)}`);
        failing = true;
      }
    }
  }

  private async streamLoop(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const since = this.latestVersion >= 0 ? String(this.latestVersion) : undefined;
        for await (const item of this.client.watch(this.options.app, {
          resourceVersion: since,
          framing: 'sse',
          signal,
          idleTimeoutMs: this.options.streamIdleTimeoutMs,
        })) {
          failures = 0;
          if (item.kind === 'keepalive') {
            this.observed.keepalives++;
          } else if (item.event.type === 'DELETED') {
            throw new Error(`Application ${this.options.app.name} was deleted while waiting for it`);
          } else {
            this.offer(item.event.application, 'stream');
          }
        }
        if (signal.aborted) return;
        this.logger.debug('The watch stream ended; reconnecting from the last resourceVersion');
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ArgoCdError && (error.unauthenticated || error.permissionDenied)) {
          throw explainAppError(error, this.options.app);
        }
        if (!(error instanceof ArgoCdError)) throw error;
        failures++;
        this.logger.debug(`Watch stream: ${error.message}; polling continues, reconnecting`);
      }
      this.observed.reconnects++;
      // Like the CLI: reconnect after about a second; back off while it keeps failing.
      await sleep(Math.min(10_000, Math.min(1_000, this.options.pollIntervalMs) * 2 ** Math.min(failures, 4)), signal);
    }
  }

  /**
   * On timeout, ends an operation this step started and that still runs, so the next attempt
   * is not refused with "another operation is already in progress". Others' operations are left alone.
   */
  private async terminateOwnOperation(): Promise<void> {
    if (!this.options.terminateOnTimeout || this.timings.syncRequestedAt === undefined) return;
    if (!summarize(this.latest).operationInFlight) return;
    try {
      await this.client.terminateOperation(this.options.app);
      this.logger.warning(`Terminated the sync operation this step started on ${this.options.app.name}`);
    } catch (error) {
      this.logger.warning(`Could not terminate the sync operation this step started: ${errorText(error)}`);
    }
  }

  /** Starts a sync where the policy says so; never pins a revision on an auto-sync app. */
  private async sync(app: Application, verdict: Verdict): Promise<void> {
    const mode = this.options.sync;
    if (mode === 'never' || verdict.outcome !== 'waiting' || this.syncInFlight) return;
    if (this.syncAttempts >= MAX_SYNC_ATTEMPTS) return;
    const summary = summarize(app);
    if (summary.operationInFlight) return;
    const revisionSeen = verdict.stage !== 'revision';
    let revision: string | undefined;
    if (summary.autoSync) {
      // Auto-sync apps sync themselves; the server refuses a pinned revision, and an unpinned
      // sync before Argo CD has seen our commit would re-apply the old one.
      if (mode !== 'always' || !revisionSeen || summary.syncStatus === 'Synced' || this.syncAttempts > 0) return;
    } else {
      if (revisionSeen && summary.syncStatus === 'Synced') return;
      if (this.timings.syncRequestedAt !== undefined && !this.retrySync) return;
      revision = this.options.expectation.revision;
    }
    this.syncInFlight = true;
    this.syncAttempts++;
    this.retrySync = false;
    this.timings.syncRequestedAt ??= this.now();
    try {
      this.logger.info(`Starting a sync of ${this.options.app.name}${revision ? ` to ${shortSha(revision)}` : ''}`);
      this.offer(await this.client.sync(this.options.app, { revision }), 'sync');
    } catch (error) {
      this.handleSyncError(error);
    } finally {
      this.syncInFlight = false;
    }
  }

  private retrySync = false;

  private handleSyncError(error: unknown): void {
    if (error instanceof ArgoCdError) {
      const message = error.serverMessage ?? error.message;
      if (error.failedPrecondition && /another operation is already in progress/i.test(message)) {
        this.logger.info('Another operation is in progress; the sync is asked for again once it has finished');
        this.retrySync = true;
        return;
      }
      if (error.permissionDenied) {
        this.stop(
          new Error(
            `The token may not sync ${this.options.app.name}: grant "applications, sync" on its project, or set sync: never and let Argo CD sync on its own`,
          ),
        );
        return;
      }
      if (error.failedPrecondition || error.grpcCode === 3) {
        this.stop(new Error(`Argo CD refused the sync: ${message}`));
        return;
      }
      const http = error.cause as { outcomeUnknown?: boolean } | undefined;
      if (http?.outcomeUnknown) {
        this.logger.warning('The sync request may or may not have reached Argo CD; the next snapshots will tell');
        return;
      }
    }
    this.retrySync = true;
    this.logger.warning(`Starting the sync failed: ${errorText(error)}`);
  }

  private finish(verdict: Verdict, outcome?: WaitResult['outcome']): WaitResult {
    this.timings.finishedAt = this.now();
    const deployed =
      verdict.outcome !== 'waiting' && verdict.deployedRevision
        ? verdict.deployedRevision
        : (summarize(this.latest).gitRevisions[0] ?? undefined);
    return {
      outcome: outcome ?? (verdict.outcome === 'succeeded' ? 'succeeded' : 'failed'),
      reason: verdict.reason,
      app: this.latest,
      deployedRevision: deployed,
      superseded: verdict.outcome === 'succeeded' ? verdict.superseded : false,
      timings: this.timings,
      resourceChecks: this.lastResourceChecks,
      syncRequested: this.timings.syncRequestedAt !== undefined,
      observed: this.observed,
    };
  }
}

/** The end of a timeout kept for the final resource check: a tenth, at most 5 s. */
function finalCheckReserve(timeoutMs: number): number {
  return Math.min(5_000, Math.floor(timeoutMs / 10));
}

/** Waits until the application has synced the expected revision and is healthy, or fails saying why. */
export function waitForSync(client: ArgoCdClient, initial: Application, options: WaitOptions): Promise<WaitResult> {
  return new Waiter(client, options, initial).run();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
