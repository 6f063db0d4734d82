/**
 * Cross-file contracts that actionlint cannot check for us: the inputs and outputs of our own
 * actions referenced as `$/actions/<name>` (actionlint does not parse `$/` yet), and the inputs,
 * secrets and outputs of our reusable workflows as their callers use them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { loadYaml, type YamlFile } from './load.js';
import { asDict, jobsOf, strings, triggersOf, type Dict } from './rules.js';

export interface ContractProblem {
  file: string;
  where: string;
  message: string;
}

/** `$/actions/<name>`, `./actions/<name>`, and a GHES variant's `./.mlops-actions/actions/<name>`. */
const OWN_ACTION = /^(?:\$|\.|\.\/\.mlops-actions)\/actions\/([a-z0-9-]+)\/?$/;
const OWN_WORKFLOW = /^(?:your-org\/mlops-actions\/|\$\/|\.\/)\.github\/workflows\/([A-Za-z0-9._-]+\.ya?ml)(?:@.*)?$/;

/** Required means required: true without a default (GitHub then insists on a value). */
const requiredNames = (declared: Dict): string[] =>
  Object.entries(declared)
    .filter(([, spec]) => asDict(spec).required === true && asDict(spec).default === undefined)
    .map(([name]) => name);

function referencedOutputs(texts: string[], prefix: string): string[] {
  const pattern = new RegExp(`\\b${prefix.replace(/[.$]/g, '\\$&')}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g');
  return [...new Set(texts.flatMap((text) => [...text.matchAll(pattern)].map((match) => match[1]!)))];
}

function ownActionPath(name: string): string | undefined {
  return ['action.yml', 'action.yaml']
    .map((file) => `actions/${name}/${file}`)
    .find((p) => existsSync(join(repoRoot, p)));
}

const readOwnAction = (name: string): Dict | undefined => {
  const path = ownActionPath(name);
  return path ? loadYaml(path, 'action').doc : undefined;
};

/** Problems, plus the referenced actions whose action.yml is not in this tree (nothing to check against). */
export function ownActionProblems(
  file: YamlFile,
  actionSpec: (name: string) => Dict | undefined = readOwnAction,
): { problems: ContractProblem[]; absent: string[] } {
  const problems: ContractProblem[] = [];
  const absent = new Set<string>();
  const jobTexts = strings(file.doc.jobs).concat(strings(asDict(triggersOf(file).workflow_call).outputs));
  for (const { steps } of jobsOf(file)) {
    for (const { where, step } of steps) {
      const name = OWN_ACTION.exec(typeof step.uses === 'string' ? step.uses : '')?.[1];
      if (!name) continue;
      const spec = actionSpec(name);
      if (!spec) {
        absent.add(name);
        continue;
      }
      const inputs = asDict(spec.inputs);
      const given = Object.keys(asDict(step.with));
      for (const key of given)
        if (!(key in inputs))
          problems.push({ file: file.path, where: `${where}.with.${key}`, message: `${name} has no input ${key}` });
      for (const key of requiredNames(inputs))
        if (!given.includes(key))
          problems.push({
            file: file.path,
            where: `${where}.with`,
            message: `${name} needs its required input ${key}`,
          });
      if (typeof step.id === 'string') {
        const outputs = asDict(spec.outputs);
        for (const output of referencedOutputs(jobTexts, `steps.${step.id}`))
          if (!(output in outputs))
            problems.push({
              file: file.path,
              where,
              message: `steps.${step.id}.outputs.${output}: ${name} has no such output`,
            });
      }
    }
  }
  return { problems, absent: [...absent] };
}

/** Callers of our reusable workflows pass only declared inputs and secrets, and every required one. */
export function callerProblems(file: YamlFile): ContractProblem[] {
  const problems: ContractProblem[] = [];
  const texts = strings(file.doc.jobs).concat(strings(asDict(triggersOf(file).workflow_call).outputs));
  for (const { id, where, job } of jobsOf(file)) {
    const name = OWN_WORKFLOW.exec(typeof job.uses === 'string' ? job.uses : '')?.[1];
    if (!name) continue;
    const path = `.github/workflows/${name}`;
    if (!existsSync(join(repoRoot, path))) {
      problems.push({ file: file.path, where: `${where}.uses`, message: `${path} does not exist` });
      continue;
    }
    const call = asDict(triggersOf(loadYaml(path, 'workflow')).workflow_call);
    const report = (at: string, message: string) =>
      problems.push({ file: file.path, where: `${where}.${at}`, message });
    const inputs = asDict(call.inputs);
    const givenInputs = Object.keys(asDict(job.with));
    for (const key of givenInputs) if (!(key in inputs)) report(`with.${key}`, `${name} has no input ${key}`);
    for (const key of requiredNames(inputs))
      if (!givenInputs.includes(key)) report('with', `${name} needs input ${key}`);
    const secrets = asDict(call.secrets);
    const givenSecrets = Object.keys(asDict(job.secrets));
    for (const key of givenSecrets)
      if (!(key in secrets)) report(`secrets.${key}`, `${name} declares no secret ${key}`);
    for (const key of requiredNames(secrets))
      if (!givenSecrets.includes(key)) report('secrets', `${name} needs secret ${key}`);
    const outputs = asDict(call.outputs);
    for (const output of referencedOutputs(texts, `needs.${id}`))
      if (!(output in outputs)) report('', `needs.${id}.outputs.${output}: ${name} has no such output`);
  }
  return problems;
}
