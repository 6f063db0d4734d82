import { runAction, type ActionResult } from '../helpers/run-action.js';
import {
  GITHUB_TOKEN,
  TOKENS,
  startArgoCdSimulator,
  type ArgoCdSimulator,
  type SimulatorOptions,
} from '../fakes/argocd/index.js';

/** Runs the bundled action against a simulator, with short intervals; every input can be overridden. */
export function runWait(
  sim: ArgoCdSimulator,
  inputs: Record<string, string | number | boolean | undefined>,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ActionResult> {
  return runAction('wait-argocd-sync', {
    inputs: {
      server: sim.url,
      token: TOKENS.ci,
      application: 'iris',
      'poll-interval': '200ms',
      timeout: '20s',
      ...inputs,
    },
    env: { GITHUB_API_URL: sim.githubUrl, ...options.env },
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

export const githubInputs = { 'github-token': GITHUB_TOKEN, repository: 'acme/gitops' };

/** A simulator for one test; always stopped, also when the test fails. */
export async function withSimulator<T>(
  options: SimulatorOptions,
  fn: (sim: ArgoCdSimulator) => Promise<T>,
): Promise<T> {
  const sim = await startArgoCdSimulator(options);
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

/** The requests made to one application endpoint (without the stream). */
export function appGets(sim: ArgoCdSimulator, name = 'iris'): { query: Record<string, string>; status?: number }[] {
  return sim.server.requests.filter((r) => r.method === 'GET' && r.path === `/api/v1/applications/${name}`);
}
