import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { node24, repoRoot } from './paths.js';
import { runOwned } from './service.js';

export const CLI_PACKAGE = join(repoRoot, 'packages', 'cli');
/** The single-file bundle: the `bin` of packages/cli, what `npx` runs. */
export const CLI_BUNDLE = join(
  CLI_PACKAGE,
  (JSON.parse(readFileSync(join(CLI_PACKAGE, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin[
    'mlops-actions'
  ]!,
);

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout's key=value lines (the default output format). */
  outputs: Record<string, string>;
}

/**
 * Runs the bundled CLI (packages/cli/dist, or another copy of the file: `bundle`) as a CI job would:
 * argv, environment, working directory.
 */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; bundle?: string } = {},
): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  // An owned process: a jest timeout (the test's scaled deadline) cannot leave it running.
  const { exit, stdout, stderr } = await runOwned(node24(), [options.bundle ?? CLI_BUNDLE, ...args], {
    cwd: options.cwd ?? repoRoot,
    env,
  });
  const exitCode = typeof exit === 'number' ? exit : null;
  return { exitCode, stdout, stderr, outputs: parseOutputs(stdout) };
}

/** `key=value` lines; a JSON-quoted value (it had a line break) is decoded. */
export function parseOutputs(stdout: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^([a-z0-9-]+)=(.*)$/.exec(line);
    if (!match) continue;
    const [, name, value] = match as unknown as [string, string, string];
    outputs[name] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return outputs;
}
