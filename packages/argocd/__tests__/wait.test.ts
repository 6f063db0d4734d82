import { describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import type { ArgoCdClient, StreamItem, SyncRequest } from '../src/client.js';
import type { CommitComparer } from '../src/compare.js';
import { ArgoCdError } from '../src/errors.js';
import type { Expectation } from '../src/evaluator.js';
import type { Application } from '../src/types.js';
import { Waiter, type WaitOptions } from '../src/wait.js';
import { scaled } from '../../../test/helpers/timeouts.js';

// The watcher with an in-memory client: how stream events, polls and sync requests interleave.

const OURS = 'a'.repeat(40);
const OLD = 'b'.repeat(40);

function app(
  rv: number,
  shape: { revision?: string; sync?: string; health?: string; auto?: boolean } = {},
): Application {
  return {
    metadata: { name: 'iris', namespace: 'argocd', resourceVersion: String(rv) },
    spec: { source: { repoURL: 'https://git/x.git' }, syncPolicy: shape.auto === false ? {} : { automated: {} } },
    status: {
      sync: { status: shape.sync ?? 'Synced', revision: shape.revision ?? OURS },
      health: { status: shape.health ?? 'Healthy' },
    },
  };
}

/** A client whose stream and GET answers the test feeds by hand. */
class FakeClient {
  polls: Application[] = [];
  syncs: SyncRequest[] = [];
  /** For each sync, the resourceVersion of the last stream event the waiter had been given by then. */
  syncedAfter: (string | undefined)[] = [];
  private delivered?: string;
  /** True while the stream waits for the test's next item: the waiter has handled all before it. */
  watching = false;
  private queue: (StreamItem | Error)[] = [];
  private wake?: () => void;
  pollAnswer?: Application;

  emit(item: Application | Error | { type: string; application: Application }): void {
    if (item instanceof Error) this.queue.push(item);
    else if ('type' in item)
      this.queue.push({ kind: 'event', event: item as { type: string; application: Application } });
    else this.queue.push({ kind: 'event', event: { type: 'MODIFIED', application: item } });
    this.wake?.();
  }

  async getApplication(_app: unknown, options: { signal?: AbortSignal } = {}): Promise<Application> {
    if (this.pollAnswer) {
      this.polls.push(this.pollAnswer);
      return this.pollAnswer;
    }
    // No answer scripted: hang like a slow server, until the waiter gives up on it.
    return new Promise((_resolve, reject) =>
      options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true }),
    );
  }

  async sync(_app: unknown, request: SyncRequest): Promise<Application> {
    this.syncs.push(request);
    this.syncedAfter.push(this.delivered);
    return app(0);
  }

  async *watch(_app: unknown, options: { signal?: AbortSignal }): AsyncGenerator<StreamItem> {
    for (;;) {
      while (this.queue.length === 0) {
        if (options.signal?.aborted) return;
        this.watching = true;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          options.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      this.watching = false;
      const next = this.queue.shift()!;
      if (next instanceof Error) throw next;
      if (next.kind === 'event') this.delivered = next.event.application.metadata?.resourceVersion;
      yield next;
    }
  }
}

