import { redactUrl } from '@mlops-actions/action-kit/http';
import { describeOutcome, parseJsonBody, type ProbeOutcome } from './probe.js';

/**
 * What one health answer means. Status code first, body second: the KServe Python server says
 * "not ready" with 503 and JSON, MLServer and Triton with 400 and an empty body, the spec with
 * any 4xx.
 */
export type Verdict =
  | { kind: 'pass'; body: unknown }
  | { kind: 'wait'; reason: string; retryAfter?: string | null; onlyDuringGrace?: boolean }
  | { kind: 'not-found'; reason: string }
  | { kind: 'fail'; reason: string; auth?: boolean };

const TRANSIENT_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'TIMEOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export function judgeHealth(outcome: ProbeOutcome): Verdict {
  if (outcome.kind === 'unreachable') {
    if (outcome.code === 'ENOTFOUND') {
      // A new DNS record may still be propagating, like a new route: waited for the grace period only.
      return {
        kind: 'wait',
        reason: `the host does not resolve (${outcome.reason}): check url`,
        onlyDuringGrace: true,
      };
    }
    const transient = outcome.code === undefined || TRANSIENT_NETWORK.has(outcome.code);
    if (transient) return { kind: 'wait', reason: describeOutcome(outcome) };
    return { kind: 'fail', reason: describeOutcome(outcome) };
  }
  const auth = judgeAuth(outcome);
  if (auth) return auth;

  const { status } = outcome;
  if (status === 404) return { kind: 'not-found', reason: describeOutcome(outcome) };
  if (status === 429 || status === 408 || status === 502 || status === 503 || status === 504) {
    return { kind: 'wait', reason: describeOutcome(outcome), retryAfter: outcome.headers.get('retry-after') };
  }
  if (status === 501) {
    return { kind: 'fail', reason: `the server does not implement this endpoint (${describeOutcome(outcome)})` };
  }
  // The spec's "not ready" is any other 4xx (MLServer and Triton: 400, empty body); a 500 may pass.
  if (status >= 400) return { kind: 'wait', reason: describeOutcome(outcome) };
  if (status < 200 || status >= 300) return { kind: 'fail', reason: `unexpected ${describeOutcome(outcome)}` };

  if (/^\s*</.test(outcome.body) || /text\/html/i.test(outcome.headers.get('content-type') ?? '')) {
    return {
      kind: 'fail',
      auth: true,
      reason:
        `answered ${status} with an HTML page instead of a health answer: a login page or a wrong url/host. ` +
        'Check url and host, and pass credentials in token or headers',
    };
  }
  const body = parseJsonBody(outcome.body);
  const notReady = bodySaysNotReady(body);
  if (notReady) return { kind: 'wait', reason: `${status} but ${notReady}` };
  return { kind: 'pass', body };
}

/** 401, 403 and every 3xx are the answer of something in front of the model, not the model. */
export function judgeAuth(outcome: ProbeOutcome & { kind: 'answer' }): Verdict | undefined {
  const { status } = outcome;
  if (status >= 300 && status < 400) {
    const location = outcome.headers.get('location');
    const target = location ? ` to ${redirectTarget(location, outcome.url)}` : '';
    return {
      kind: 'fail',
      auth: true,
      reason:
        `authentication failed: ${outcome.method} ${outcome.url} answered ${status} with a redirect${target}. ` +
        'An auth gateway (Dex, oauth2-proxy, an IAP) sends unauthenticated requests to its login page; ' +
        'redirects are never followed. Pass a bearer token in token, or a session cookie in headers',
    };
  }
  if (status === 401) {
    return {
      kind: 'fail',
      auth: true,
      reason:
        `authentication failed: ${outcome.method} ${outcome.url} answered 401 Unauthorized. ` +
        'Pass a bearer token in token (or the credential header your gateway wants in headers); ' +
        'if one was passed, it is expired, malformed or for another audience',
    };
  }
  if (status === 403) {
    return {
      kind: 'fail',
      auth: true,
      reason:
        `authorization failed: ${outcome.method} ${outcome.url} answered 403 Forbidden. ` +
        'The credential was read but may not reach this model: check the AuthorizationPolicy or RBAC for this identity',
    };
  }
  return undefined;
}

/** Bodies that say "not ready" with a 200: `{"ready": false}`, `{"live": false}`, TF Serving's status document. */
function bodySaysNotReady(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const doc = body as Record<string, unknown>;
  if (doc.ready === false) return 'the body says "ready": false';
  if (doc.live === false) return 'the body says "live": false';
  if (Array.isArray(doc.model_version_status)) {
    const states = doc.model_version_status.map((v) => (v as { state?: unknown }).state);
    if (!states.includes('AVAILABLE')) return `no model version is AVAILABLE (${states.join(', ') || 'none'})`;
  }
  return undefined;
}

function redirectTarget(location: string, base: string): string {
  try {
    return redactUrl(new URL(location, base));
  } catch {
    return redactUrl(location);
  }
}
