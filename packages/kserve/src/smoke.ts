import type { HttpClient } from '@mlops-actions/action-kit/http';
import { compareAnswer, describeDifference, type Difference } from './compare.js';
import { judgeAuth } from './judge.js';
import { describeOutcome, parseJsonBody, probe } from './probe.js';
import { inferencePath, type Protocol } from './protocol.js';

export interface SmokeOptions {
  protocol: Protocol;
  model: string;
  payload: unknown;
  expected?: unknown;
  tolerance: number;
  /** V2: the model_version the answer must carry, when it carries one. */
  modelVersion?: string;
  requestTimeoutMs: number;
}

export interface SmokeResult {
  passed: boolean;
  endpoint: string;
  status?: number;
  /** The answer, without any secret the client sends. */
  body?: string;
  /** Whether an expected answer was compared. */
  compared: boolean;
  difference?: Difference;
  failure?: { reason: string; auth: boolean };
}

/** POSTs the sample request to `:predict` (V1) or `/infer` (V2) and compares the answer. */
export async function smokeInference(client: HttpClient, options: SmokeOptions): Promise<SmokeResult> {
  const path = inferencePath(options.protocol, options.model);
  const endpoint = `POST ${path}`;
  const outcome = await probe(client, path, {
    method: 'POST',
    json: options.payload,
    timeoutMs: options.requestTimeoutMs,
  });
  const base = { endpoint, compared: false };
  if (outcome.kind === 'unreachable') {
    return {
      ...base,
      passed: false,
      failure: { reason: `smoke inference: ${endpoint} failed: ${describeOutcome(outcome)}`, auth: false },
    };
  }
  const answered = { ...base, status: outcome.status, body: outcome.shown };
  const auth = judgeAuth(outcome);
  if (auth && auth.kind === 'fail') {
    return { ...answered, passed: false, failure: { reason: `smoke inference: ${auth.reason}`, auth: true } };
  }
  if (outcome.status < 200 || outcome.status >= 300) {
    return {
      ...answered,
      passed: false,
      failure: {
        reason:
          `smoke inference: the model answered ${describeOutcome(outcome)}. ` +
          'A 4xx means the payload does not fit the model (inputs, shape, datatype); a 5xx is a model or server error',
        auth: false,
      },
    };
  }
  const response = parseJsonBody(outcome.body);
  if (response === undefined) {
    return {
      ...answered,
      passed: false,
      failure: { reason: `smoke inference: the answer is not JSON: ${describeOutcome(outcome)}`, auth: false },
    };
  }
  const versionDifference = checkAnsweredVersion(options, response);
  const failed = (result: Omit<SmokeResult, 'passed'>, difference: Difference, what: string): SmokeResult => ({
    ...result,
    passed: false,
    difference,
    // The difference quotes the answer, which may echo a credential.
    failure: { reason: client.redact(`smoke inference: ${what} ${describeDifference(difference)}`), auth: false },
  });
  if (versionDifference) return failed(answered, versionDifference, 'the answer is from another model version');
  if (options.expected === undefined) return { ...answered, passed: true };
  const difference = compareAnswer(options.protocol, options.expected, response, options.tolerance);
  if (difference) return failed({ ...answered, compared: true }, difference, 'the answer differs from expected');
  return { ...answered, compared: true, passed: true };
}

function checkAnsweredVersion(options: SmokeOptions, response: unknown): Difference | undefined {
  if (options.protocol !== 'v2' || !options.modelVersion) return undefined;
  const answered = (response as { model_version?: unknown }).model_version;
  if (answered === undefined || answered === null || answered === '' || answered === options.modelVersion)
    return undefined;
  return { path: 'model_version', expected: options.modelVersion, got: answered, why: 'another version answered' };
}
