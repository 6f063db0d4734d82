import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from './errors.js';
import {
  InvalidValue,
  isInside,
  parseBoolean,
  parseDirectory,
  parseDuration,
  parseEnum,
  parseHttpUrl,
  parseInteger,
  parseJson,
  parseKeyValues,
  parseList,
  parseMapping,
  parseNumber,
} from './parse.js';

/** Where raw input values come from, and how a secret gets masked. */
export interface InputSource {
  read(name: string): string;
  mask(secret: string): void;
}

/** The runner's convention: INPUT_<NAME>, upper-cased, spaces to underscores, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function envInputSource(env: NodeJS.ProcessEnv, mask: (secret: string) => void): InputSource {
  return { read: (name) => (env[inputEnvName(name)] ?? '').trim(), mask };
}

interface Range {
  min?: number;
  max?: number;
}

/**
 * Typed, validated access to an action's inputs. An empty input counts as not given. Every
 * failure is an InputError naming the input, the value (never for a secret) and the accepted form.
 */
export class Inputs {
  private readonly secrets = new Set<string>();

  constructor(
    private readonly source: InputSource,
    private readonly workspace: string = process.env.GITHUB_WORKSPACE ?? process.cwd(),
  ) {}

  /** Masks the value (each line, for multi-line secrets) before anything else touches it. */
  secret(name: string, options: { required: true }): string;
  secret(name: string, options?: { required?: boolean }): string | undefined;
  secret(name: string, options: { required?: boolean } = {}): string | undefined {
    this.secrets.add(name);
    const value = this.source.read(name);
    if (value) maskEachLine(value, this.source.mask);
    return this.optional(name, value, options.required);
  }

  string(name: string, options: { required: true }): string;
  string(name: string, options?: { required?: boolean; default?: string }): string | undefined;
  string(name: string, options: { required?: boolean; default?: string } = {}): string | undefined {
    return this.optional(name, this.source.read(name), options.required) ?? options.default;
  }

  /** A string that must match `pattern`; `form` says what is accepted. */
  matching(name: string, pattern: RegExp, form: string, options: { required?: boolean } = {}): string | undefined {
    return this.parse(name, options.required, (raw) => {
      if (!pattern.test(raw)) throw new InvalidValue(form);
      return raw;
    });
  }

  boolean(name: string, fallback: boolean): boolean {
    return this.parse(name, false, parseBoolean) ?? fallback;
  }

  integer(name: string, options: Range & { default: number }): number;
  integer(name: string, options?: Range & { required?: boolean }): number | undefined;
  integer(name: string, options: Range & { required?: boolean; default?: number } = {}): number | undefined {
    return this.parse(name, options.required, (raw) => parseInteger(raw, options)) ?? options.default;
  }

  number(name: string, options: Range & { default: number }): number;
  number(name: string, options?: Range & { required?: boolean }): number | undefined;
  number(name: string, options: Range & { required?: boolean; default?: number } = {}): number | undefined {
    return this.parse(name, options.required, (raw) => parseNumber(raw, options)) ?? options.default;
  }

  enum<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    return this.parse(name, false, (raw) => parseEnum(raw, allowed)) ?? fallback;
  }

  /** Milliseconds, from "90s", "10m", "1h30m" (a bare number is seconds). */
  duration(name: string, fallback: string, range: Range = {}): number {
    const ms = this.parse(name, false, parseDuration) ?? parseDuration(fallback);
    if ((range.min !== undefined && ms < range.min) || (range.max !== undefined && ms > range.max)) {
      this.fail(name, `a duration from ${range.min ?? 0}ms to ${range.max ?? 'any'}ms`);
    }
    return ms;
  }

  /** One item a line; with `commas`, commas separate items too. */
  list(name: string, options: { commas?: boolean; required?: boolean } = {}): string[] {
    return this.parse(name, options.required, (raw) => parseList(raw, options)) ?? [];
  }

  keyValues(name: string, options: { separator?: string } = {}): Record<string, string> {
    return this.parse(name, false, (raw) => parseKeyValues(raw, options)) ?? {};
  }

  mapping(name: string, options: { required?: boolean } = {}): Record<string, unknown> | undefined {
    return this.parse(name, options.required, parseMapping);
  }

  json(name: string, options: { required?: boolean } = {}): unknown {
    return this.parse(name, options.required, parseJson);
  }

  url(name: string, options: { required: true }): URL;
  url(name: string, options?: { required?: boolean }): URL | undefined;
  url(name: string, options: { required?: boolean } = {}): URL | undefined {
    return this.parse(name, options.required, parseHttpUrl);
  }

  /** A file that must exist; relative paths are taken from the workspace. Returns it absolute. */
  file(name: string, options: { required?: boolean } = {}): string | undefined {
    return this.parse(name, options.required, (raw) => {
      const path = isAbsolute(raw) ? raw : resolve(this.workspace, raw);
      if (!existsSync(path) || !statSync(path).isFile()) {
        throw new InvalidValue(`the path of an existing file (relative to ${this.workspace})`);
      }
      return path;
    });
  }

  /**
   * A directory that must exist, relative to the workspace, returned with symlinks resolved. It
   * must lie inside the workspace (a step must not write elsewhere on the runner) unless the
   * boolean input named by `allowOutside` is true.
   */
  directory(name: string, fallback = '.', options: { allowOutside?: string } = {}): string {
    const raw = this.source.read(name) || fallback;
    let path: string;
    try {
      path = parseDirectory(raw, this.workspace);
    } catch (error) {
      if (error instanceof InvalidValue) throw this.error(name, raw, error.expected);
      throw error;
    }
    if (isInside(path, this.workspace)) return path;
    if (options.allowOutside && this.boolean(options.allowOutside, false)) return path;
    const allow = options.allowOutside ? `; set ${options.allowOutside}: true to use it anyway` : '';
    throw this.error(
      name,
      raw,
      `a directory inside the workspace ${this.workspace} (this one resolves to ${path})${allow}`,
    );
  }

  /** Fails when more than one of `names` is given. */
  exclusive(...names: string[]): void {
    const given = names.filter((name) => this.source.read(name) !== '');
    if (given.length > 1) {
      throw new InputError(`Inputs ${quoteList(given)} cannot be used together: give only one of them`);
    }
  }

  private parse<T>(name: string, required: boolean | undefined, parser: (raw: string) => T): T | undefined {
    const raw = this.optional(name, this.source.read(name), required);
    if (raw === undefined) return undefined;
    try {
      return parser(raw);
    } catch (error) {
      if (error instanceof InvalidValue) throw this.error(name, raw, error.expected);
      throw error;
    }
  }

  private optional(name: string, raw: string, required: boolean | undefined): string | undefined {
    if (raw !== '') return raw;
    if (required) throw new InputError(`Input '${name}' is required but was not given`);
    return undefined;
  }

  private fail(name: string, expected: string): never {
    throw this.error(name, this.source.read(name), expected);
  }

  private error(name: string, raw: string, expected: string): InputError {
    if (this.secrets.has(name)) return new InputError(`Input '${name}' is invalid: expected ${expected}`);
    return new InputError(`Input '${name}' has invalid value ${JSON.stringify(clip(raw))}: expected ${expected}`);
  }
}

export function maskEachLine(value: string, mask: (secret: string) => void): void {
  mask(value);
  for (const line of value.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== '' && trimmed !== value) mask(trimmed);
  }
}

function clip(raw: string): string {
  return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
}

function quoteList(names: string[]): string {
  return names.map((name) => `'${name}'`).join(' and ');
}