/** Lets the waiter run until `condition` holds (with a deadline, so a bug fails instead of hanging). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + scaled(5_000);
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

const expectation: Expectation = {
  revision: OURS,
  health: 'healthy',
  superseded: 'warn',
  comparisonErrorGraceMs: 60_000,
  resources: [],
};

function waiter(client: FakeClient, initial: Application, overrides: Partial<WaitOptions> = {}) {
  const logger = memoryLogger();
  const options: WaitOptions = {
    app: { name: 'iris' },
    expectation,
    pollIntervalMs: 20,
    timeoutMs: scaled(5_000),
    refresh: 'none',
    refreshTimeoutMs: 1_000,
    sync: 'auto',
    stream: true,
    logger,
    ...overrides,
  };
  return { run: () => new Waiter(client as unknown as ArgoCdClient, options, initial).run(), logger };
}

describe('Waiter', () => {
  it('ignores a poll answer older than the stream event it already has', async () => {
    const client = new FakeClient();
    const { run } = waiter(client, app(5, { revision: OLD }), { pollIntervalMs: 10 });
    const done = run();
    client.emit(app(12, { health: 'Progressing' }));
    // An older snapshot claiming Healthy must not win over the newer Progressing one.
    client.pollAnswer = app(11);
    await until(() => client.polls.length >= 2);
    client.pollAnswer = undefined;
    client.emit(app(13));
    const result = await done;
    expect(result.outcome).toBe('succeeded');
    expect(result.app.metadata?.resourceVersion).toBe('13');
  });

  it('sync: always on an auto-sync app posts one unpinned sync, only once Argo CD has seen the revision', async () => {
    const client = new FakeClient();
    // OutOfSync already, but on the old revision: an unpinned sync now would re-apply the old commit.
    const { run } = waiter(client, app(5, { revision: OLD, sync: 'OutOfSync' }), { sync: 'always' });
    const done = run();
    // The waiter decides on the initial state before its stream first waits: no sync by then.
    await until(() => client.watching);
    expect(client.syncs).toEqual([]);
    client.emit(app(6, { sync: 'OutOfSync' }));
    await until(() => client.syncs.length === 1);
    // By sequence, not by time: the sync came after the event showing our revision.
    expect(client.syncedAfter).toEqual(['6']);
    client.emit(app(7, { sync: 'OutOfSync' }));
    client.emit(app(8));
    const result = await done;
    expect(result.outcome).toBe('succeeded');
    expect(client.syncs).toEqual([{ revision: undefined }]);
  });

  it('sync: auto on a manual-sync app pins the revision', async () => {
    const client = new FakeClient();
    const { run } = waiter(client, app(5, { revision: OLD, auto: false }));
    const done = run();
    await until(() => client.syncs.length === 1);
    client.emit(app(9, { auto: false }));
    await done;
    expect(client.syncs).toEqual([{ revision: OURS }]);
  });

  it('keeps waiting for the exact revision when GitHub cannot be asked', async () => {
    const client = new FakeClient();
    const comparer: CommitComparer = { compare: async () => Promise.reject(new Error('GET compare failed with 401')) };
    const { run, logger } = waiter(client, app(5, { revision: 'c'.repeat(40) }), { comparer });
    const done = run();
    await until(() => logger.lines.some((line) => line.includes('Could not ask GitHub')));
    client.emit(app(6));
    const result = await done;
    expect(result).toMatchObject({ outcome: 'succeeded', superseded: false, deployedRevision: OURS });
    expect(logger.lines.join('\n')).toMatch(/warning: Could not ask GitHub .*401/);
  });

  it('fails when the application is deleted while waiting', async () => {
    const client = new FakeClient();
    const { run } = waiter(client, app(5, { revision: OLD }));
    const done = run();
    client.emit({ type: 'DELETED', application: app(6, { revision: OLD }) });
    expect(await done).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/was deleted/) });
  });

  it('stops at once when the stream says the token is no longer valid', async () => {
    const client = new FakeClient();
    const { run } = waiter(client, app(5, { revision: OLD }));
    const done = run();
    client.emit(new ArgoCdError('watch failed (401)', 401, 16, 'invalid session: token has expired'));
    expect(await done).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/rejected the token/) });
  });

  it('reconnects after a broken stream and carries on', async () => {
    const client = new FakeClient();
    const { run } = waiter(client, app(5, { revision: OLD }), { pollIntervalMs: 20 });
    const done = run();
    client.emit(new ArgoCdError('watch: the stream broke (other side closed)', undefined, undefined, undefined));
    client.emit(app(6));
    const result = await done;
    expect(result.outcome).toBe('succeeded');
    expect(result.observed.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('times out with the last reason', async () => {
    const client = new FakeClient();
    const { run } = waiter(client, app(5, { revision: OLD }), { timeoutMs: 100 });
    const result = await run();
    expect(result).toMatchObject({
      outcome: 'timed-out',
      reason: expect.stringMatching(/^timed out after 0s: deployed revision is bbbbbbbbbbbb/),
    });
  });
});
