// kserve-health-check against KServe's real Python model server on loopback (echo model, V1).
// Both sides run as the runner would run them, in a fresh Node 24 process each, after the same
// untimed requests (the action's smoke request and warm-up):
// - the p50/p95 latency the action reports (the bundle) against a plain node:http keep-alive
//   loop sending the same requests in the same run, at concurrency 1;
// - the requests per second it reports against the same loop, at concurrency 1, 8 and 32.
// Rounds alternate so drift on a shared machine hits both sides alike; figures are medians.
// Bounded: about 10,000 requests in all, one server, stopped at the end.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startKServe } from '../test/helpers/kserve.js';
import { node24 } from '../test/helpers/paths.js';
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
const THROUGHPUT_ROUNDS = 3;
const CONCURRENCIES = [1, 8, 32];

interface Measured {
  p50: number;
  p95: number;
  rps: number;
}

export default async function kserveBench(): Promise<Figure[]> {
  const server = await startKServe({ models: ['echo'] });
  try {
    await freshProcessLoop(server.url, 200, 4); // the server's first requests are slower: not measured
    const figures: Figure[] = [];

    const latency = await alternate(LATENCY_ROUNDS, server.url, LATENCY_REQUESTS, 1);
    for (const p of ['p50', 'p95'] as const) {
      figures.push({
        figure: `kserve-health-check: reported ${p} latency, ${LATENCY_REQUESTS} requests at concurrency 1 (median of ${LATENCY_ROUNDS})`,
        value: median(latency.action.map((m) => m[p])),
        unit: 'ms',
        baseline: median(latency.plain.map((m) => m[p])),
        baselineLabel: 'plain node:http loop',
        goal: 'ratio ≤ 1.1',
      });
    }

    for (const concurrency of CONCURRENCIES) {
      const throughput = await alternate(THROUGHPUT_ROUNDS, server.url, THROUGHPUT_REQUESTS, concurrency);
      figures.push({
        figure: `kserve-health-check: requests/s at concurrency ${concurrency} (${THROUGHPUT_REQUESTS} requests, median of ${THROUGHPUT_ROUNDS})`,
        value: median(throughput.action.map((m) => m.rps)),
        unit: 'req/s',
        baseline: median(throughput.plain.map((m) => m.rps)),
        baselineLabel: 'plain node:http loop',
        note: 'bound by the single-process Python server',
      });
    }
    return figures;
  } finally {
    await server.stop();
  }
}

/** `rounds` measurements of each side, the order swapped every round. */
async function alternate(
  rounds: number,
  url: string,
  requests: number,
  concurrency: number,
): Promise<{ action: Measured[]; plain: Measured[] }> {
  const action: Measured[] = [];
  const plain: Measured[] = [];
  const measureAction = async () => action.push(await actionRun(url, requests, concurrency));
  const measurePlain = async () => {
    const run = await freshProcessLoop(url, requests, concurrency);
    plain.push({
      p50: percentile(run.latencies, 50),
      p95: percentile(run.latencies, 95),
      rps: (requests * 1000) / run.durationMs,
    });
  };
  for (let round = 0; round < rounds; round++) {
    for (const measure of round % 2 ? [measurePlain, measureAction] : [measureAction, measurePlain]) await measure();
  }
  return { action, plain };
}

async function actionRun(url: string, requests: number, concurrency: number): Promise<Measured> {
  const result = await runAction('kserve-health-check', {
    inputs: { url, model: 'echo', payload: JSON.stringify(PAYLOAD), requests, concurrency },
    timeoutMs: 120_000,
  });
  if (result.exitCode !== 0) throw new Error(`the action failed: ${result.errors.join('; ')}`);
  return {
    p50: Number(result.outputs['latency-p50-ms']),
    p95: Number(result.outputs['latency-p95-ms']),
    rps: Number(result.outputs['requests-per-second']),
  };
}

const FRESH_LOOP = `
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
const [url, body, count, untimed, concurrency] = process.argv.slice(1).map((v, i) => (i < 2 ? v : Number(v)));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const one = () => new Promise((resolve, reject) => {
  const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.on('data', () => {});
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status ' + res.statusCode))));
  });
  req.on('error', reject);
  req.end(body);
});
const pool = async (n, timed) => {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const started = performance.now();
      await one();
      if (timed) latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
};
const latencies = [];
await pool(untimed, false);
const started = performance.now();
await pool(count, true);
const durationMs = performance.now() - started;
agent.destroy();
process.stdout.write(JSON.stringify({ latencies, durationMs }));
`;

/**
 * The baseline on the same footing as the action: a fresh Node 24 process, keep-alive node:http,
 * the same untimed requests first (the action's smoke request and warm-up), then `count` timed
 * ones at `concurrency`. Asynchronous on purpose: a blocked event loop would stop draining the
 * server's log pipe.
 */
async function freshProcessLoop(
  url: string,
  count: number,
  concurrency: number,
): Promise<{ latencies: number[]; durationMs: number }> {
  const untimed = 1 + Math.max(concurrency, 5);
  const { stdout } = await promisify(execFile)(
    node24(),
    [
      '--input-type=module',
      '-e',
      FRESH_LOOP,
      new URL(PATH, url).toString(),
      JSON.stringify(PAYLOAD),
      String(count),
      String(untimed),
      String(concurrency),
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return JSON.parse(stdout) as { latencies: number[]; durationMs: number };
}
