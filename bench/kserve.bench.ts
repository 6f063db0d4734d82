// kserve-health-check against KServe's real Python model server on loopback (echo model, V1):
// - the latency the action reports (the bundle, run as the runner runs it) against a plain Node
//   node:http keep-alive loop sending the same requests in the same run, at concurrency 1;
// - requests per second of the action's load code (HttpClient, bounded worker pool) against the
//   plain loop, at concurrency 1, 8 and 32.
// Bounded: a few thousand requests in all, one server, everything stopped at the end.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HttpClient } from '../packages/action-kit/src/http/index.js';
import { sendTimedRequests } from '../packages/kserve/src/index.js';
import { startKServe } from '../test/helpers/kserve.js';
import { runAction } from '../test/helpers/run-action.js';
import { median, percentile, type Figure } from './lib.js';

const PAYLOAD = {
  instances: [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ],
};
const PATH = '/v1/models/echo:predict';
const LATENCY_REQUESTS = 400;
const LATENCY_ROUNDS = 3;
const THROUGHPUT_REQUESTS = 500;
const THROUGHPUT_ROUNDS = 2;
const CONCURRENCIES = [1, 8, 32];

export default async function kserveBench(): Promise<Figure[]> {
  const server = await startKServe({ models: ['echo'] });
  try {
    const url = server.url;
    await plainLoop(url, 200, 4); // warm both sides up: imports, connection pools, JIT

    // Alternate rounds so drift on a shared machine hits both sides alike; report the medians.
    const action: { p50: number; p95: number }[] = [];
    const plain: { p50: number; p95: number }[] = [];
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      const result = await runAction('kserve-health-check', {
        inputs: { url, model: 'echo', payload: JSON.stringify(PAYLOAD), requests: LATENCY_REQUESTS, concurrency: 1 },
        timeoutMs: 120_000,
      });
      if (result.exitCode !== 0) throw new Error(`the action failed: ${result.errors.join('; ')}`);
      action.push({ p50: Number(result.outputs['latency-p50-ms']), p95: Number(result.outputs['latency-p95-ms']) });
      const samples = (await plainLoop(url, LATENCY_REQUESTS, 1)).latencies;
      plain.push({ p50: percentile(samples, 50), p95: percentile(samples, 95) });
    }

    const figures: Figure[] = [];
    for (const p of ['p50', 'p95'] as const) {
      figures.push({
        figure: `kserve-health-check: reported ${p} latency, ${LATENCY_REQUESTS} requests at concurrency 1 (median of ${LATENCY_ROUNDS} rounds)`,
        value: median(action.map((r) => r[p])),
        unit: 'ms',
        baseline: median(plain.map((r) => r[p])),
        baselineLabel: 'plain node:http loop',
        goal: 'ratio ≤ 1.1',
      });
    }

    const client = new HttpClient({ baseUrl: url, retry: { maxAttempts: 1 } });
    try {
      for (const concurrency of CONCURRENCIES) {
        // Two rounds each, in swapped order, so neither side always gets the warmer server.
        const ours: number[] = [];
        const plain: number[] = [];
        for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
          const measureOurs = async () => {
            const result = await sendTimedRequests(client, {
              path: PATH,
              payload: PAYLOAD,
              requests: THROUGHPUT_REQUESTS,
              concurrency,
              requestTimeoutMs: 10_000,
            });
            if (result.errors)
              throw new Error(`${result.errors} timed requests failed: ${JSON.stringify(result.errorKinds)}`);
            ours.push((result.sent * 1000) / result.durationMs);
          };
          const measurePlain = async () => {
            const result = await plainLoop(url, THROUGHPUT_REQUESTS, concurrency);
            plain.push((THROUGHPUT_REQUESTS * 1000) / result.durationMs);
          };
          for (const measure of round % 2 ? [measurePlain, measureOurs] : [measureOurs, measurePlain]) await measure();
        }
        figures.push({
          figure: `kserve-health-check: requests/s at concurrency ${concurrency} (${THROUGHPUT_REQUESTS} requests, median of ${THROUGHPUT_ROUNDS})`,
          value: median(ours),
          unit: 'req/s',
          baseline: median(plain),
          baselineLabel: 'plain node:http loop',
          note: 'bound by the single-process Python server',
        });
      }
    } finally {
      await client.close();
    }
    return figures;
  } finally {
    await server.stop();
  }
}

/** The same POST, `count` times, `concurrency` at once, over keep-alive node:http: the floor. */
async function plainLoop(
  url: string,
  count: number,
  concurrency: number,
): Promise<{ latencies: number[]; durationMs: number }> {
  const target = new URL(PATH, url);
  const body = JSON.stringify(PAYLOAD);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < count) {
      next++;
      const started = performance.now();
      await one();
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const durationMs = performance.now() - started;
  agent.destroy();
  return { latencies, durationMs };
}
