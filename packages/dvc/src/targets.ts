import { posix } from 'node:path';
import type { Output } from './metafiles.js';

export interface TargetSelection {
  outputs: Output[];
  /** For directory outputs selected through a path inside them: the paths to keep. */
  within: Map<Output, string[]>;
}

export class TargetError extends Error {
  override name = 'TargetError';
}

/**
 * The outputs `dvc push <targets>` would push. A target is a tracked path (a file, a directory,
 * a folder holding outputs, or a path inside a tracked directory), a `.dvc` file, a `dvc.yaml`,
 * or a stage (`name` or `path/dvc.yaml:name`). Paths are relative to the repository root.
 */
export function selectTargets(outputs: readonly Output[], targets: readonly string[]): TargetSelection {
  if (targets.length === 0) return { outputs: [...outputs], within: new Map() };
  const selected = new Set<Output>();
  const within = new Map<Output, string[]>();
  for (const raw of targets) {
    const matched = matchTarget(outputs, raw);
    if (matched.length === 0) {
      throw new TargetError(
        `Target '${raw}' is not tracked by DVC: give a tracked path, a .dvc file, a dvc.yaml or a stage name`,
      );
    }
    for (const { output, inside } of matched) {
      if (inside === undefined) {
        selected.add(output);
        within.delete(output);
      } else if (!selected.has(output) || within.has(output)) {
        selected.add(output);
        within.set(output, [...(within.get(output) ?? []), inside]);
      }
    }
  }
  return { outputs: outputs.filter((output) => selected.has(output)), within };
}

function matchTarget(outputs: readonly Output[], raw: string): { output: Output; inside?: string }[] {
  const [file, stage] = splitStage(raw);
  const target = normalize(file);
  if (stage !== undefined) {
    const lock = posix.join(posix.dirname(target), 'dvc.lock');
    return outputs.filter((o) => o.metafile === lock && o.stage === stage).map((output) => ({ output }));
  }
  if (target.endsWith('.dvc')) return outputs.filter((o) => o.metafile === target).map((output) => ({ output }));
  if (posix.basename(target) === 'dvc.yaml') {
    const lock = posix.join(posix.dirname(target), 'dvc.lock');
    return outputs.filter((o) => o.metafile === lock).map((output) => ({ output }));
  }
  const byPath = outputs.filter((o) => target === '.' || o.path === target || o.path.startsWith(`${target}/`));
  if (byPath.length) return byPath.map((output) => ({ output }));
  const container = outputs.find((o) => o.isDir && target.startsWith(`${o.path}/`));
  if (container) return [{ output: container, inside: target }];
  return outputs.filter((o) => o.metafile === 'dvc.lock' && o.stage === target).map((output) => ({ output }));
}

/** `path/dvc.yaml:stage` → [path/dvc.yaml, stage]; anything else has no stage part. */
function splitStage(raw: string): [string, string | undefined] {
  const at = raw.lastIndexOf(':');
  if (at > 0 && posix.basename(raw.slice(0, at)) === 'dvc.yaml') return [raw.slice(0, at), raw.slice(at + 1)];
  return [raw, undefined];
}

function normalize(path: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/\/+$/, '');
  return normal.startsWith('./') ? normal.slice(2) : normal || '.';
}
