import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function stackDir(): string {
  return process.env.MLOPS_STACK_DIR ?? join(repoRoot, '.stack');
}

/** An executable of one of the stack's virtualenvs (test/stack/requirements/<env>.txt). */
export function venvBin(env: string, executable: string): string {
  const path = join(stackDir(), 'venvs', env, 'bin', executable);
  if (!existsSync(path)) throw new Error(`${path} is missing: run test/stack/setup.sh`);
  return path;
}

export function stackTool(name: string): string {
  const path = join(stackDir(), 'bin', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run test/stack/setup.sh`);
  return path;
}

/** GitHub runs the bundles on Node 24: this one when the current Node is older. */
export function node24(): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const path = join(stackDir(), 'node24', 'node_modules', '.bin', 'node');
  if (!existsSync(path)) throw new Error(`${path} is missing: run test/stack/setup.sh`);
  return path;
}

export function actionDir(action: string): string {
  return join(repoRoot, 'actions', action);
}
