import type { HttpClientOptions } from '@mlops-actions/action-kit/http';
import { Deadline } from '@mlops-actions/action-kit/http';
import { InputError, InvalidValue, formatDuration, type Inputs } from '@mlops-actions/action-kit/inputs';
import type { HealthCheckOptions } from './health-check.js';
import { payloadProtocol, type ProtocolChoice } from './protocol.js';

/** kserve-health-check's inputs: the endpoint, the HTTP client for it and the checks to run. */
export interface HealthCheckInputs {
  url: URL;
  client: HttpClientOptions;
  check: HealthCheckOptions;
}

const MODEL_NAME = /^[^\s/?#]+$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/;

/** Every input, validated up front: a bad one stops the check before any request is sent. */
export function readHealthCheckInputs(inputs: Inputs): HealthCheckInputs {
  const url = inputs.url('url', { required: true });
  const protocol = inputs.enum('protocol', ['auto', 'v1', 'v2'] as const);
  const token = inputs.secret('token');
  const headers = inputs.headers('headers');
  const host = inputs.matching('host', HOST, 'a host name, optionally with :port (no scheme, no path)') ?? headers.host;
  delete headers.host;
  const check = readChecks(inputs, protocol);

  // Readiness gets `timeout`; the smoke request and each round of timed requests one request-timeout more.
  const rounds = 1 + Math.ceil(check.requests / check.concurrency);
  const budgetMs = check.timeoutMs + rounds * check.requestTimeoutMs;
  const deadline = Deadline.after(
    budgetMs,
    `the step's deadline (${formatDuration(budgetMs)}: timeout, then request-timeout for the smoke and each round of timed requests)`,
  );
  return {
    url,
    client: {
      deadline,
      baseUrl: url,
      hostHeader: host,
      auth: token ? { type: 'bearer', token } : undefined,
      headers,
      timeoutMs: check.requestTimeoutMs,
      tls: inputs.tls(),
      userAgent: 'mlops-actions/kserve-health-check',
    },
    check,
  };
}

function readChecks(inputs: Inputs, protocol: ProtocolChoice): HealthCheckOptions {
  const model = inputs.matching('model', MODEL_NAME, 'a model name without spaces, "/", "?" or "#"', {
    required: true,
  })!;
  const timeoutMs = inputs.duration('timeout', { min: 1000, max: 6 * 3_600_000 });
  const payload = readPayload(inputs, protocol);
  const expected = inputs.jsonOrFile('expected');
  const modelVersion = inputs.string('model-version');
  const requests = inputs.integer('requests', { min: 0, max: 10_000, defaulted: true });
  const maxP95Ms = inputs.number('max-p95-ms', { min: 0 });

  if (expected !== undefined && payload === undefined) {
    throw new InputError("Input 'expected' needs a request to compare with: give payload or payload-file too");
  }
  if (requests > 0 && payload === undefined) {
    throw new InputError("Input 'requests' needs a request body to send: give payload or payload-file too");
  }
  if (maxP95Ms !== undefined && requests === 0) {
    throw new InputError("Input 'max-p95-ms' needs timed requests to measure: set requests above 0");
  }
  if (modelVersion !== undefined && protocol === 'v1') {
    throw new InputError("Input 'model-version' is for the v2 protocol only (model metadata); protocol is v1");
  }
  return {
    model,
    protocol,
    modelVersion,
    timeoutMs,
    requestTimeoutMs: inputs.duration('request-timeout', { min: 100, max: 600_000 }),
    notFoundGraceMs: Math.min(inputs.duration('not-found-grace', { min: 0 }), timeoutMs),
    payload,
    expected,
    tolerance: inputs.number('tolerance', { min: 0, defaulted: true }),
    requests,
    concurrency: inputs.integer('concurrency', { min: 1, max: 64, defaulted: true }),
    maxP95Ms,
    maxErrorRate: inputs.number('max-error-rate', { min: 0, max: 1, defaulted: true }),
  };
}

/** payload or payload-file, which must be a request body of the protocol. */
function readPayload(inputs: Inputs, protocol: ProtocolChoice): unknown {
  const payload = inputs.jsonOrFile('payload');
  if (payload === undefined) return undefined;
  try {
    payloadProtocol(payload, protocol);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    const name = inputs.given('payload') ? 'payload' : 'payload-file';
    throw new InputError(`Input '${name}' is not a valid request body: expected ${error.expected}`);
  }
  return payload;
}
