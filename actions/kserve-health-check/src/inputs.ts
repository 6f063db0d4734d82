import { readFileSync } from 'node:fs';
import { InputError, maskSecret, type Inputs } from '@mlops-actions/action-kit';
import { Deadline, type HttpClientOptions } from '@mlops-actions/action-kit/http';
import { InvalidValue, formatDuration, parseJson, parseKeyValues } from '@mlops-actions/action-kit/parse';
import { payloadProtocol, type HealthCheckOptions } from '@mlops-actions/kserve';

export interface ActionConfig {
  url: URL;
  client: HttpClientOptions;
  check: HealthCheckOptions;
}

const MODEL_NAME = /^[^\s/?#]+$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Every input, validated up front: a bad one stops the action before any request is sent. */
export function readConfig(inputs: Inputs, mask: (secret: string) => void = maskSecret): ActionConfig {
  const url = inputs.url('url', { required: true });
  const model = inputs.matching('model', MODEL_NAME, 'a model name without spaces, "/", "?" or "#"', {
    required: true,
  })!;
  const protocol = inputs.enum('protocol', ['auto', 'v1', 'v2'] as const, 'auto');
  const token = inputs.secret('token');
  const headers = readHeaders(inputs, mask);
  const host = inputs.matching('host', HOST, 'a host name, optionally with :port (no scheme, no path)') ?? headers.host;
  delete headers.host;

  const timeoutMs = inputs.duration('timeout', '5m', { min: 1000, max: 6 * 3_600_000 });
  const requestTimeoutMs = inputs.duration('request-timeout', '10s', { min: 100, max: 600_000 });
  const notFoundGraceMs = Math.min(inputs.duration('not-found-grace', '60s', { min: 0 }), timeoutMs);

  inputs.exclusive('payload', 'payload-file');
  inputs.exclusive('expected', 'expected-file');
  const payload = readJson(inputs, 'payload');
  const expected = readJson(inputs, 'expected');
  if (payload !== undefined) {
    const name = inputs.string('payload') !== undefined ? 'payload' : 'payload-file';
    try {
      payloadProtocol(payload, protocol);
    } catch (error) {
      if (error instanceof InvalidValue)
        throw new InputError(`Input '${name}' is not a valid request body: expected ${error.expected}`);
      throw error;
    }
  }
  const tolerance = inputs.number('tolerance', { min: 0, default: 1e-6 });
  const modelVersion = inputs.string('model-version');
  const requests = inputs.integer('requests', { min: 0, max: 10_000, default: 0 });
  const concurrency = inputs.integer('concurrency', { min: 1, max: 64, default: 1 });
  const maxP95Ms = inputs.number('max-p95-ms', { min: 0 });
  const maxErrorRate = inputs.number('max-error-rate', { min: 0, max: 1, default: 0 });

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

  // Readiness gets `timeout`; the smoke request and each round of timed requests one request-timeout more.
  const budgetMs = timeoutMs + (1 + Math.ceil(requests / concurrency)) * requestTimeoutMs;
  return {
    url,
    client: {
      deadline: Deadline.after(
        budgetMs,
        `the step's deadline (${formatDuration(budgetMs)}: timeout, then request-timeout for the smoke and each round of timed requests)`,
      ),
      baseUrl: url,
      hostHeader: host,
      auth: token ? { type: 'bearer', token } : undefined,
      headers,
      timeoutMs: requestTimeoutMs,
      tls: { caCert: readCaCert(inputs), insecure: inputs.boolean('insecure-skip-tls-verify', false) },
      userAgent: 'mlops-actions/kserve-health-check',
    },
    check: {
      model,
      protocol,
      modelVersion,
      timeoutMs,
      requestTimeoutMs,
      notFoundGraceMs,
      payload,
      expected,
      tolerance,
      requests,
      concurrency,
      maxP95Ms,
      maxErrorRate,
    },
  };
}

/** `Name: value` lines; each value is masked on its own, since a line mask would miss it alone. */
function readHeaders(inputs: Inputs, mask: (secret: string) => void): Record<string, string> {
  const raw = inputs.secret('headers');
  if (!raw) return {};
  let parsed: Record<string, string>;
  try {
    parsed = parseKeyValues(raw, { separator: ':' });
  } catch (error) {
    if (error instanceof InvalidValue) throw new InputError(`Input 'headers' is invalid: expected ${error.expected}`);
    throw error;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!HEADER_NAME.test(name)) {
      throw new InputError(
        `Input 'headers' has an invalid header name ${JSON.stringify(name)}: expected one "Name: value" a line`,
      );
    }
    // A Host is routing, not a credential: it stays readable in the log.
    if (name.toLowerCase() !== 'host') mask(value);
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** JSON from `name` or from the file in `name-file` (exclusive, checked before). */
function readJson(inputs: Inputs, name: string): unknown {
  const inline = inputs.json(name);
  if (inline !== undefined) return inline;
  const file = inputs.file(`${name}-file`);
  if (file === undefined) return undefined;
  try {
    return parseJson(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof InvalidValue) {
      throw new InputError(`Input '${name}-file' names ${file}, which does not hold ${error.expected}`);
    }
    throw error;
  }
}

/** PEM text, or the path of a PEM file. */
function readCaCert(inputs: Inputs): string | undefined {
  const raw = inputs.string('ca-cert');
  if (raw === undefined) return undefined;
  const pem = raw.includes('-----BEGIN CERTIFICATE-----') ? raw : readFileSync(inputs.file('ca-cert')!, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError("Input 'ca-cert' holds no certificate: expected PEM text or the path of a PEM file");
  }
  return pem;
}
