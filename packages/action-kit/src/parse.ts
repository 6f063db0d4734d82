import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Pure value parsers shared by the input reader and by domain packages. Each throws
 * InvalidValue carrying the accepted form; the caller adds which input or field it was.
 */
export class InvalidValue extends Error {
  constructor(readonly expected: string) {
    super(`expected ${expected}`);
    this.name = 'InvalidValue';
  }
}

const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

/** YAML 1.2 core-schema booleans only: "yes", "1" or "on" are refused, not guessed at. */
export function parseBoolean(raw: string): boolean {
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new InvalidValue('true or false');
}

export function parseInteger(raw: string, range: { min?: number; max?: number } = {}): number {
  const form = describeRange('an integer', range);
  if (!/^[+-]?\d+$/.test(raw)) throw new InvalidValue(form);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || outOfRange(value, range)) throw new InvalidValue(form);
  return value;
}

export function parseNumber(raw: string, range: { min?: number; max?: number } = {}): number {
  const form = describeRange('a number', range);
  if (raw.trim() === '') throw new InvalidValue(form);
  const value = Number(raw);
  if (!Number.isFinite(value) || outOfRange(value, range)) throw new InvalidValue(form);
  return value;
}

function outOfRange(value: number, { min, max }: { min?: number; max?: number }): boolean {
  return (min !== undefined && value < min) || (max !== undefined && value > max);
}

function describeRange(what: string, { min, max }: { min?: number; max?: number }): string {
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} of at least ${min}`;
  if (max !== undefined) return `${what} of at most ${max}`;
  return what;
}

export function parseEnum<const T extends string>(raw: string, allowed: readonly T[]): T {
  const found = allowed.find((value) => value === raw);
  if (found === undefined) throw new InvalidValue(`one of ${allowed.join(', ')}`);
  return found;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_FORM = 'a duration like 500ms, 90s, 10m or 1h30m';

/** "90s", "10m", "1h30m", "250ms"; a bare number means seconds. Returns milliseconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(text)) throw new InvalidValue(DURATION_FORM);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(amount) * DURATION_UNITS[unit as string]!;
  }
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest ? `${minutes}m${rest}s` : `${minutes}m`;
}

/** One item a line (blank lines and `#` comments skipped), or also split on commas. */
export function parseList(raw: string, options: { commas?: boolean } = {}): string[] {
  const separator = options.commas ? /[\n,]/ : /\n/;
  return raw
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
}

/** `key=value` items, one a line; the value may itself contain '='. */
export function parseKeyValues(raw: string, options: { separator?: string } = {}): Record<string, string> {
  const separator = options.separator ?? '=';
  const result: Record<string, string> = {};
  for (const line of parseList(raw)) {
    const at = line.indexOf(separator);
    const key = at > 0 ? line.slice(0, at).trim() : '';
    if (key === '') throw new InvalidValue(`one "key${separator}value" a line (got a line without a key)`);
    result[key] = line.slice(at + separator.length).trim();
  }
  return result;
}

/** A JSON or YAML mapping (JSON is YAML, so one parser serves both). */
export function parseMapping(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(raw, { prettyErrors: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InvalidValue(`a JSON or YAML mapping (it does not parse: ${reason})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidValue('a JSON or YAML mapping of keys to values');
  }
  return value as Record<string, unknown>;
}

/** An absolute http(s) URL; credentials inside the URL are refused (use the auth inputs). */
export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidValue('an absolute http:// or https:// URL');
  }
  if (url.username || url.password) {
    throw new InvalidValue('a URL without user:password@ (pass credentials through the token inputs)');
  }
  return url;
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidValue(`valid JSON (${reason})`);
  }
}

/** An existing directory, relative to `base` unless absolute; returned with every symlink resolved. */
export function parseDirectory(raw: string, base: string): string {
  const form = `the path of an existing directory (relative to ${base})`;
  let real: string;
  try {
    real = realpathSync(resolve(base, raw));
  } catch {
    throw new InvalidValue(form);
  }
  if (!statSync(real).isDirectory()) throw new InvalidValue(form);
  return real;
}

/** Whether `path` is `root` or below it, both compared after symlinks, so neither `..` nor a link escapes. */
export function isInside(path: string, root: string): boolean {
  const rel = relative(realOrSame(root), realOrSame(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
