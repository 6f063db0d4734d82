/** Finds and parses every workflow and action.yml the policy covers. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/paths.js';

export interface YamlFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  kind: 'workflow' | 'action';
  text: string;
  doc: Record<string, unknown>;
}

const YAML_FILE = /\.ya?ml$/;

export function loadYaml(path: string, kind: YamlFile['kind']): YamlFile {
  const absolute = join(repoRoot, path);
  const text = readFileSync(absolute, 'utf8');
  const doc = parse(text) as unknown;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${path} is not a YAML mapping`);
  return { path, kind, text, doc: doc as Record<string, unknown> };
}

function yamlFilesIn(dir: string): string[] {
  const absolute = join(repoRoot, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute)
    .filter((name) => YAML_FILE.test(name))
    .sort()
    .map((name) => relative(repoRoot, join(absolute, name)).split('\\').join('/'));
}

const subdirs = (dir: string): string[] =>
  existsSync(join(repoRoot, dir))
    ? readdirSync(join(repoRoot, dir), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${dir}/${entry.name}`)
        .sort()
    : [];

/** Our workflows, the examples' caller workflows, and every action.yml. */
export function policyFiles(): YamlFile[] {
  const workflows = [
    ...yamlFilesIn('.github/workflows'),
    ...subdirs('examples').flatMap((example) => yamlFilesIn(`${example}/.github/workflows`)),
  ];
  const actions = subdirs('actions')
    .map((dir) =>
      ['action.yml', 'action.yaml'].map((name) => `${dir}/${name}`).find((p) => existsSync(join(repoRoot, p))),
    )
    .filter((path): path is string => path !== undefined);
  return [...workflows.map((p) => loadYaml(p, 'workflow')), ...actions.map((p) => loadYaml(p, 'action'))];
}

export const TUTORIAL_FIXTURE = 'test/fixtures/policy/tutorial-pipeline.yml';
