import type { Protocol } from './protocol.js';

/** The first place where the answer differs from the expected one. */
export interface Difference {
  /** JSON-path-like: `predictions[1]`, `outputs["sum"].data[3]`. */
  path: string;
  expected: unknown;
  got: unknown;
  why: string;
}

/**
 * Compares a model's answer with the expected one and returns the first difference, or
 * undefined when they match. V1: `expected` is the `predictions` array, or an object matched as
 * a subset of the whole response. V2: `expected` is the `outputs` array (or `{"outputs": …}`),
 * each output matched by name, with shape and datatype when given; `data` is compared flat
 * (row-major), since KServe also answers with nested arrays. Numbers match within `tolerance`
 * (absolute); the random V2 `id` is never compared.
 */
export function compareAnswer(
  protocol: Protocol,
  expected: unknown,
  response: unknown,
  tolerance: number,
): Difference | undefined {
  return protocol === 'v1' ? compareV1(expected, response, tolerance) : compareV2(expected, response, tolerance);
}

function compareV1(expected: unknown, response: unknown, tolerance: number): Difference | undefined {
  if (Array.isArray(expected)) {
    const predictions = isObject(response) ? response.predictions : undefined;
    if (predictions === undefined) return { path: 'predictions', expected, got: undefined, why: 'missing' };
    return compareValues(expected, predictions, 'predictions', tolerance);
  }
  return compareValues(expected, response, '', tolerance);
}

function compareV2(expected: unknown, response: unknown, tolerance: number): Difference | undefined {
  const expectedOutputs = Array.isArray(expected) ? expected : isObject(expected) ? expected.outputs : undefined;
  if (isObject(expected)) {
    const { outputs: _outputs, id: _id, ...rest } = expected;
    const difference = compareValues(rest, response, '', tolerance);
    if (difference) return difference;
  }
  if (expectedOutputs === undefined) return undefined;
  if (!Array.isArray(expectedOutputs)) {
    return { path: 'outputs', expected: expectedOutputs, got: undefined, why: 'expected outputs must be an array' };
  }
  const gotOutputs = isObject(response) && Array.isArray(response.outputs) ? response.outputs : undefined;
  if (!gotOutputs) return { path: 'outputs', expected: expectedOutputs, got: undefined, why: 'missing' };

  for (const want of expectedOutputs) {
    if (!isObject(want) || typeof want.name !== 'string') {
      return { path: 'outputs', expected: want, got: undefined, why: 'each expected output needs a "name"' };
    }
    const at = `outputs[${JSON.stringify(want.name)}]`;
    const got = gotOutputs.find((output) => isObject(output) && output.name === want.name);
    if (!isObject(got)) {
      const names = gotOutputs.map((output) => (isObject(output) ? String(output.name) : '?'));
      return {
        path: at,
        expected: want,
        got: names,
        why: `no output named ${want.name} (outputs: ${names.join(', ')})`,
      };
    }
    for (const field of ['shape', 'datatype'] as const) {
      if (want[field] === undefined || JSON.stringify(want[field]) === JSON.stringify(got[field])) continue;
      return { path: `${at}.${field}`, expected: want[field], got: got[field], why: `another ${field}` };
    }
    if (want.data !== undefined) {
      const wantData = Array.isArray(want.data) ? want.data.flat(Infinity) : want.data;
      const gotData = Array.isArray(got.data) ? got.data.flat(Infinity) : got.data;
      const difference = compareValues(wantData, gotData, `${at}.data`, tolerance);
      if (difference) return difference;
    }
    const { name: _name, shape: _shape, datatype: _datatype, data: _data, ...rest } = want;
    const difference = compareValues(rest, got, at, tolerance);
    if (difference) return difference;
  }
  return undefined;
}

/** Arrays element by element and of equal length; objects as subsets; numbers within tolerance. */
export function compareValues(
  expected: unknown,
  got: unknown,
  path: string,
  tolerance: number,
): Difference | undefined {
  if (typeof expected === 'number') {
    if (typeof got !== 'number') return { path: path || '$', expected, got, why: 'not a number' };
    if (Number.isNaN(expected) ? Number.isNaN(got) : Math.abs(expected - got) <= tolerance) return undefined;
    return { path: path || '$', expected, got, why: `differs by ${Math.abs(expected - got)} (tolerance ${tolerance})` };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return { path: path || '$', expected, got, why: 'not an array' };
    for (let i = 0; i < Math.min(expected.length, got.length); i++) {
      const difference = compareValues(expected[i], got[i], `${path}[${i}]`, tolerance);
      if (difference) return difference;
    }
    if (expected.length !== got.length) {
      return { path: path || '$', expected, got, why: `length ${got.length}, expected ${expected.length}` };
    }
    return undefined;
  }
  if (isObject(expected)) {
    if (!isObject(got)) return { path: path || '$', expected, got, why: 'not an object' };
    for (const [key, value] of Object.entries(expected)) {
      const member = memberPath(key);
      const child = path || member.startsWith('[') ? `${path}${member}` : key;
      if (!(key in got)) return { path: child, expected: value, got: undefined, why: 'missing' };
      const difference = compareValues(value, got[key], child, tolerance);
      if (difference) return difference;
    }
    return undefined;
  }
  if (expected === got) return undefined;
  return { path: path || '$', expected, got, why: 'differs' };
}

export function describeDifference(difference: Difference): string {
  return `at ${difference.path}: expected ${preview(difference.expected)}, got ${preview(difference.got)} (${difference.why})`;
}

function memberPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
