import type { ActionSpec } from '@mlops-actions/action-kit/inputs';
import { EXIT_CODES } from './exit-codes.js';

/** `mlops-actions <action> --help`, generated from the action's action.yml. */
export function actionHelp(spec: ActionSpec): string {
  const lines = [
    `Usage: mlops-actions ${spec.name} [--input value …] [--config file.yaml] [--json] [--summary file|-]`,
    '',
  ];
  lines.push(wrap(spec.description, ''), '', 'Inputs (also INPUT_<NAME> variables, or keys of --config):');
  for (const [name, input] of Object.entries(spec.inputs)) {
    const flags = [
      input.required ? 'required' : undefined,
      input.default !== undefined ? `default: ${input.default.trim()}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  --${name}${flags ? ` (${flags})` : ''}`, wrap(input.description, '      '));
  }
  lines.push('', 'Outputs (key=value lines on stdout, or one JSON object with --json):');
  for (const [name, output] of Object.entries(spec.outputs))
    lines.push(`  ${name}`, wrap(output.description, '      '));
  lines.push('', exitCodesHelp());
  return `${lines.join('\n')}\n`;
}

export function usage(actions: string[]): string {
  return [
    'Usage: mlops-actions <action> [--input value …] [--config file.yaml] [--json] [--summary file|-] [--debug]',
    '       mlops-actions <action> --help',
    '',
    'Runs an action of mlops-actions outside GitHub Actions: the same inputs as its action.yml.',
    '',
    'Actions:',
    ...actions.map((name) => `  ${name}`),
    '',
    exitCodesHelp(),
    '',
  ].join('\n');
}

function exitCodesHelp(): string {
  return ['Exit codes:', ...Object.entries(EXIT_CODES).map(([code, meaning]) => `  ${code}  ${meaning}`)].join('\n');
}

function wrap(text: string, indent: string): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    if (line.length + word.length > 100 && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}
