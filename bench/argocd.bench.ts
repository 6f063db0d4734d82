// wait-argocd-sync, the bundled action against the Argo CD simulator (test/fakes/argocd).
//
// 1. Detection latency: from the moment the simulator's app reaches its final state (Synced and
//    Healthy on the pushed revision) to the action's process exiting; median of 20 runs, with the
//    watch stream (poll-interval 5 s, so only the stream can be that fast) and with the stream
//    disabled (poll-interval 1 s). Real time, nothing simulated; the rollout time varies over one
//    poll interval across the runs.
// 2. Commit-to-synced under Argo CD's 180 s Git polling interval, refresh: normal against
//    refresh: none. The simulator's clock runs 100x faster (180 s pass in 1.8 real seconds); the
//    commit lands when the action sends its first request, at a random phase of the polling
//    cycle; the figure is the simulated time until the controller is Synced on that commit.
import { runWait } from '../test/argocd/scenario.js';
import { GITOPS_REPO, startArgoCdSimulator, type ArgoCdSimulator } from '../test/fakes/argocd/index.js';
import { median, round, type Figure } from './lib.js';

const LATENCY_RUNS = 20;
const POLLING_RUNS = 8;
const SCALE = 100;
const POLLING_INTERVAL_MS = 180_000;

function syncedOn(sim: ArgoCdSimulator, sha: string, healthy: boolean): Promise<number> {
  return new Promise((resolve) => {
    const stop = sim.controller.onChange((app) => {
      const done =
        app.spec.name === 'iris' &&
        app.revisions[0] === sha &&
        app.syncStatus === 'Synced' &&
        !app.operation &&
        (!healthy || app.health.status === 'Healthy');
      if (done) {
        stop();
        resolve(performance.now());
      }
    });
  });
}

/** Exported for bench/argocd-real.bench.ts, which sets its figures beside the real server's. */
export async function detectionLatency(stream: boolean, runs = LATENCY_RUNS): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const sim = await startArgoCdSimulator({ pollingIntervalMs: POLLING_INTERVAL_MS });
    try {
      sim.deployedApp('iris');
      const pushed = sim.push();
      // Long enough for the action to be waiting on health when the app turns Healthy, and spread
      // over a poll interval so the final state falls at every phase of the polling cycle.
      sim.cluster.plan(sim.git.manifestsOf(pushed)!, { progressingMs: 600 + (run / runs) * 1000 });
      const final = syncedOn(sim, pushed, true);
      const result = await runWait(sim, {
        revision: pushed,
        stream: String(stream),
        'poll-interval': stream ? '5s' : '1s',
        timeout: '1m',
      });
      const exitedAt = performance.now();
      if (result.exitCode !== 0) throw new Error(`run ${run} failed:\n${result.stdout}`);
      samples.push(exitedAt - (await final));
    } finally {
      await sim.stop();
    }
  }
  return samples;
}

async function commitToSynced(refresh: 'normal' | 'none'): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < POLLING_RUNS; run++) {
    const sim = await startArgoCdSimulator({ scale: SCALE, pollingIntervalMs: POLLING_INTERVAL_MS, tickMs: 2 });
    try {
      sim.deployedApp('iris');
      // Where in its polling cycle Argo CD happens to be when the commit lands.
      sim.controller.get('iris')!.nextPollAt = sim.clock.now() + ((run + 0.5) / POLLING_RUNS) * POLLING_INTERVAL_MS;
      let pushedAt = 0;
      let synced: Promise<number> | undefined;
      const pushed = sim.push({ manifests: 'next' });
      // The commit becomes visible in Git when the action starts (the bump step just pushed).
      sim.git.reset(GITOPS_REPO, sim.controller.get('iris')!.revisions[0]!);
      const stop = sim.server.onRequest(() => {
        stop();
        sim.git.reset(GITOPS_REPO, pushed);
        pushedAt = sim.clock.now();
        synced = syncedOn(sim, pushed, false).then(() => sim.clock.now());
      });
      const result = await runWait(sim, { revision: pushed, refresh, 'poll-interval': '200ms', timeout: '1m' });
      if (result.exitCode !== 0) throw new Error(`run ${run} failed:\n${result.stdout}`);
      samples.push(((await synced!) - pushedAt) / 1000);
    } finally {
      await sim.stop();
    }
  }
  return samples;
}

export default async function argocd(): Promise<Figure[]> {
  const withStream = await detectionLatency(true);
  const withoutStream = await detectionLatency(false);
  const normal = await commitToSynced('normal');
  const none = await commitToSynced('none');
  return [
    {
      figure: `wait-argocd-sync: detection latency, watch stream (median of ${LATENCY_RUNS})`,
      value: median(withStream),
      unit: 'ms',
      baseline: median(withoutStream),
      baselineLabel: 'stream off, poll-interval 1s',
      goal: '≤ 200 ms',
      note: 'simulator final state -> action process exit; poll-interval 5s so only the stream can explain it',
    },
    {
      figure: `wait-argocd-sync: detection latency, polling only, poll-interval 1s (median of ${LATENCY_RUNS})`,
      value: median(withoutStream),
      unit: 'ms',
      goal: '≤ poll-interval + 200 ms (1200 ms)',
      note: `max ${round(Math.max(...withoutStream))} ms`,
    },
    {
      figure: `wait-argocd-sync: commit-to-synced, refresh normal, simulated 180 s Git polling (median of ${POLLING_RUNS})`,
      value: median(normal),
      unit: 's (simulated)',
      baseline: median(none),
      baselineLabel: 'refresh: none',
      note: `clock x${SCALE}: 180 s of polling pass in 1.8 real s; commit lands at the action's first request, polling phase spread over the cycle`,
    },
  ];
}
