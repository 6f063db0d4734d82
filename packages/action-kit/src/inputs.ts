import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { contextExpression, type RunContext } from './context.js';
import { InputError } from './errors.js';
import { Deadline } from './http/deadline.js';
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
  formatDuration,
} from './parse.js';
import { resolveDefault, type ActionSpec } from './spec.js';

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

/** Values from a plain record (CLI flags, a config file, a test), trimmed like the runner's. */
export function recordInputSource(
  values: Record<string, string | undefined>,
  mask: (secret: string) => void,
): InputSource {
  return { read: (name) => (values[name] ?? '').trim(), mask };
}

export interface InputsOptions {
  /** The action's action.yml: every name read must be declared there, and its default applies. */
  spec?: ActionSpec;
  /** Answers `${{ github.* }}` defaults and gives the workspace. */
  context?: RunContext;
  /** Where relative paths start; default the context's workspace, else the current directory. */
  workspace?: string;
}

interface Range {
  min?: number;
  max?: number;
}
/** `required`: must be given; `defaulted`: action.yml has a default, so there always is a value. */
type Presence = { required?: boolean; defaulted?: boolean };
type Present = { required: true } | { defaulted: true };

const PEM = '-----BEGIN CERTIFICATE-----';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Typed, validated access to an action's inputs. An empty input counts as not given, and then the
 * default of action.yml applies (the runner does the same on GitHub). Every failure is an
 * InputError naming the input, the value (never for a secret) and the accepted form.
 */
export class Inputs {
  private readonly secrets = new Set<string>();
  private readonly workspace: string;

  constructor(
    private readonly source: InputSource,
    private readonly options: InputsOptions = {},
  ) {
    this.workspace = options.workspace ?? options.context?.workspace ?? process.cwd();
  }

  /** Masks the value (each line, for multi-line secrets) before anything else touches it. */
  secret(name: string, options: Present): string;
  secret(name: string, options?: Presence): string | undefined;
  secret(name: string, options: Presence = {}): string | undefined {
    this.secrets.add(name);
    const value = this.read(name);
    if (value) maskEachLine(value, this.source.mask);
    return this.present(name, this.optional(name, value, options.required), options);
  }

  string(name: string, options: Present): string;
  string(name: string, options?: Presence): string | undefined;
  string(name: string, options: Presence = {}): string | undefined {
    return this.present(name, this.optional(name, this.read(name), options.required), options);
  }

  /** A string that must match `pattern`; `form` says what is accepted. */
  matching(name: string, pattern: RegExp, form: string, options: Present): string;
  matching(name: string, pattern: RegExp, form: string, options?: Presence): string | undefined;
  matching(name: string, pattern: RegExp, form: string, options: Presence = {}): string | undefined {
    return this.parsed(
      name,
      (raw) => {
        if (!pattern.test(raw)) throw new InvalidValue(form);
        return raw;
      },
      options,
    );
  }

  /** Read with any parser that throws InvalidValue (an image reference, a model URI…). */
  parsed<T>(name: string, parser: (raw: string) => T, options: Present): T;
  parsed<T>(name: string, parser: (raw: string) => T, options?: Presence): T | undefined;
  parsed<T>(name: string, parser: (raw: string) => T, options: Presence = {}): T | undefined {
    const raw = this.optional(name, this.read(name), options.required);
    if (raw === undefined) return this.present(name, undefined, options);
    try {
      return parser(raw);
    } catch (error) {
      if (error instanceof InvalidValue) throw this.error(name, raw, error.expected);
      throw error;
    }
  }

  boolean(name: string): boolean {
    return this.parsed(name, parseBoolean, { defaulted: true });
  }

  integer(name: string, options: Range & Present): number;
  integer(name: string, options?: Range & Presence): number | undefined;
  integer(name: string, options: Range & Presence = {}): number | undefined {
    return this.parsed(name, (raw) => parseInteger(raw, options), options);
  }

  number(name: string, options: Range & Present): number;
  number(name: string, options?: Range & Presence): number | undefined;
  number(name: string, options: Range & Presence = {}): number | undefined {
    return this.parsed(name, (raw) => parseNumber(raw, options), options);
  }

