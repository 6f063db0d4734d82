import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ArgoCdClient, ArgoCdError, type Application, type StreamItem } from '../../packages/argocd/src/index.js';
import {
  GITHUB_TOKEN,
  GITOPS_REPO,
  TOKENS,
  startArgoCdSimulator,
  type ArgoCdSimulator,
} from '../fakes/argocd/index.js';
import { testDeadline } from '../helpers/deadline.js';
import { scaled } from '../helpers/timeouts.js';

// The simulator's own contract (shared/reference/argocd.md), checked over HTTP with plain fetch
// and with the package's client.

let sim: ArgoCdSimulator;
const clients: ArgoCdClient[] = [];

async function call(path: string, init: RequestInit & { token?: string | null } = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKENS.ci}`;
  const response = await fetch(`${sim.url}${path}`, { ...init, headers });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

function client(token: string = TOKENS.ci): ArgoCdClient {
  const made = new ArgoCdClient({ server: sim.url, token, deadline: testDeadline(), retry: { maxAttempts: 1 } });
  clients.push(made);
  return made;
}

/** Reads stream items until `until` says stop. */
async function collect(
  stream: AsyncGenerator<StreamItem>,
  until: (items: StreamItem[]) => boolean,
): Promise<StreamItem[]> {
  const items: StreamItem[] = [];
  for await (const item of stream) {
    items.push(item);
    if (until(items)) break;
  }
  return items;
}

/** The same, leaving the stream open for more. */
async function readUntil(
  stream: AsyncGenerator<StreamItem>,
  until: (items: StreamItem[]) => boolean,
): Promise<StreamItem[]> {
  const items: StreamItem[] = [];
  while (!until(items)) {
    const next = await stream.next();
    if (next.done) throw new Error(`the stream ended after ${JSON.stringify(items)}`);
    items.push(next.value);
  }
  return items;
}

const events = (items: StreamItem[]) =>
  items
    .filter((i) => i.kind === 'event')
    .map((i) => (i as { event: { type: string; application: Application } }).event);

beforeEach(async () => {
  sim = await startArgoCdSimulator({ pollingIntervalMs: 180_000, keepAliveMs: 30 });
  sim.deployedApp('iris');
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim.stop();
});

describe('Argo CD simulator: authentication and information hiding', () => {
  it('answers 401 with a grpc-gateway body for no token, and ignores a bearer that is not a JWT', async () => {
    expect(await call('/api/v1/applications/iris', { token: null })).toMatchObject({
      status: 401,
      body: { error: 'no session information', code: 16, message: 'no session information', details: [] },
    });
    expect((await call('/api/v1/applications/iris', { token: 'not-a-jwt' })).body.message).toBe(
      'no session information',
    );
    expect((await call('/api/v1/applications/iris', { token: TOKENS.revoked })).body).toMatchObject({
      code: 16,
      message: /invalid session/,
    });
  });

  it('accepts the token from the argocd.token cookie', async () => {
    expect(
      (await call('/api/v1/applications/iris', { token: null, headers: { cookie: `argocd.token=${TOKENS.ci}` } }))
        .status,
    ).toBe(200);
  });

  it('serves userinfo without authentication: a bad token is loggedIn=false, not a 401', async () => {
    expect(await call('/api/v1/session/userinfo', { token: TOKENS.revoked })).toMatchObject({
      status: 200,
      body: { loggedIn: false },
    });
    expect(await call('/api/v1/session/userinfo')).toMatchObject({
      status: 200,
      body: { loggedIn: true, username: 'ci' },
    });
  });

  it('hides a missing app behind 403 without project, and answers 404 with it', async () => {
    const missing = await call('/api/v1/applications/nope');
    const forbidden = await call('/api/v1/applications/iris', { token: TOKENS.otherProject });
    expect([missing.status, missing.body.code]).toEqual([403, 7]);
    expect([forbidden.status, forbidden.body.code]).toEqual([403, 7]);
    expect((await call('/api/v1/applications/nope?project=models')).status).toBe(404);
    // Exists, but in another project than the one named: also 404.
    expect((await call('/api/v1/applications/iris?project=other')).status).toBe(404);
    // Allowed project named, no permission: 403.
    expect((await call('/api/v1/applications/iris?project=models', { token: TOKENS.otherProject })).status).toBe(403);
  });

  it('refuses apps in a namespace that is not enabled with permission denied', async () => {
    sim.deployedApp('iris', { namespace: 'team-b' });
    expect((await call('/api/v1/applications/iris?appNamespace=team-b')).status).toBe(403);
    sim.deployedApp('fraud', { namespace: 'team-a' });
    expect((await call('/api/v1/applications/fraud?appNamespace=team-a')).status).toBe(200);
  });
});

describe('Argo CD simulator: Git, refresh and polling', () => {
  it('stays Synced and Healthy on the OLD revision right after a push, until a refresh', async () => {
    const old = sim.controller.get('iris')!.revisions[0];
    const pushed = sim.push();
    const before = await call('/api/v1/applications/iris');
    expect(before.body.status.sync).toMatchObject({ status: 'Synced', revision: old });
    expect(before.body.status.health.status).toBe('Healthy');

    const refreshed = await call('/api/v1/applications/iris?refresh=normal');
    expect(refreshed.body.status.sync.revision).toBe(pushed);
    expect(refreshed.body.metadata.annotations['argocd.argoproj.io/refresh']).toBeUndefined();
    // Auto-sync starts an operation for the new revision.
    expect(
      refreshed.body.operation?.sync?.revision ?? refreshed.body.status.operationState?.operation.sync.revision,
    ).toBe(pushed);
  });

  it('sees a push without refresh only once the polling interval has passed', async () => {
    // Simulated time moves only when the test moves it, and a whole controller pass after each move
    // shows what the controller made of it: no real time passes into the check.
    await sim.stop();
    sim = await startArgoCdSimulator({ scale: 0, pollingIntervalMs: 180_000 });
    sim.deployedApp('iris');
    const pushed = sim.push();
    sim.clock.advance(179_999);
    await sim.nextPass();
    expect((await call('/api/v1/applications/iris')).body.status.sync.revision).not.toBe(pushed);
    sim.clock.advance(1);
    await sim.nextPass();
    expect((await call('/api/v1/applications/iris')).body.status.sync.revision).toBe(pushed);
  });

  it('keeps a refresh queued when the refresh call hangs and the client gives up', async () => {
    sim.server.faults.hangRefresh = true;
    const pushed = sim.push();
    // The client gives up once the server has queued the refresh (not after a fixed time, which on a
    // loaded machine can run out before the request even arrives).
    const giveUp = new AbortController();
    const stop = sim.controller.onChange((app) => {
      if (app.annotations['argocd.argoproj.io/refresh']) giveUp.abort(new Error('the client gave up'));
    });
    await expect(
      client().getApplication({ name: 'iris' }, { refresh: 'normal', signal: giveUp.signal, attempts: 1 }),
    ).rejects.toThrow('the client gave up');
    stop();
    // without a poll (180 s away), only the queued refresh can bring the new revision in
    await sim.until('the queued refresh', () => sim.controller.get('iris')!.revisions[0] === pushed);
    const app = await client().getApplication({ name: 'iris' });
    expect(app.status?.sync?.revision).toBe(pushed);
  });

  it('ends a refresh the controller does not process with "application refresh deadline exceeded"', async () => {
    await sim.stop();
    sim = await startArgoCdSimulator({ refreshDelayMs: 60_000, refreshDeadlineMs: 100 });
    sim.deployedApp('iris');
    expect(await call('/api/v1/applications/iris?refresh=normal')).toMatchObject({
      status: 504,
      body: { code: 4, message: 'application refresh deadline exceeded' },
    });
  });

  it('reports a ComparisonError with sync status Unknown and keeps the last revision', async () => {
    const old = sim.controller.get('iris')!.revisions[0];
    sim.controller.get('iris')!.comparisonError = 'rpc error: code = Unknown desc = authentication required';
    sim.push();
    const app = (await call('/api/v1/applications/iris?refresh=hard')).body;
    expect(app.status.sync).toMatchObject({ status: 'Unknown', revision: old });
    expect(app.status.conditions).toEqual([expect.objectContaining({ type: 'ComparisonError' })]);
  });

  it('gives multi-source apps one revision per source, chart versions for Helm sources', async () => {
    sim.deployedApp('multi', {
      sources: [
        { repoURL: 'https://charts.example.com', chart: 'kserve-app', targetRevision: '1.4.2' },
        { repoURL: GITOPS_REPO, path: 'apps/multi', targetRevision: 'main' },
      ],
    });
    const pushed = sim.push();
    const app = (await call('/api/v1/applications/multi?refresh=normal')).body;
    expect(app.status.sync.revisions).toEqual(['1.4.2', pushed]);
    expect(app.spec.sources).toHaveLength(2);
  });
});

describe('Argo CD simulator: operations', () => {
  it('refuses a pinned revision on an auto-sync app with FailedPrecondition as 400', async () => {
    const pushed = sim.push();
    const answer = await call('/api/v1/applications/iris/sync', {
      method: 'POST',
      body: JSON.stringify({ revision: pushed }),
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { code: 9, message: `Cannot sync to ${pushed}: auto-sync currently set to main` },
    });
  });

  it('runs a manual sync through Running to Succeeded, and refuses a second one meanwhile', async () => {
    // Simulated time stands still until the test moves it: the sync stays Running meanwhile.
    await sim.stop();
    sim = await startArgoCdSimulator({ scale: 0, syncDurationMs: 100, keepAliveMs: 60_000 });
    sim.deployedApp('manual', { automated: false });
    const pushed = sim.push();
    // The watch stream carries every change of the app, so no phase can slip between two polls.
    const stream = client().watch({ name: 'manual' }, { framing: 'sse' });
    expect(events([(await stream.next()).value as StreamItem])[0]!.type).toBe('ADDED');
    const phaseOf = (item: StreamItem) => events([item])[0]?.application.status?.operationState?.phase;

    const started = await call('/api/v1/applications/manual/sync', {
      method: 'POST',
      body: JSON.stringify({ revision: pushed }),
    });
    expect(started.status).toBe(200);
    expect(started.body.operation.sync.revision).toBe(pushed);
    const running = await readUntil(stream, (items) => items.length > 0 && phaseOf(items.at(-1)!) === 'Running');
    expect(running.map(phaseOf).filter(Boolean)).toEqual(['Running']);
    const again = await call('/api/v1/applications/manual/sync', { method: 'POST', body: '{}' });
    expect(again.body).toMatchObject({ code: 9, message: 'another operation is already in progress' });

    sim.clock.advance(100);
    const ended = await readUntil(stream, (items) => items.length > 0 && phaseOf(items.at(-1)!) === 'Succeeded');
    expect(ended.map(phaseOf).filter(Boolean)).toEqual(['Succeeded']);
    expect(sim.cluster.applied('argocd/manual')).toBe(sim.git.manifestsOf(pushed));
  });

  it('needs the sync permission', async () => {
    sim.deployedApp('manual', { automated: false });
    expect(
      (await call('/api/v1/applications/manual/sync', { method: 'POST', body: '{}', token: TOKENS.readOnly })).status,
    ).toBe(403);
  });

  it('terminates a running operation, and says when there is none', async () => {
    expect(await call('/api/v1/applications/iris/operation', { method: 'DELETE' })).toMatchObject({
      status: 400,
      body: { code: 3, message: 'Unable to terminate operation. No operation is in progress' },
    });
    await sim.stop();
    sim = await startArgoCdSimulator({ syncDurationMs: 60_000 });
    sim.deployedApp('iris');
    sim.push();
    await call('/api/v1/applications/iris?refresh=normal');
    const phase = () => sim.controller.get('iris')!.operationState?.phase;
    await sim.until('the auto-sync running', () => phase() === 'Running');
    expect(await call('/api/v1/applications/iris/operation', { method: 'DELETE' })).toMatchObject({
      status: 200,
      body: {},
    });
    await sim.until('the operation ending', () => phase() === 'Failed');
    expect(sim.controller.get('iris')!.operationState).toMatchObject({
      phase: 'Failed',
      message: 'Operation terminated',
    });
  });

  it('retries a failed auto-sync 5 times (Running meanwhile), then sets SyncError and leaves the revision', async () => {
    // Argo CD 3.x's backoff (5 s, 10 s … 80 s) on a clock 100x faster.
    await sim.stop();
    sim = await startArgoCdSimulator({ scale: 100, pollingIntervalMs: 18_000_000 });
    sim.deployedApp('iris');
    const pushed = sim.push();
    sim.cluster.plan(sim.git.manifestsOf(pushed)!, { syncFails: 'admission webhook denied the request' });
    await call('/api/v1/applications/iris?refresh=normal');
    await sim.until('the first retry', () => sim.controller.get('iris')!.operationState?.retryCount === 1);
    expect(sim.controller.get('iris')!.operationState).toMatchObject({
      phase: 'Running',
      message: expect.stringMatching(/denied the request\. Retrying attempt #1 at /),
    });
    await sim.until('the sync failing', () => sim.controller.get('iris')!.conditions.length > 0);
    const app = (await call('/api/v1/applications/iris')).body;
    expect(app.status.operationState.phase).toBe('Failed');
    expect(app.status.operationState.message).toMatch(/denied the request \(retried 5 times\)\.$/);
    expect(app.status.conditions[0]).toMatchObject({
      type: 'SyncError',
      message: expect.stringContaining(`Failed last sync attempt to [${pushed}]`),
    });
    // Auto-sync is decided on every pass: one whole pass after the failure has declined to retry.
    await sim.nextPass();
    expect((await call('/api/v1/applications/iris')).body.operation).toBeUndefined();
  });

  it('serves the resource tree with health, and live manifests with a lagging InferenceService generation', async () => {
    const pushed = sim.push();
    sim.cluster.plan(sim.git.manifestsOf(pushed)!, { inferenceServiceLagMs: 60_000 });
    const tree = (await call('/api/v1/applications/iris/resource-tree')).body;
    expect(tree.nodes.map((n: { kind: string; health: { status: string } }) => [n.kind, n.health.status])).toEqual([
      ['InferenceService', 'Healthy'],
      ['ConfigMap', 'Healthy'],
    ]);
    await call('/api/v1/applications/iris?refresh=normal');
    await sim.until('the sync applying', () => sim.cluster.applied('argocd/iris') === sim.git.manifestsOf(pushed));
    const live = await client().liveResource(
      { name: 'iris' },
      { kind: 'InferenceService', namespace: 'models', name: 'iris', group: 'serving.kserve.io', version: 'v1beta1' },
    );
    expect(live).toMatchObject({
      metadata: { generation: 2 },
      status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect((await call('/api/v1/applications/iris/resource?kind=Secret&resourceName=x&namespace=models')).status).toBe(
      404,
    );
  });

  it('lists apps without per-resource health (Argo CD 3.x)', async () => {
    const list = (await call('/api/v1/applications')).body;
    expect(list.items).toHaveLength(1);
    expect(list.items[0].status.resources[0].health).toBeUndefined();
    expect((await call('/api/v1/applications/iris')).body.status.resources[0].health).toEqual({ status: 'Healthy' });
  });
});

describe('Argo CD simulator: watch stream', () => {
  it('sends NDJSON by default: an initial ADDED snapshot, then MODIFIED events', async () => {
    const response = await fetch(`${sim.url}/api/v1/stream/applications?name=iris`, {
      headers: { authorization: `Bearer ${TOKENS.ci}` },
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    sim.push();
    const refreshing = call('/api/v1/applications/iris?refresh=normal');
    while (text.split('\n').length < 3) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    await refreshing;
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0].result.type).toBe('ADDED');
    expect(lines[1].result.type).toBe('MODIFIED');
    expect(Number(lines[1].result.application.metadata.resourceVersion)).toBeGreaterThan(
      Number(lines[0].result.application.metadata.resourceVersion),
    );
  });

  it('frames SSE with data: lines and keep-alive comments', async () => {
    const items = await collect(
      client().watch({ name: 'iris' }, { framing: 'sse' }),
      (got) => got.filter((i) => i.kind === 'keepalive').length >= 2,
    );
    expect(events(items)).toHaveLength(1);
    expect(events(items)[0]!.type).toBe('ADDED');
  });

  it('is silent, with status 200, for a missing or forbidden app', async () => {
    const missing = await collect(client().watch({ name: 'nope' }, { framing: 'sse' }), (got) => got.length >= 3);
    expect(events(missing)).toEqual([]);
    const forbidden = await collect(
      client(TOKENS.otherProject).watch({ name: 'iris' }, { framing: 'sse' }),
      (got) => got.length >= 3,
    );
    expect(events(forbidden)).toEqual([]);
  });

  it('fails before the first message with the HTTP status and a stream error body', async () => {
    const response = await call('/api/v1/stream/applications?name=iris', { token: TOKENS.revoked });
    expect(response).toMatchObject({
      status: 401,
      body: { error: { grpc_code: 16, http_code: 401, http_status: 'Unauthorized' } },
    });
    const failure = await collect(client(TOKENS.revoked).watch({ name: 'iris' }), () => true).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArgoCdError);
    expect((failure as ArgoCdError).unauthenticated).toBe(true);
  });

  it('resumes from a resourceVersion: an app not newer than it is not re-sent', async () => {
    const current = sim.controller.get('iris')!.resourceVersion;
    const fresh = await collect(
      client().watch({ name: 'iris' }, { framing: 'sse', resourceVersion: String(current + 1) }),
      (got) => got.length >= 2,
    );
    expect(events(fresh)).toEqual([]);
    const same = await collect(
      client().watch({ name: 'iris' }, { framing: 'sse', resourceVersion: String(current) }),
      (got) => got.length >= 1,
    );
    expect(events(same)).toHaveLength(1);
  });

  it('sends no keep-alives in NDJSON framing: the client ends an idle stream itself', async () => {
    // The idle timer also covers connecting and the first event: room for a local round trip on a
    // loaded machine, and still some thirty keep-alive periods (30 ms) of silence.
    const idleTimeoutMs = scaled(1_000);
    const stream = client().watch({ name: 'iris' }, { framing: 'ndjson', idleTimeoutMs });
    expect((await stream.next()).value).toMatchObject({ kind: 'event' });
    await expect(stream.next()).rejects.toThrow(`the stream broke (no data for ${idleTimeoutMs} ms)`);
  });

  it('drops open streams on demand', async () => {
    const stream = client().watch({ name: 'iris' }, { framing: 'sse' });
    await stream.next();
    sim.server.faults.dropStreams();
    const failure = await collect(stream, () => false).then(
      () => 'ended',
      (e: unknown) => e,
    );
    expect(failure === 'ended' || failure instanceof ArgoCdError).toBe(true);
  });
});

describe('Argo CD simulator: faults and the GitHub compare route', () => {
  it('answers injected 503s with a gateway body, then recovers', async () => {
    sim.server.faults.failNext(2);
    expect(await call('/api/version')).toMatchObject({ status: 503, body: { code: 14 } });
    expect((await call('/api/version')).status).toBe(503);
    expect(await call('/api/version')).toMatchObject({
      status: 200,
      body: { Version: expect.stringMatching(/^v3\./) },
    });
  });

  it('relates commits like GitHub compare', async () => {
    const base = sim.controller.get('iris')!.revisions[0]!;
    const ours = sim.push();
    const newer = sim.push();
    const stray = sim.git.orphan(GITOPS_REPO, base);
    const compare = (a: string, b: string, token = GITHUB_TOKEN) =>
      call(`/api/v3/repos/acme/gitops/compare/${a}...${b}`, {
        token: null,
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await compare(ours, newer)).body).toMatchObject({ status: 'ahead', ahead_by: 1 });
    expect((await compare(ours, base)).body).toMatchObject({ status: 'behind', behind_by: 1 });
    expect((await compare(ours, ours)).body.status).toBe('identical');
    expect((await compare(ours, stray)).body).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 1 });
    expect((await compare(ours, 'f'.repeat(40))).status).toBe(404);
    expect((await compare(ours, newer, 'wrong')).status).toBe(401);
  });
});
