import { describe, expect, it } from '@jest/globals';
import {
  InvalidValue,
  formatDuration,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseHttpUrl,
  parseInteger,
  parseKeyValues,
  parseList,
  parseMapping,
  parseNumber,
} from '../src/parse.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['5', 5000],
  ])('%s is %d ms', (raw, ms) => expect(parseDuration(raw)).toBe(ms));

  it.each(['', 'abc', '10 minutes', '-5s', '1d', 's', '10m5'])('refuses %j', (raw) => {
    expect(() => parseDuration(raw)).toThrow(InvalidValue);
  });

  it('formats back readably', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(600_000)).toBe('10m');
  });
});

describe('parseBoolean', () => {
  it('takes the YAML 1.2 spellings only', () => {
    expect(parseBoolean('true')).toBe(true);
    expect(parseBoolean('FALSE')).toBe(false);
    for (const raw of ['yes', '1', 'on', 'no', '']) expect(() => parseBoolean(raw)).toThrow('expected true or false');
  });
});

describe('numbers', () => {
  it('parses integers within a range', () => {
    expect(parseInteger('42', { min: 0, max: 100 })).toBe(42);
    expect(() => parseInteger('101', { min: 0, max: 100 })).toThrow('expected an integer from 0 to 100');
    expect(() => parseInteger('1.5')).toThrow('expected an integer');
    expect(() => parseInteger('-1', { min: 0 })).toThrow('expected an integer of at least 0');
    expect(() => parseInteger('99999999999999999999')).toThrow(InvalidValue);
  });

  it('parses finite numbers', () => {
    expect(parseNumber('1e-6')).toBe(1e-6);
    expect(() => parseNumber('NaN')).toThrow(InvalidValue);
    expect(() => parseNumber('Infinity')).toThrow(InvalidValue);
    expect(() => parseNumber(' ')).toThrow(InvalidValue);
  });
});

describe('parseEnum', () => {
  it('lists what is accepted', () => {
    expect(parseEnum('v2', ['auto', 'v1', 'v2'])).toBe('v2');
    expect(() => parseEnum('V2', ['auto', 'v1', 'v2'])).toThrow('expected one of auto, v1, v2');
  });
});

describe('lists and mappings', () => {
  it('splits lines, skipping blanks and comments', () => {
    expect(parseList('a\n\n  b  \n# note\nc')).toEqual(['a', 'b', 'c']);
    expect(parseList('a, b\nc', { commas: true })).toEqual(['a', 'b', 'c']);
    expect(parseList('a, b')).toEqual(['a, b']);
  });

  it('reads key=value lines, values may hold "="', () => {
    expect(parseKeyValues('team=ml\nquery=a=b\n')).toEqual({ team: 'ml', query: 'a=b' });
    expect(() => parseKeyValues('=value')).toThrow(InvalidValue);
    expect(() => parseKeyValues('novalue')).toThrow(InvalidValue);
  });

  it('reads JSON and YAML mappings, nothing else', () => {
    expect(parseMapping('{"accuracy": {"threshold": 0.8}}')).toEqual({ accuracy: { threshold: 0.8 } });
    expect(parseMapping('accuracy:\n  threshold: 0.8\n')).toEqual({ accuracy: { threshold: 0.8 } });
    expect(() => parseMapping('[1, 2]')).toThrow('mapping');
    expect(() => parseMapping('just text')).toThrow('mapping');
    expect(() => parseMapping('a: [1,\n')).toThrow('does not parse');
  });
});

describe('parseHttpUrl', () => {
  it('accepts http and https, keeps the path prefix', () => {
    expect(parseHttpUrl('https://mlflow.example.com/prefix').pathname).toBe('/prefix');
  });
  it.each(['ftp://x', 'example.com', 'file:///etc/passwd'])('refuses %s', (raw) => {
    expect(() => parseHttpUrl(raw)).toThrow('http:// or https://');
  });
  it('refuses credentials inside the URL', () => {
    expect(() => parseHttpUrl('https://user:pw@example.com')).toThrow('without user:password@');
  });
});