  enum<const T extends string>(name: string, allowed: readonly T[]): T {
    return this.parsed(name, (raw) => parseEnum(raw, allowed), { defaulted: true });
  }

  /** Milliseconds, from "90s", "10m", "1h30m" (a bare number is seconds). */
  duration(name: string, range: Range = {}): number {
    return this.parsed(
      name,
      (raw) => {
        const ms = parseDuration(raw);
        if ((range.min !== undefined && ms < range.min) || (range.max !== undefined && ms > range.max)) {
          throw new InvalidValue(`a duration from ${range.min ?? 0}ms to ${range.max ?? 'any'}ms`);
        }
        return ms;
      },
      { defaulted: true },
    );
  }

  /** The step's deadline: the duration input `name` (e.g. timeout), counted from now. */
  deadline(name: string, range: Range = {}): Deadline {
    const ms = this.duration(name, range);
    return Deadline.after(ms, `the step's ${name} (${formatDuration(ms)})`);
  }

  /** One item a line (globs, targets, aliases); with `commas`, commas separate items too. */
  list(name: string, options: { commas?: boolean; required?: boolean } = {}): string[] {
    return this.parsed(name, (raw) => parseList(raw, options), options) ?? [];
  }

  /** A list whose every item goes through `parser` (which throws InvalidValue); the error quotes the bad item. */
  listOf<T>(name: string, parser: (item: string) => T, options: { commas?: boolean } = {}): T[] {
    return this.list(name, options).map((item) => {
      try {
        return parser(item);
      } catch (error) {
        if (!(error instanceof InvalidValue)) throw error;
        const shown = this.secrets.has(name) ? '' : ` ${JSON.stringify(clip(item))}`;
        throw new InputError(`Input '${name}' has invalid item${shown}: expected ${error.expected}`);
      }
    });
  }

  /** A path relative to the repository root that stays inside it (a manifest, a values file). */
  relativePath(name: string): string | undefined {
    return this.parsed(name, (raw) => {
      const path = raw.replace(/\\/g, '/').replace(/^\.\//, '');
      if (path.startsWith('/') || path.split('/').includes('..'))
        throw new InvalidValue('a path relative to the repository root');
      return path;
    });
  }

  keyValues(name: string, options: { separator?: string } = {}): Record<string, string> {
    return this.parsed(name, (raw) => parseKeyValues(raw, options)) ?? {};
  }

  /**
   * `Name: value` request headers, one a line, names lower-cased. The whole input is a secret and
   * each value is masked on its own (a line mask would miss a value printed alone); a Host is
   * routing, not a credential, and stays readable.
   */
  headers(name: string): Record<string, string> {
    const raw = this.secret(name);
    if (!raw) return {};
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(
      this.parsed(name, (text) => parseKeyValues(text, { separator: ':' }))!,
    )) {
      if (!HEADER_NAME.test(header)) {
        throw new InputError(
          `Input '${name}' has an invalid header name ${JSON.stringify(header)}: expected one "Name: value" a line`,
        );
      }
      if (header.toLowerCase() !== 'host' && value) this.source.mask(value);
      headers[header.toLowerCase()] = value;
    }
    return headers;
  }

  mapping(name: string, options: Present): Record<string, unknown>;
  mapping(name: string, options?: Presence): Record<string, unknown> | undefined;
  mapping(name: string, options: Presence = {}): Record<string, unknown> | undefined {
    return this.parsed(name, parseMapping, options);
  }

  json(name: string, options: Presence = {}): unknown {
    return this.parsed(name, parseJson, options);
  }

  url(name: string, options: Present): URL;
  url(name: string, options?: Presence): URL | undefined;
  url(name: string, options: Presence = {}): URL | undefined {
    return this.parsed(name, parseHttpUrl, options);
  }

  /** A file that must exist; relative paths are taken from the workspace. Returns it absolute. */
  file(name: string, options: Presence = {}): string | undefined {
    return this.parsed(name, (raw) => this.existingFile(raw), options);
  }

