import { describe, expect, it } from '@jest/globals';
import { GITOPS_REPO, TOKENS, type ArgoCdSimulator } from '../fakes/argocd/index.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { appGets, githubInputs, runWait, withSimulator } from './scenario.js';

// End-to-end: the bundled action (dist/index.js under Node 24, as the runner starts it) against
// the Argo CD simulator. Intervals are short and the simulator's Git polling interval is long
// (180 s) unless a test is about polling, so only the action's own requests move things along.

const SLOW_GIT = { pollingIntervalMs: 180_000 };

function plan(sim: ArgoCdSimulator, sha: string, rollout: Parameters<ArgoCdSimulator['cluster']['plan']>[1]): void {
  sim.cluster.plan(sim.git.manifestsOf(sha)!, rollout);
}

describe('wait-argocd-sync against the Argo CD simulator', () => {
  it('succeeds at once, without refresh or stream, when the app is already at the revision and healthy', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      const { sha } = sim.deployedApp('iris');
      const result = await runWait(sim, { revision: sha });
      expect(result.exitCode).toBe(0);
      expect(result.outputs).toMatchObject({
        revision: sha,
        'sync-status': 'Synced',
        'health-status': 'Healthy',
        superseded: 'false',
      });
      expect(appGets(sim).filter((r) => r.query.refresh)).toEqual([]);
      expect(sim.server.count('GET', /^\/api\/v1\/stream\//)).toBe(0);
      expect(result.summary).toContain('Argo CD: iris');
    });
  });

  it('false green: keeps waiting while Synced and Healthy on the OLD revision, then passes on the pushed one', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      const { sha: old } = sim.deployedApp('iris');
      const pushed = sim.push();
      plan(sim, pushed, { progressingMs: 300 });
      const result = await runWait(sim, { revision: pushed });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain(
        `Waiting (revision): deployed revision is ${old.slice(0, 12)}, not ${pushed.slice(0, 12)}`,
      );
      expect(result.stdout).toMatch(/Waiting \(health\): health is Progressing/);
      expect(result.outputs.revision).toBe(pushed);
      expect(sim.cluster.applied('argocd/iris')).toBe(sim.git.manifestsOf(pushed));
      // The refresh made Argo CD look at Git: the 180 s polling interval never passed.
      expect(appGets(sim).filter((r) => r.query.refresh === 'normal')).toHaveLength(1);
      // Auto-sync app: the action never POSTs a sync.
      expect(sim.server.count('POST', /\/sync$/)).toBe(0);
      expect(result.summary).toMatch(/revision seen/);
    });
  });

  it('with refresh: none, waits for the Git polling interval', async () => {
    await withSimulator({ pollingIntervalMs: 1_000 }, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      const result = await runWait(sim, { revision: pushed, refresh: 'none' });
      expect(result.exitCode).toBe(0);
      expect(result.outputs.revision).toBe(pushed);
      expect(appGets(sim).filter((r) => r.query.refresh)).toEqual([]);
    });
  });

  it('fails on Degraded within one poll interval, naming the unhealthy resources', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      plan(sim, pushed, { settlesTo: 'Degraded', message: 'Back-off restarting failed container kserve-container' });
      let degradedAt = -1;
      sim.controller.onChange((app) => {
        if (degradedAt < 0 && app.health.status === 'Degraded') degradedAt = sim.server.requests.length;
      });
      const result = await runWait(sim, { revision: pushed, stream: false, 'poll-interval': '1s' });
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toMatch(
        /health is Degraded on .*InferenceService\/models\/iris Degraded \(Back-off restarting/,
      );
      expect(result.stdout).toMatch(/Last observed state/);
      expect(JSON.parse(result.outputs['degraded-resources']!)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'InferenceService', name: 'iris', health: 'Degraded' }),
        ]),
      );
      // Counted in requests, not time: at most one poll after the app turned Degraded.
      const pollsAfter = sim.server.requests.slice(degradedAt).filter((r) => r.path === '/api/v1/applications/iris');
      expect(pollsAfter.length).toBeLessThanOrEqual(1);
    });
  });

  it('succeeds through a burst of five 503s at the start', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      sim.server.faults.failNext(5);
      const result = await runWait(sim, { revision: pushed });
      expect(result.exitCode).toBe(0);
      expect(sim.server.requests.filter((r) => r.path === '/api/version').map((r) => r.status)).toEqual([
        503, 503, 503, 503, 503, 200,
      ]);
    });
  });

  it('fails at pre-flight on a wrong token, with a clear message and no retries', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      const { sha } = sim.deployedApp('iris');
      const result = await runWait(sim, { revision: sha, token: TOKENS.revoked });
      expect(result.exitCode).toBe(1);
      expect(result.errors).toEqual([
        expect.stringMatching(/^Argo CD rejected the token: it is invalid, expired or revoked/),
      ]);
      expect(sim.server.count('GET', /userinfo$/)).toBe(1);
      expect(appGets(sim)).toEqual([]);
      expect(result.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(TOKENS.revoked);
      expect(result.masks).toContain(TOKENS.revoked);
    });
  });

  it('explains the 403 of a missing app without project, and the 404 with it', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const ambiguous = await runWait(sim, { application: 'irs' });
      expect(ambiguous.exitCode).toBe(1);
      expect(ambiguous.errors[0]).toMatch(/either it does not exist or the token may not read it.*pass `project`/);
      const missing = await runWait(sim, { application: 'irs', project: 'models' });
      expect(missing.errors[0]).toMatch(/Application irs was not found in project models/);
      expect(sim.server.requests.filter((r) => r.status === 403 || r.status === 404)).toHaveLength(2);
    });
  });

  it('fails when the automated sync of the revision fails for good, with the operation message', async () => {
    // Argo CD 3.x retries it 5 times first (5 s … 80 s backoff): a clock 100x faster.
    await withSimulator({ pollingIntervalMs: 18_000_000, scale: 100 }, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      plan(sim, pushed, { syncFails: 'admission webhook "validation.kserve.io" denied the request' });
      const result = await runWait(sim, { revision: pushed, timeout: '10m' });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/ended Failed.*denied the request|SyncError/);
      expect(result.stdout).toMatch(/Retrying attempt #1/);
      expect(result.outputs['operation-phase']).toBe('Failed');
    });
  });

  it('syncs a manual-sync app to the pinned revision', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris', { automated: false });
      const pushed = sim.push();
      const result = await runWait(sim, { revision: pushed });
      expect(result.exitCode).toBe(0);
      expect(sim.server.count('POST', /\/applications\/iris\/sync$/)).toBe(1);
      expect(sim.controller.get('iris')!.operationState?.operation.sync.revision).toBe(pushed);
      expect(result.summary).toMatch(/sync requested/);
    });
  });

  it('with sync: never, leaves a manual-sync app alone and times out with the last state', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris', { automated: false });
      const pushed = sim.push();
      const result = await runWait(sim, { revision: pushed, sync: 'never', timeout: '2s' });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/timed out after 2s: sync status is OutOfSync/);
      expect(result.stdout).toMatch(/Sync: OutOfSync at/);
      expect(sim.server.count('POST', /\/sync$/)).toBe(0);
      expect(result.summary).toContain('⏱️');
    });
  });

  it('terminates the sync operation it started when it times out, if asked to', async () => {
    await withSimulator({ ...SLOW_GIT, syncDurationMs: 600_000 }, async (sim) => {
      sim.deployedApp('iris', { automated: false });
      const pushed = sim.push();
      const result = await runWait(sim, { revision: pushed, timeout: '2s', 'terminate-on-timeout': true });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/timed out after 2s: an operation is in flight \(Running/);
      expect(result.warnings.join('\n')).toMatch(/Terminated the sync operation this step started/);
      expect(sim.server.count('DELETE', /\/operation$/)).toBe(1);
      expect(
        sim.controller.get('iris')!.terminating || sim.controller.get('iris')!.operationState?.phase === 'Failed',
      ).toBe(true);
    });
  });

  it('fails on a ComparisonError that survives a hard refresh and the grace period', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      sim.controller.get('iris')!.comparisonError = 'rpc error: code = Unknown desc = authentication required';
      const pushed = sim.push();
      const result = await runWait(sim, { revision: pushed, 'comparison-error-grace': '1s' });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/cannot compare the application with Git \(ComparisonError/);
      expect(appGets(sim).filter((r) => r.query.refresh === 'hard')).toHaveLength(1);
    });
  });

  it('matches the Git source of a multi-source app and ignores its Helm chart', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris', {
        sources: [
          { repoURL: 'https://charts.example.com', chart: 'kserve-app', targetRevision: '1.4.2' },
          { repoURL: GITOPS_REPO, path: 'apps/iris', targetRevision: 'main' },
        ],
      });
      const pushed = sim.push();
      const result = await runWait(sim, { revision: pushed });
      expect(result.exitCode).toBe(0);
      expect(result.outputs.revision).toBe(pushed);
    });
  });

  it('carries on when the refresh call hangs, and sees the push at the next Git poll', async () => {
    await withSimulator({ pollingIntervalMs: 180_000, refreshDelayMs: 600_000 }, async (sim) => {
      sim.server.faults.hangRefresh = true;
      sim.deployedApp('iris');
      const pushed = sim.push();
      // Argo CD's next Git poll comes well after the action has given up on the refresh call.
      sim.server.onRequest((request) => {
        if (request.query.refresh) sim.controller.get('iris')!.nextPollAt = sim.clock.now() + 1_500;
      });
      const result = await runWait(sim, { revision: pushed, 'refresh-timeout': '500ms' });
      expect(result.exitCode).toBe(0);
      expect(result.warnings.join('\n')).toMatch(/normal refresh did not complete \(.*timed out/);
      expect(appGets(sim).find((r) => r.query.refresh === 'normal')?.status).toBeUndefined();
    });
  });

  it('reconnects a dropped stream from the last resourceVersion', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      plan(sim, pushed, { progressingMs: 800 });
      // Drop every stream as soon as the new revision is applied.
      let dropped = false;
      sim.controller.onChange((app) => {
        if (!dropped && app.health.status === 'Progressing') {
          dropped = true;
          setImmediate(() => sim.server.faults.dropStreams());
        }
      });
      // Polling far slower than the test: only the stream can bring the verdict.
      const result = await runWait(sim, { revision: pushed, 'poll-interval': '5m' });
      expect(result.exitCode).toBe(0);
      const streams = sim.server.requests.filter((r) => r.path === '/api/v1/stream/applications');
      expect(streams.length).toBeGreaterThanOrEqual(2);
      expect(Number(streams.at(-1)!.query.resourceVersion)).toBeGreaterThan(0);
    });
  });

  it('fails when the application is deleted while it waits', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      plan(sim, pushed, { progressingMs: 60_000 });
      sim.controller.onChange((app) => {
        if (app.health.status === 'Progressing' && !app.deleted) setImmediate(() => sim.controller.deleteApp(app));
      });
      const result = await runWait(sim, { revision: pushed });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/Application iris was deleted while waiting for it|permission denied/);
    });
  });

  it('superseded: warn succeeds on a newer commit that contains ours, with a warning', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const ours = sim.push();
      const newer = sim.push();
      const result = await runWait(sim, { revision: ours, ...githubInputs });
      expect(result.exitCode).toBe(0);
      expect(result.outputs).toMatchObject({ revision: newer, superseded: 'true' });
      expect(result.warnings.join('\n')).toMatch(/a newer commit that already contains/);
      expect(result.masks).toContain(githubInputs['github-token']);
    });
  });

  it('with only one of github-token and repository, waits for the exact revision instead of failing', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const ours = sim.push();
      sim.push();
      const result = await runWait(sim, { revision: ours, repository: 'acme/gitops', timeout: '2s' });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/without both github-token and repository/);
      expect(result.errors[0]).toMatch(/timed out after 2s: deployed revision is/);
      expect(sim.server.count('GET', /^\/api\/v3\//)).toBe(0);
    });
  });

  it('superseded: fail fails on a newer commit that contains ours', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const ours = sim.push();
      sim.push();
      const result = await runWait(sim, { revision: ours, superseded: 'fail', ...githubInputs });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/superseded: fail/);
    });
  });

  it('fails when the revision is not in the history Argo CD follows', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      const { sha: base } = sim.deployedApp('iris');
      const stray = sim.git.orphan(GITOPS_REPO, base);
      sim.push();
      const result = await runWait(sim, { revision: stray, ...githubInputs });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/history does not contain/);
    });
  });

  it('waits for an InferenceService to be Ready for its new generation, not just Healthy in Argo CD', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      plan(sim, pushed, { inferenceServiceLagMs: 600 });
      const result = await runWait(sim, {
        revision: pushed,
        resources: 'InferenceService/models/iris\nConfigMap/iris-config',
      });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(
        /Waiting \(resources\): resources not ready: InferenceService\/models\/iris Progressing \(KServe has not reconciled generation 2/,
      );
    });
  });

  it('without a revision, judges the current state and warns that nothing ties it to the change', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      const { sha } = sim.deployedApp('iris', { namespace: 'team-a' });
      const result = await runWait(sim, { 'app-namespace': 'team-a' });
      expect(result.exitCode).toBe(0);
      expect(result.outputs.revision).toBe(sha);
      expect(result.outputs['application-url']).toBe(`${sim.url}/applications/team-a/iris`);
      expect(result.warnings[0]).toMatch(/No revision given/);
    });
  });

  it('talks HTTPS to a server signed by a private CA given as ca-cert, stream included, and refuses it without', async () => {
    const tls = selfSignedCertificate();
    await withSimulator({ ...SLOW_GIT, tls }, async (sim) => {
      sim.deployedApp('iris');
      const pushed = sim.push();
      const untrusted = await runWait(sim, { revision: pushed });
      expect(untrusted.exitCode).toBe(1);
      expect(untrusted.errors[0]).toMatch(
        /^Cannot talk to the Argo CD API at https:\/\/127\.0\.0\.1:\d+: .*certificate.*ca-cert/,
      );
      const trusted = await runWait(sim, { revision: pushed, 'ca-cert': tls.cert, 'poll-interval': '5m' });
      expect(trusted.exitCode).toBe(0);
      expect(sim.server.count('GET', /^\/api\/v1\/stream\/applications$/)).toBeGreaterThanOrEqual(1);
      const insecure = await runWait(sim, { revision: pushed, 'insecure-skip-tls-verify': true });
      expect(insecure.exitCode).toBe(0);
      expect(insecure.warnings.join('\n')).toMatch(/TLS certificate verification is off/);
    });
  });

  it('refuses bad inputs naming the input, the value and the accepted form', async () => {
    await withSimulator(SLOW_GIT, async (sim) => {
      const short = await runWait(sim, { revision: 'abc123' });
      expect(short.errors).toEqual([
        `Input 'revision' has invalid value "abc123": expected a full 40-character hexadecimal Git commit SHA`,
      ]);
      const refresh = await runWait(sim, { refresh: 'soft' });
      expect(refresh.errors[0]).toMatch(/Input 'refresh' has invalid value "soft": expected one of normal, hard, none/);
      const resources = await runWait(sim, { resources: 'iris' });
      expect(resources.errors[0]).toMatch(/Input 'resources' has invalid item "iris"/);
      expect(sim.server.requests).toEqual([]);
    });
  });
});
