import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../fakes/github/server.js';
import { runAction, type ActionResult } from '../helpers/run-action.js';
import { scaled } from '../helpers/timeouts.js';
import { REAL_ARGOCD_ENABLED } from './cluster.js';
import {
  argocdAppWait,
  MODEL_NAMESPACE,
  PROJECT,
  startRealGitOps,
  type AppOptions,
  type ArgoApp,
  type RealGitOps,
} from './harness.js';

// Skipped with MLOPS_REAL_ARGOCD=0 (see REAL_ARGOCD_ENABLED).
const describeReal = REAL_ARGOCD_ENABLED ? describe : describe.skip;

// The wait action's scenarios (test/argocd/wait-argocd-sync.test.ts runs them against the
// simulator) against a real Argo CD v3.6 + kube-apiserver on loopback, the KServe stand-in
// serving the models. Beside each, the real `argocd app wait --sync --health` in the same
// situation; the table is printed at the end (docs/real-argocd.md keeps a copy).
// Argo CD polls Git every 180 s here: only a refresh (or the action's sync) shows it a push.

const STACK_START_MS = scaled(300_000);
const DEPLOY_MS = scaled(180_000);
/** One scenario: a deploy, a rollout, the action (≤ 180 s) and the CLI (≤ 60 s). */
const SCENARIO_MS = scaled(480_000);
/**
 * The invalid-manifest app's `syncPolicy.retry`, as a user would shorten Argo CD's default (5
 * retries, 5 s … 80 s): each backoff (5 s, then 10 s) holds the operation Running with "Retrying
 * attempt #N", a state the action reports before the next attempt.
 */
const INVALID_RETRY = { limit: 2, backoff: { duration: '5s', factor: 2, maxDuration: '10s' } };
const GITHUB_TOKEN = 'ghs_realArgoCdScenarioToken0000000000';
const BOGUS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9.bm90LWEtcmVhbC1zaWduYXR1cmU';

let gitops: RealGitOps;
const table: { scenario: string; action: string; cli: string }[] = [];

/**
 * Synced + Healthy at `sha` or a later commit: apps deploy side by side (EARLY), so Argo CD may
 * first sync one at a newer HEAD that only another app's commit added.
 */
const deployedAt = (sha: string) => (app: ArgoApp) =>
  app.status?.sync?.status === 'Synced' &&
  app.status.health?.status === 'Healthy' &&
  app.status.sync.revision !== undefined &&
  gitops.contains(app.status.sync.revision, sha);

/** apps/<name> with a served model, its Application created and Synced + Healthy; the revision it runs. */
async function deployed(name: string, options: AppOptions = {}): Promise<{ sha: string; uri: string }> {
  const uri = await gitops.uploadModel(`${name}/v1`, 1);
  const committed = gitops.commit(gitops.appFiles(name, uri), `deploy ${name} v1`);
  await gitops.createApp(name, options);
  if (options.automated === false) {
    const response = await fetch(`${gitops.argo.url}/api/v1/applications/${name}/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gitops.argo.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ revision: committed }),
    });
    expect(response.status).toBe(200);
  }
  const app = await gitops.waitApp(name, deployedAt(committed), DEPLOY_MS);
  return { sha: app.status!.sync!.revision!, uri };
}

/**
 * Apps deployed side by side while the first scenarios run: those whose scenario always asks Argo
 * CD to refresh (or waits for its own failure), so they need no fresh reconcile when it starts.
 * The refresh, auto-sync and manual-sync scenarios deploy their own: they rely on Argo CD not
 * polling Git (every 180 s) in the seconds after their push.
 */
const EARLY: Record<string, AppOptions> = {
  degraded: {},
  invalid: { retry: INVALID_RETRY },
  superseded: {},
  stuck: {},
};
const early = new Map<string, ReturnType<typeof deployed>>();

/** An app of EARLY, deployed (started in beforeAll). */
const deployedEarly = (name: string) => early.get(name)!;

/**
 * The bundled action as the runner starts it. `resources` names the app's InferenceService: right
 * after a sync Argo CD reports Healthy from the previous generation's Ready condition until KServe
 * (here the stand-in) updates it, so only the generation check ties Healthy to the new model.
 */
function waitAction(inputs: Record<string, string | boolean | undefined>, env: Record<string, string> = {}) {
  const resources = inputs.application
    ? `InferenceService/${MODEL_NAMESPACE}/${String(inputs.application)}`
    : undefined;
  return runAction('wait-argocd-sync', {
    inputs: {
      server: gitops.argo.url,
      token: gitops.argo.ciToken,
      'poll-interval': '1s',
      timeout: '120s',
      resources,
      ...inputs,
    },
    env,
    // Beyond the longest `timeout` input a scenario gives (120s).
    timeoutMs: scaled(180_000),
  });
}

function describeAction(result: ActionResult): string {
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.exitCode === 0) return `exit 0 in ${seconds} s, revision ${result.outputs.revision?.slice(0, 12)}`;
  return `exit ${result.exitCode} in ${seconds} s: ${(result.errors[0] ?? '').split('\n')[0]!.slice(0, 110)}`;
}

async function describeCli(name: string, run: Awaited<ReturnType<typeof argocdAppWait>>): Promise<string> {
  const last = run.output.trim().split('\n').at(-1)?.slice(0, 110) ?? '';
  const app = await gitops.getApp(name).catch(() => undefined);
  const at = app?.status?.sync?.revision ? `, app then at ${app.status.sync.revision.slice(0, 12)}` : '';
  return `exit ${run.exitCode} in ${(run.durationMs / 1000).toFixed(1)} s${at}${run.exitCode ? `: ${last}` : ''}`;
}

async function predictVersion(name: string): Promise<string> {
  const url = gitops.kserve.url(MODEL_NAMESPACE, name)!;
  const response = await fetch(`${url}/v1/models/${name}:predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: [{ x: 0.5 }] }),
  });
  return ((await response.json()) as { model_version: string }).model_version;
}