  /** JSON from `name`, or from the file named by `name-file` (give one of the two). */
  jsonOrFile(name: string): unknown {
    this.exclusive(name, `${name}-file`);
    const inline = this.json(name);
    if (inline !== undefined) return inline;
    return this.parsed(`${name}-file`, (raw) => {
      const path = this.existingFile(raw);
      try {
        return parseJson(readFileSync(path, 'utf8'));
      } catch (error) {
        if (error instanceof InvalidValue) throw new InvalidValue(`a file holding ${error.expected}`);
        throw error;
      }
    });
  }

  /** A CA bundle: PEM text, or the path of a PEM file (relative to the workspace). Returns the PEM. */
  caCert(name: string): string | undefined {
    return this.parsed(name, (raw) => {
      const pem = raw.includes(PEM)
        ? raw
        : readFileSync(this.existingFile(raw, 'PEM text or the path of an existing PEM file'), 'utf8');
      if (!pem.includes(PEM)) throw new InvalidValue('PEM text or the path of a PEM file (no certificate found in it)');
      return pem;
    });
  }

  /** The server's TLS trust: ca-cert (PEM text or file) and insecure-skip-tls-verify. */
  tls(): { caCert?: string; insecure: boolean } {
    return { caCert: this.caCert('ca-cert'), insecure: this.boolean('insecure-skip-tls-verify') };
  }

  /**
   * A directory that must exist, relative to the workspace, returned with symlinks resolved. It
   * must lie inside the workspace (a step must not write elsewhere on the runner) unless the
   * boolean input named by `allowOutside` is true.
   */
  directory(name: string, options: { allowOutside?: string } = {}): string {
    const path = this.parsed(name, (raw) => parseDirectory(raw, this.workspace), { defaulted: true });
    if (isInside(path, this.workspace)) return path;
    if (options.allowOutside && this.boolean(options.allowOutside)) return path;
    const allow = options.allowOutside ? `; set ${options.allowOutside}: true to use it anyway` : '';
    throw this.error(
      name,
      this.read(name),
      `a directory inside the workspace ${this.workspace} (this one resolves to ${path})${allow}`,
    );
  }

  /** Fails when more than one of `names` is given. */
  exclusive(...names: string[]): void {
    const given = names.filter((name) => this.read(name) !== '');
    if (given.length > 1) {
      throw new InputError(`Inputs ${quoteList(given)} cannot be used together: give only one of them`);
    }
  }

  /** Whether a value came from the source. On GitHub the runner passes defaults as values: use it only for inputs without one. */
  given(name: string): boolean {
    this.declared(name);
    return this.source.read(name) !== '';
  }

  private read(name: string): string {
    const declared = this.declared(name);
    const given = this.source.read(name);
    if (given !== '' || declared?.default === undefined) return given;
    const { context } = this.options;
    return resolveDefault(declared.default, (expression) => context && contextExpression(context, expression)) ?? '';
  }

  private declared(name: string) {
    const { spec } = this.options;
    if (!spec) return undefined;
    const declared = spec.inputs[name];
    if (!declared) throw new Error(`Input '${name}' is not declared in the action.yml of ${spec.name}`);
    return declared;
  }

  private existingFile(raw: string, expected = `the path of an existing file (relative to ${this.workspace})`): string {
    const path = isAbsolute(raw) ? raw : resolve(this.workspace, raw);
    if (!existsSync(path) || !statSync(path).isFile()) throw new InvalidValue(expected);
    return path;
  }

  private present<T>(name: string, value: T | undefined, options: Presence): T | undefined {
    if (value === undefined && options.defaulted) {
      // A programming error, not a user's: the code relies on a default action.yml does not state.
      throw new Error(
        `Input '${name}' has no default in action.yml${this.options.spec ? '' : ' (no action.yml given)'}`,
      );
    }
    return value;
  }

  private optional(name: string, raw: string, required: boolean | undefined): string | undefined {
    if (raw !== '') return raw;
    if (required) throw new InputError(`Input '${name}' is required but was not given`);
    return undefined;
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
