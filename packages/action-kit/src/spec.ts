import { parse as parseYaml } from 'yaml';

/** What action.yml declares about one input: the single source of its name, description and default. */
export interface InputSpec {
  description: string;
  required?: boolean;
  default?: string;
}

export interface ActionSpec {
  name: string;
  description: string;
  inputs: Record<string, InputSpec>;
  outputs: Record<string, { description: string }>;
}

/** The parts of action.yml that the TypeScript side derives from (names, descriptions, defaults). */
export function parseActionSpec(text: string, name: string): ActionSpec {
  const doc = parseYaml(text) as {
    description?: string;
    inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
    outputs?: Record<string, { description?: string }>;
  };
  const inputs: Record<string, InputSpec> = {};
  for (const [input, spec] of Object.entries(doc.inputs ?? {})) {
    inputs[input] = {
      description: spec.description ?? '',
      ...(spec.required ? { required: true } : {}),
      // A YAML default is text to the runner (INPUT_* variables are strings); '' means none.
      ...(spec.default !== undefined && spec.default !== null && String(spec.default) !== ''
        ? { default: String(spec.default) }
        : {}),
    };
  }
  const outputs: Record<string, { description: string }> = {};
  for (const [output, spec] of Object.entries(doc.outputs ?? {}))
    outputs[output] = { description: spec.description ?? '' };
  return { name, description: doc.description ?? '', inputs, outputs };
}

const EXPRESSION = /^\$\{\{\s*([^}]+?)\s*\}\}$/;

/**
 * A default such as `${{ github.repository }}` is evaluated by the runner on GitHub; elsewhere the
 * run context answers it. Returns undefined when the context has no value for it.
 */
export function resolveDefault(raw: string, lookup: (expression: string) => string | undefined): string | undefined {
  const expression = EXPRESSION.exec(raw.trim())?.[1];
  return expression === undefined ? raw : lookup(expression);
}
