import { describe, expect, it } from '@jest/globals';
import { Inputs, envInputSource, inputEnvName } from '../src/inputs.js';
import { InvalidValue } from '../src/parse.js';

const inputs = (values: Record<string, string>) =>
  new Inputs(
    envInputSource(Object.fromEntries(Object.entries(values).map(([k, v]) => [inputEnvName(k), v])), () => {}),
  );

const even = (raw: string) => {
  if (!/^\d*[02468]$/.test(raw)) throw new InvalidValue('an even number');
  return Number(raw);
};

describe('Inputs.custom', () => {
  it('runs a domain parser and names the input, the value and the accepted form on failure', () => {
    expect(inputs({ n: '42' }).custom('n', even)).toBe(42);
    expect(() => inputs({ n: '7' }).custom('n', even)).toThrow(
      'Input \'n\' has invalid value "7": expected an even number',
    );
  });

  it('is undefined when not given, and required when asked', () => {
    expect(inputs({}).custom('n', even)).toBeUndefined();
    expect(() => inputs({}).custom('n', even, { required: true })).toThrow("Input 'n' is required but was not given");
  });

  it('lets other errors through unchanged', () => {
    expect(() =>
      inputs({ n: 'x' }).custom('n', () => {
        throw new RangeError('boom');
      }),
    ).toThrow(RangeError);
  });
});
