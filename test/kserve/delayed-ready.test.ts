import { afterAll, describe, expect, it } from '@jest/globals';
import { startKServe } from '../helpers/kserve.js';
import { runAction, type ActionResult } from '../helpers/run-action.js';
import type { Service } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';

let kserve: Service | undefined;

afterAll(async () => {
  await kserve?.stop();
});

describe('kserve-health-check against a model that becomes ready late', () => {
  it(
    'waits through the closed port (loading) and the 503 "not ready" phase, then passes',
    async () => {
      // The action starts as soon as the port is chosen: before the server listens.
      let action: Promise<ActionResult> | undefined;
      kserve = await startKServe({
        models: ['delayed'],
        loadDelaySeconds: 2,
        // Longer than the longest poll interval (5 s), so a poll always lands in the 503 phase.
        readyDelaySeconds: 7,
        onPort: (port) => {
          action = runAction('kserve-health-check', {
            inputs: {
              url: `http://127.0.0.1:${port}`,
              model: 'delayed',
              payload: JSON.stringify({ instances: [[1, 2, 3]] }),
              expected: '[6]',
              timeout: '90s',
            },
            timeoutMs: 120_000,
          });
        },
      });
      const result = await action!;
      expect(result.errors).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(result.outputs).toMatchObject({ ready: 'true', protocol: 'v1' });
      // Both transient phases were seen and waited out, in this order.
      const refusedAt = result.stdout.indexOf('not yet: ECONNREFUSED');
      const notReadyAt = result.stdout.indexOf('not yet: 503: {"error":"Model with name delayed is not ready."}');
      expect(refusedAt).toBeGreaterThanOrEqual(0);
      expect(notReadyAt).toBeGreaterThan(refusedAt);
      expect(result.summary).toMatch(/\| model ready \| `GET \/v1\/models\/delayed` \| passed \| [\d.]+s \| \d+ \|/);
    },
    scaled(150_000),
  );
});
