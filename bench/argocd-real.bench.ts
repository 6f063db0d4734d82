// wait-argocd-sync against a real Argo CD v3.6 + kube-apiserver on loopback (test/real-argocd),
// beside the simulator (bench/argocd.bench.ts) measured in the same run.
//
// 1. Start-up of the whole tier (etcd → kube-apiserver → config → redis → repo-server →
//    controller → argocd-server → token) and the RSS of each process after the runs.
// 2. Detection latency: from the moment the Application custom resource reaches its final state
//    (Synced on the pushed revision, Healthy, no operation running — seen on a kube-apiserver
//    watch) to the action's process exiting. Commits change a ConfigMap only, so the
//    InferenceService stays Ready and each run is a sync, not a model rollout. With the watch
//    stream (poll-interval 5s) and without (poll-interval 1s); the simulator's figure with the
//    stream is the baseline.
// 3. Commit → synced: from the push (just before the action starts, refresh: normal) to the
//    Application being Synced on it, per run of 2. Argo CD's own Git polling is 180 s here, so
//    without the action's refresh this would take up to 180 s.
import { detectionLatency } from './argocd.bench.js';
import { runAction } from '../test/helpers/run-action.js';
import { REAL_ARGOCD_ENABLED } from '../test/real-argocd/cluster.js';
import { startRealGitOps, type ArgoApp, type RealGitOps } from '../test/real-argocd/harness.js';
import { ARGOCD_NAMESPACE } from '../test/real-argocd/stack.js';
import { median, round, type Figure } from './lib.js';

const RUNS = 5;
const APP = 'bench';

/** performance.now() when the Application first satisfies `done`, from a kube watch started now. */
function whenApp(gitops: RealGitOps, done: (app: ArgoApp & { operation?: unknown }) => boolean): Promise<number> {
  const abort = new AbortController();
  return new Promise<number>((resolve, reject) => {
    gitops.argo.kube
      .watch<ArgoApp & { operation?: unknown }>(
        `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications?watch=1&fieldSelector=metadata.name%3D${APP}`,
        (event) => {
          if (done(event.object)) {
            resolve(performance.now());
            abort.abort();
          }
        },
        abort.signal,
      )
      .catch(reject);
  });
}

const settledOn = (sha: string) => (app: ArgoApp & { operation?: unknown }) =>
  app.status?.sync?.status === 'Synced' &&
  app.status.sync.revision === sha &&
  app.status.health?.status === 'Healthy' &&
  !app.operation &&
  app.status.operationState?.phase !== 'Running';

async function runs(gitops: RealGitOps, uri: string, stream: boolean) {
  const detection: number[] = [];
  const commitToSynced: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const files = gitops.appFiles(APP, uri, `  run: "${stream}-${run}"`);
    const pushedAt = performance.now();
    const pushed = gitops.commit(files, `bench run ${run}`);
    const final = whenApp(gitops, settledOn(pushed));
    const synced = whenApp(
      gitops,
      (app) => app.status?.sync?.status === 'Synced' && app.status.sync.revision === pushed,
    );
    const result = await runAction('wait-argocd-sync', {
      inputs: {
        server: gitops.argo.url,
        token: gitops.argo.ciToken,
        application: APP,
        revision: pushed,
        stream,
        'poll-interval': stream ? '5s' : '1s',
        timeout: '2m',
      },
    });
    const exitedAt = performance.now();
    if (result.exitCode !== 0) throw new Error(`run ${run} failed:\n${result.stdout}`);
    detection.push(exitedAt - (await final));
    commitToSynced.push(((await synced) - pushedAt) / 1000);
  }
  return { detection, commitToSynced };
}

export default async function argocdReal(): Promise<Figure[]> {
  if (!REAL_ARGOCD_ENABLED) {
    process.stderr.write('bench argocd-real: skipped (MLOPS_REAL_ARGOCD=0 turns the real Argo CD tier off)\n');
    return [];
  }
  const gitops = await startRealGitOps();
  try {
    const uri = await gitops.uploadModel(`${APP}/v1`);
    const sha = gitops.commit(gitops.appFiles(APP, uri), 'bench v1');
    await gitops.createApp(APP);
    await gitops.waitApp(APP, settledOn(sha), 180_000);
    const withStream = await runs(gitops, uri, true);
    const withoutStream = await runs(gitops, uri, false);
    const simulator = await detectionLatency(true, RUNS);
    const rss = gitops.argo.rss();
    const totalRss = Object.values(rss).reduce((sum, value) => sum + value, 0);
    const { startup } = gitops.argo;
    return [
      {
        figure:
          'real Argo CD: start-up, nothing -> API token (etcd, kube-apiserver, config, redis, 3 Argo CD processes)',
        value: startup.total! / 1000,
        unit: 's',
        note: Object.entries(startup)
          .filter(([name]) => name !== 'total')
          .map(([name, ms]) => `${name} ${round(ms / 1000)} s`)
          .join(', '),
      },
      {
        figure: 'real Argo CD: RSS of the tier after the runs (moto and the predictor not counted)',
        value: totalRss,
        unit: 'MiB',
        note: Object.entries(rss)
          .map(([name, mib]) => `${name} ${mib}`)
          .join(', '),
      },
      {
        figure: `wait-argocd-sync vs real Argo CD: detection latency, watch stream (median of ${RUNS})`,
        value: median(withStream.detection),
        unit: 'ms',
        baseline: median(simulator),
        baselineLabel: 'simulator, same action, stream',
        note: `stream off, poll-interval 1s: median ${round(median(withoutStream.detection))} ms, max ${round(Math.max(...withoutStream.detection))} ms`,
      },
      {
        figure: `wait-argocd-sync vs real Argo CD: commit -> Synced with refresh: normal (median of ${2 * RUNS})`,
        value: median([...withStream.commitToSynced, ...withoutStream.commitToSynced]),
        unit: 's',
        note: `max ${round(Math.max(...withStream.commitToSynced, ...withoutStream.commitToSynced))} s; Argo CD's own Git polling here: 180 s (the simulator's refresh: none baseline in bench/argocd)`,
      },
    ];
  } finally {
    await gitops.stop();
  }
}
