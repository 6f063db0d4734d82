import { HttpClient, type Clock, type FetchLike } from '@mlops-actions/action-kit/http';
import { testDeadline } from '../../../test/helpers/deadline.js';

/** A scripted answer: a response, or a network failure with its code. */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | { networkError: string };

export const refused: Answer = { networkError: 'ECONNREFUSED' };
export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/json', ...headers },
});
export const empty = (status: number): Answer => ({ status, body: '' });

/** A clock that only moves when slept on: no test waits on, or asserts, wall time. */
export function fakeClock(): Clock & { sleeps: number[]; elapsed(): number } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    elapsed: () => now - 1_000_000,
  };
}

/**
 * An HttpClient whose network is a script: each "METHOD /path" answers its list in order, the
 * last answer repeating; an unscripted request is a 404 with KServe's route-miss body.
 */
export function scriptedClient(
  script: Record<string, Answer[]>,
  clock: Clock,
): { client: HttpClient; calls: string[] } {
  const calls: string[] = [];
  const served = new Map<string, number>();
  const fetch: FetchLike = async (url, init) => {
    const key = `${String(init.method)} ${new URL(url).pathname}`;
    calls.push(key);
    const answers = script[key];
    if (!answers) return new Response('{"detail":"Not Found"}', { status: 404 });
    const index = served.get(key) ?? 0;
    served.set(key, index + 1);
    const answer = answers[Math.min(index, answers.length - 1)]!;
    if ('networkError' in answer) {
      const cause = Object.assign(new Error(`connect ${answer.networkError} 127.0.0.1:8080`), {
        code: answer.networkError,
      });
      throw new TypeError('fetch failed', { cause });
    }
    return new Response(answer.body ?? '', { status: answer.status, headers: answer.headers });
  };
  return {
    client: new HttpClient({ deadline: testDeadline(), baseUrl: 'http://model.test/prefix', fetch, clock }),
    calls,
  };
}
