import { readFileSync } from 'node:fs';
import { InputError, inputEnvName, type ActionSpec } from '@mlops-actions/action-kit/inputs';
import { parse as parseYaml } from 'yaml';

/** The CLI's own flags; no action input may be named like one (checked by a test). */
export const CLI_FLAGS = ['config', 'json', 'summary', 'help', 'debug'] as const;

export interface Invocation {
  /** Input values: flags over INPUT_* variables over the config file (action.yml defaults apply after). */
  values: Record<string, string>;
  json: boolean;
  /** Where the summary goes: a file (appended), '-' for stdout, or nowhere. */
  summary?: string;
  help: boolean;
  debug: boolean;
}

/**
 * `--name value` or `--name=value` for each input of action.yml (a boolean input may stand
 * alone: `--dry-run`), plus --config FILE, --json, --summary FILE|-, --debug and --help.
 */
export function parseInvocation(spec: ActionSpec, argv: string[], env: NodeJS.ProcessEnv): Invocation {
  const flags: Record<string, string> = {};
  const invocation = { json: false, help: false, debug: false, summary: undefined as string | undefined };
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z0-9-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new UsageError(`Unexpected argument ${JSON.stringify(arg)}: inputs are given as --name value`);
    const [, name, inline] = match as unknown as [string, string, string | undefined];
    if (name === 'json' || name === 'help' || name === 'debug') {
      invocation[name] = true;
      continue;
    }
    const standalone = inline === undefined && (i + 1 >= argv.length || argv[i + 1]!.startsWith('--'));
    if (name !== 'config' && name !== 'summary' && !spec.inputs[name]) {
      throw new UsageError(`Unknown input --${name} for ${spec.name}: see mlops-actions ${spec.name} --help`);
    }
    if (standalone && !isBoolean(spec, name)) throw new UsageError(`--${name} needs a value`);
    const value = inline ?? (standalone ? 'true' : argv[++i]!);
    if (name === 'config') config = value;
    else if (name === 'summary') invocation.summary = value;
    else flags[name] = value;
  }
  const values: Record<string, string> = config ? readConfigFile(spec, config) : {};
  for (const name of Object.keys(spec.inputs)) {
    const fromEnv = env[inputEnvName(name)];
    if (fromEnv !== undefined && fromEnv !== '') values[name] = fromEnv;
  }
  return { ...invocation, values: { ...values, ...flags } };
}

/** A YAML mapping of input names to values; lists become one item a line. */
export function readConfigFile(spec: ActionSpec, path: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`--config ${path} cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(`--config ${path} must hold a mapping of input names to values`);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(doc)) {
    if (!spec.inputs[name])
      throw new InputError(`--config ${path} names ${JSON.stringify(name)}, which is not an input of ${spec.name}`);
    if (value === null || value === undefined) continue;
    values[name] = Array.isArray(value)
      ? value.map(String).join('\n')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return values;
}

/** Not an input problem but a malformed command line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function isBoolean(spec: ActionSpec, name: string): boolean {
  const fallback = spec.inputs[name]?.default;
  return fallback === 'true' || fallback === 'false';
}