describeReal('wait-argocd-sync against a real Argo CD', () => {
  beforeAll(async () => {
    gitops = await startRealGitOps();
    for (const [name, options] of Object.entries(EARLY)) {
      const deploying = deployed(name, options);
      deploying.catch(() => undefined); // reported by the scenario that awaits it
      early.set(name, deploying);
    }
    process.stdout.write(
      `real Argo CD up: start-up ms ${JSON.stringify(gitops.argo.startup)}\nRSS MiB ${JSON.stringify(gitops.argo.rss())}\n`,
    );
  }, STACK_START_MS);

  afterAll(async () => {
    if (gitops) process.stdout.write(`RSS MiB after the scenarios ${JSON.stringify(gitops.argo.rss())}\n`);
    await gitops?.stop();
    const rows = table.map((row) => `| ${row.scenario} | ${row.action} | ${row.cli} |`);
    process.stdout.write(
      ['| scenario | wait-argocd-sync | argocd app wait |', '| --- | --- | --- |', ...rows].join('\n') + '\n',
    );
  }, scaled(60_000));

  it(
    'already deployed: succeeds at once with the deployed revision',
    async () => {
      const { sha } = await deployed('ready');
      const result = await waitAction({ application: 'ready', revision: sha });
      expect(result.exitCode).toBe(0);
      expect(result.outputs).toMatchObject({ revision: sha, 'sync-status': 'Synced', 'health-status': 'Healthy' });
      const cli = await argocdAppWait(gitops.argo, 'ready', { timeoutSeconds: 60 });
      expect(cli.exitCode).toBe(0);
      table.push({
        scenario: 'already deployed',
        action: describeAction(result),
        cli: await describeCli('ready', cli),
      });
    },
    SCENARIO_MS,
  );

  it(
    'new commit, auto-sync: waits past the old revision, passes once the new model serves',
    async () => {
      const { sha: old } = await deployed('auto');
      const uri = await gitops.uploadModel('auto/v2', 0);
      const pushed = gitops.commit(gitops.appFiles('auto', uri), 'auto v2');
      // Nothing has shown Argo CD the push yet (no refresh, 180 s polling): the CLI judges the old state.
      const cli = await argocdAppWait(gitops.argo, 'auto', { timeoutSeconds: 60 });
      expect(cli.exitCode).toBe(0);
      expect((await gitops.getApp('auto')).status?.sync?.revision).toBe(old);
      const cliRow = await describeCli('auto', cli);
      const result = await waitAction({ application: 'auto', revision: pushed });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain(`deployed revision is ${old.slice(0, 12)}, not ${pushed.slice(0, 12)}`);
      expect(result.outputs.revision).toBe(pushed);
      expect(await predictVersion('auto')).toBe(uri);
      table.push({
        scenario: 'new commit, auto-sync',
        action: describeAction(result),
        cli: cliRow,
      });
    },
    SCENARIO_MS,
  );

  it(
    'new commit, manual sync: the action syncs the app to the pinned revision',
    async () => {
      const { sha: old } = await deployed('manual', { automated: false });
      const uri = await gitops.uploadModel('manual/v2', 0);
      const pushed = gitops.commit(gitops.appFiles('manual', uri), 'manual v2');
      const cli = await argocdAppWait(gitops.argo, 'manual', { timeoutSeconds: 60 });
      expect((await gitops.getApp('manual')).status?.sync?.revision).toBe(old);
      const cliRow = await describeCli('manual', cli);
      const result = await waitAction({ application: 'manual', revision: pushed });
      expect(result.exitCode).toBe(0);
      expect(result.outputs.revision).toBe(pushed);
      expect(result.summary).toMatch(/sync requested/);
      expect(await predictVersion('manual')).toBe(uri);
      table.push({
        scenario: 'new commit, manual sync',
        action: describeAction(result),
        cli: cliRow,
      });
    },
    SCENARIO_MS,
  );

  it(
    'refresh: none waits for Argo CD to poll Git (180 s here) and times out; hard refresh sees the push',
    async () => {
      const { sha: old } = await deployed('refresh');
      const pushed = gitops.commit(gitops.appFiles('refresh', await gitops.uploadModel('refresh/v2', 0)), 'refresh v2');
      const none = await waitAction({ application: 'refresh', revision: pushed, refresh: 'none', timeout: '10s' });
      expect(none.exitCode).toBe(1);
      expect(none.errors[0]).toMatch(new RegExp(`timed out after 10s: deployed revision is ${old.slice(0, 12)}`));
      const hard = await waitAction({ application: 'refresh', revision: pushed, refresh: 'hard' });
      expect(hard.exitCode).toBe(0);
      expect(hard.outputs.revision).toBe(pushed);
      table.push({
        scenario: 'refresh: none, then hard',
        action: `none: ${describeAction(none)}; hard: ${describeAction(hard)}`,
        cli: 'no refresh option on `app wait` (`argocd app get --refresh` is a separate call)',
      });
    },
    SCENARIO_MS,
  );

  it(
    'Degraded: fails fast naming the InferenceService whose model does not load',
    async () => {
      await deployedEarly('degraded');
      const corrupt = await gitops.uploadBytes('degraded/v2', 'this is not a joblib file');
      const pushed = gitops.commit(gitops.appFiles('degraded', corrupt), 'degraded v2');
      const result = await waitAction({ application: 'degraded', revision: pushed });
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toMatch(/health is Degraded on .*InferenceService\/models\/degraded Degraded/);
      expect(JSON.parse(result.outputs['degraded-resources']!)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'InferenceService', name: 'degraded', health: 'Degraded' }),
        ]),
      );
      const cli = await argocdAppWait(gitops.argo, 'degraded', { timeoutSeconds: 10 });
      expect(cli.exitCode).not.toBe(0);
      table.push({
        scenario: 'Degraded (model fails to load)',
        action: describeAction(result),
        cli: await describeCli('degraded', cli),
      });
    },
    SCENARIO_MS,
  );

  it(
    'sync failed on an invalid manifest: fails once Argo CD gives up retrying, with the operation message',
    async () => {
      const { uri } = await deployedEarly('invalid');
      const files = gitops.appFiles('invalid', uri);
      files['apps/invalid/broken.yaml'] =
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Valid_Name\ndata:\n  a: b\n';
      const pushed = gitops.commit(files, 'invalid manifest');
      // The Application's own retry policy: two retries, 5 s and 10 s after the failures, then Failed.
      const result = await waitAction({ application: 'invalid', revision: pushed });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/Retrying attempt #1/);
      expect(result.stdout).toMatch(/Retrying attempt #2/);
      expect(result.stdout).not.toMatch(/Retrying attempt #3/);
      expect(result.errors[0]).toMatch(/ended Failed.*Not_A_Valid_Name|Failed last sync attempt.*Not_A_Valid_Name/);
      // Argo CD's own count, in the final message the action quotes: the policy was applied.
      expect(result.errors[0]).toMatch(/\(retried 2 times\)/);
      const cli = await argocdAppWait(gitops.argo, 'invalid', { timeoutSeconds: 10 });
      table.push({
        scenario: 'sync failed (invalid manifest)',
        action: describeAction(result),
        cli: await describeCli('invalid', cli),
      });
    },
    SCENARIO_MS,
  );

  it(
    'superseded by a newer commit: succeeds with a warning when the newer one contains ours',
    async () => {
      await deployedEarly('superseded');
      const ours = gitops.commit(gitops.appFiles('superseded', await gitops.uploadModel('superseded/v2', 0)), 'ours');
      const newer = gitops.commit(gitops.appFiles('superseded', await gitops.uploadModel('superseded/v3', 1)), 'newer');
      const github = await FakeGitHub.start(GITHUB_TOKEN, { 'acme/gitops': { bare: gitops.repo.bare } });
      try {
        const result = await waitAction(
          { application: 'superseded', revision: ours, 'github-token': GITHUB_TOKEN, repository: 'acme/gitops' },
          { GITHUB_API_URL: github.apiUrl },
        );
        expect(result.exitCode).toBe(0);
        expect(result.outputs).toMatchObject({ revision: newer, superseded: 'true' });
        expect(result.warnings.join('\n')).toMatch(/a newer commit that already contains/);
        table.push({
          scenario: 'superseded by a newer commit',
          action: describeAction(result),
          cli: 'not revision-aware: judges whatever is deployed',
        });
      } finally {
        await github.stop();
      }
    },
    SCENARIO_MS,
  );

  it(
    'bad token: fails at pre-flight with a clear message',
    async () => {
      const result = await waitAction({ application: 'ready', token: BOGUS_TOKEN });
      expect(result.exitCode).toBe(1);
      expect(result.errors).toEqual([
        expect.stringMatching(/^Argo CD rejected the token: it is invalid, expired or revoked/),
      ]);
      expect(result.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(BOGUS_TOKEN);
      const cli = await argocdAppWait(gitops.argo, 'ready', { timeoutSeconds: 20, token: BOGUS_TOKEN });
      expect(cli.exitCode).not.toBe(0);
      table.push({ scenario: 'bad token', action: describeAction(result), cli: await describeCli('ready', cli) });
    },
    SCENARIO_MS,
  );

  it(
    'missing app: explains the 403 without project, and the 404 with it',
    async () => {
      const ambiguous = await waitAction({ application: 'nope' });
      expect(ambiguous.exitCode).toBe(1);
      expect(ambiguous.errors[0]).toMatch(/either it does not exist or the token may not read it.*pass `project`/);
      const missing = await waitAction({ application: 'nope', project: PROJECT });
      expect(missing.errors[0]).toMatch(/Application nope was not found in project models/);
      const cli = await argocdAppWait(gitops.argo, 'nope', { timeoutSeconds: 20 });
      expect(cli.exitCode).not.toBe(0);
      table.push({
        scenario: 'missing app',
        action: `${describeAction(ambiguous)}; with project: ${describeAction(missing)}`,
        cli: await describeCli('nope', cli),
      });
    },
    SCENARIO_MS,
  );

  it(
    'never Ready: times out with health Progressing and the last observed state',
    async () => {
      await deployedEarly('stuck');
      // The storage initializer waits for an object nobody uploads.
      const pushed = gitops.commit(gitops.appFiles('stuck', 's3://models/stuck/never-uploaded'), 'stuck v2');
      const result = await waitAction({ application: 'stuck', revision: pushed, timeout: '20s' });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/timed out after 20s: health is Progressing/);
      expect(result.stdout).toMatch(/Last observed state/);
      expect(result.outputs['health-status']).toBe('Progressing');
      const cli = await argocdAppWait(gitops.argo, 'stuck', { timeoutSeconds: 20 });
      expect(cli.exitCode).toBe(20);
      expect(cli.output).toMatch(/timed out \(20s\)/);
      table.push({
        scenario: 'never Ready (timeout 20 s)',
        action: describeAction(result),
        cli: await describeCli('stuck', cli),
      });
    },
    SCENARIO_MS,
  );
});
