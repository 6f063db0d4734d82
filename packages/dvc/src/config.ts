import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DVC's config files (.dvc/config, .dvc/config.local) are configobj INI: `[core]`,
 * `['remote "name"']` sections, `key = value` lines. Sections are keyed by their bare name,
 * e.g. `core` or `remote "storage"`.
 */
export type ConfigSections = Record<string, Record<string, string>>;

export interface RepoConfig {
  /** The committed project config (.dvc/config). */
  project: ConfigSections;
  /** The git-ignored machine config (.dvc/config.local). */
  local: ConfigSections;
  /** project overlaid with local, key by key. */
  merged: ConfigSections;
}

export function parseConfig(text: string): ConfigSections {
  const sections: ConfigSections = {};
  let current: Record<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = unquote(line.slice(1, -1).trim());
      current = sections[name] ??= {};
      continue;
    }
    const at = line.indexOf('=');
    if (at <= 0 || !current) continue;
    current[line.slice(0, at).trim()] = parseValue(line.slice(at + 1).trim());
  }
  return sections;
}

export function serializeConfig(sections: ConfigSections): string {
  const blocks: string[] = [];
  for (const [name, values] of Object.entries(sections)) {
    const header = /^[\w.-]+$/.test(name) ? `[${name}]` : `['${name}']`;
    const lines = Object.entries(values).map(([key, value]) => `    ${key} = ${value}`);
    blocks.push([header, ...lines].join('\n'));
  }
  return blocks.length ? `${blocks.join('\n')}\n` : '';
}

export function remoteSection(name: string): string {
  return `remote "${name}"`;
}

/** Names of the remotes defined in a config, in file order. */
export function remoteNames(sections: ConfigSections): string[] {
  return Object.keys(sections)
    .map((name) => /^remote "(.+)"$/.exec(name)?.[1])
    .filter((name): name is string => name !== undefined);
}

export function readRepoConfig(dvcDir: string): RepoConfig {
  const project = readConfigFile(join(dvcDir, 'config'));
  const local = readConfigFile(join(dvcDir, 'config.local'));
  return { project, local, merged: mergeConfig(project, local) };
}

export function mergeConfig(...layers: ConfigSections[]): ConfigSections {
  const merged: ConfigSections = {};
  for (const layer of layers) {
    for (const [name, values] of Object.entries(layer)) merged[name] = { ...merged[name], ...values };
  }
  return merged;
}

/**
 * Sets keys of one section in .dvc/config.local (never the committed config), keeping every
 * other section and key as it was. Writing the same values twice leaves the file unchanged.
 */
export function updateLocalConfig(dvcDir: string, section: string, values: Record<string, string>): void {
  const path = join(dvcDir, 'config.local');
  const sections = readConfigFile(path);
  sections[section] = { ...sections[section], ...values };
  writeFileSync(path, serializeConfig(sections), { mode: 0o600 });
}

function readConfigFile(path: string): ConfigSections {
  return existsSync(path) ? parseConfig(readFileSync(path, 'utf8')) : {};
}

function unquote(text: string): string {
  const first = text[0];
  if ((first === "'" || first === '"') && text.endsWith(first) && text.length >= 2) return text.slice(1, -1);
  return text;
}

/** A quoted value keeps everything inside the quotes; an unquoted one loses a ` # comment`. */
function parseValue(raw: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(raw);
  if (quoted) return quoted[2]!;
  return raw.replace(/\s+#.*$/, '');
}
