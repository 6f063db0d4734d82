import { describe, expect, it } from '@jest/globals';
import { timeoutFactor } from './timeouts.js';

describe('timeoutFactor', () => {
  it('is 1 when MLOPS_TEST_TIMEOUT_FACTOR is unset or empty', () => {
    expect(timeoutFactor({})).toBe(1);
    expect(timeoutFactor({ MLOPS_TEST_TIMEOUT_FACTOR: ' ' })).toBe(1);
  });

  it('reads whole and decimal factors', () => {
    expect(timeoutFactor({ MLOPS_TEST_TIMEOUT_FACTOR: '3' })).toBe(3);
    expect(timeoutFactor({ MLOPS_TEST_TIMEOUT_FACTOR: '2.5' })).toBe(2.5);
  });

  it.each(['0', '-2', 'abc', '2x', 'Infinity', '1e3'])('refuses %j in one line naming the variable', (value) => {
    expect(() => timeoutFactor({ MLOPS_TEST_TIMEOUT_FACTOR: value })).toThrow(
      `MLOPS_TEST_TIMEOUT_FACTOR must be a positive number such as 1, 2 or 2.5; got ${JSON.stringify(value)}`,
    );
  });
});
