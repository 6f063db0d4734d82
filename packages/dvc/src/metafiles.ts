import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** One cached output as a `.dvc` file or `dvc.lock` records it. */
export interface Output {
  /** Repository-relative, POSIX separators. */
  path: string;
  /** The md5; a directory's ends in `.dir`. */
  md5: string;
  size: number | null;
  isDir: boolean;
  /** Hashed by DVC 2 (no `hash: md5`): its objects use the legacy remote layout. */
  legacy: boolean;
  /** A per-output `remote:` field; it wins over the push's remote. */
  remote?: string;
  /** The metafile that records it (repository-relative), and the stage name for dvc.lock. */
  metafile: string;
  stage?: string;
}

/** Folders never searched for metafiles. */
const SKIPPED_DIRS = new Set(['.git', '.dvc', 'node_modules', '.venv', 'venv', '__pycache__']);

interface RawOut {
  path?: unknown;
  md5?: unknown;
  size?: unknown;
  hash?: unknown;
  remote?: unknown;
  push?: unknown;
  cache?: unknown;
}

/**
 * Every output DVC would push from this repository: the `outs` of each `.dvc` file and each
 * stage of each `dvc.lock`, without `push: false` or `cache: false` outputs and without imports
 * (DVC does not push imported data).
 */
export function readOutputs(root: string): Output[] {
  const outputs: Output[] = [];
  for (const file of findMetafiles(root)) {
    const rel = toPosix(relative(root, file));
    const dir = posix.dirname(rel);
    const doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    if (rel.endsWith('.dvc')) {
      const deps = Array.isArray(doc.deps) ? (doc.deps as Record<string, unknown>[]) : [];
      if (deps.some((dep) => dep && typeof dep === 'object' && 'repo' in dep)) continue;
      outputs.push(...toOutputs(doc.outs, dir, rel));
    } else {
      const stages = (doc.stages ?? {}) as Record<string, { outs?: unknown }>;
      const definitions = stageDefinitions(join(dirname(file), 'dvc.yaml'));
      for (const [stage, body] of Object.entries(stages)) {
        const definition = definitions[stage.split('@')[0]!];
        const outs = Array.isArray(body?.outs)
          ? (body.outs as RawOut[]).filter((out) => !definition?.notPushed.has(posix.normalize(String(out?.path))))
          : [];
        outputs.push(...toOutputs(outs, posix.join(dir, definition?.wdir ?? '.'), rel, stage));
      }
    }
  }
  return outputs.sort((a, b) => a.path.localeCompare(b.path));
}

function toOutputs(outs: unknown, dir: string, metafile: string, stage?: string): Output[] {
  if (!Array.isArray(outs)) return [];
  const result: Output[] = [];
  for (const out of outs as RawOut[]) {
    if (!out || typeof out.path !== 'string' || typeof out.md5 !== 'string') continue;
    if (out.push === false || out.cache === false) continue;
    result.push({
      path: posix.normalize(posix.join(dir, out.path)).replace(/\/$/, ''),
      md5: out.md5,
      size: typeof out.size === 'number' ? out.size : null,
      isDir: out.md5.endsWith('.dir'),
      legacy: out.hash !== 'md5',
      ...(typeof out.remote === 'string' ? { remote: out.remote } : {}),
      metafile,
      ...(stage ? { stage } : {}),
    });
  }
  return result;
}

interface StageDefinition {
  wdir: string;
  /**
   * Outputs declared `cache: false` or `push: false` (in outs, metrics or plots): dvc.lock does
   * not repeat these flags, and DVC neither caches nor pushes them.
   */
  notPushed: Set<string>;
}

function stageDefinitions(dvcYaml: string): Record<string, StageDefinition> {
  if (!existsSync(dvcYaml)) return {};
  const doc = (parseYaml(readFileSync(dvcYaml, 'utf8')) ?? {}) as { stages?: Record<string, Record<string, unknown>> };
  const definitions: Record<string, StageDefinition> = {};
  for (const [name, stage] of Object.entries(doc.stages ?? {})) {
    const notPushed = new Set<string>();
    for (const field of ['outs', 'metrics', 'plots']) {
      const entries = Array.isArray(stage?.[field]) ? (stage[field] as unknown[]) : [];
      for (const entry of entries) {
        // `- path` or `- path: {cache: false, …}`
        if (!entry || typeof entry !== 'object') continue;
        for (const [path, flags] of Object.entries(entry as Record<string, RawOut | null>)) {
          if (flags?.cache === false || flags?.push === false) notPushed.add(posix.normalize(path));
        }
      }
    }
    definitions[name] = { wdir: typeof stage?.wdir === 'string' ? stage.wdir : '.', notPushed };
  }
  return definitions;
}

function findMetafiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && (entry.name.endsWith('.dvc') || entry.name === 'dvc.lock')) {
        found.push(join(dir, entry.name));
      }
    }
  };
  walk(root);
  return found.sort();
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
