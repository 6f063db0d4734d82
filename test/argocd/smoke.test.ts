import { describe, expect, it } from '@jest/globals';
import { runWait, withSimulator } from './scenario.js';

describe('smoke', () => {
  it('false green', async () => {
    await withSimulator({ pollingIntervalMs: 180_000 }, async (sim) => {
      sim.deployedApp('iris');
      const sha = sim.push();
      sim.cluster.plan(sim.git.manifestsOf(sha)!, { progressingMs: 300 });
      const result = await runWait(sim, { revision: sha });
      console.log(result.stdout, result.stderr, result.outputs);
      expect(result.exitCode).toBe(0);
    });
  });
});
