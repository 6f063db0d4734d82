import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A read-only view of a repository at one commit: a local directory, a git commit or a GitHub tree. */
export interface RepoSnapshot {
  /** Every regular file, relative, with `/` separators. */
  paths(): Promise<string[]>;
  read(path: string): Promise<Buffer>;
  /** Many at once, when the source can batch them. */
  readMany?(paths: readonly string[]): Promise<Map<string, Buffer>>;
}

export const DEFAULT_GLOBS = ['**/*.yaml', '**/*.yml'];
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/** A directory on disk (the benchmark's and the dry-run's view). */
export class DirectorySnapshot implements RepoSnapshot {
  constructor(readonly root: string) {}

  async paths(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name))
          await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
        else if (entry.isFile()) found.push(`${prefix}${entry.name}`);
      }
    };
    await walk(this.root, '');
    return found.sort();
  }

  read(path: string): Promise<Buffer> {
    return readFile(join(this.root, path));
  }
}

/**
 * A glob as a RegExp over `/`-separated paths: `**` spans directories (also none), `*` and `?`
 * stay within one, `{a,b}` alternates. A leading `./` is ignored.
 */
export function globToRegExp(glob: string): RegExp {
  const pattern = glob.trim().replace(/^\.\//, '');
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const slashAfter = pattern[i + 2] === '/';
      out += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Paths matched by the globs; a glob starting with `!` excludes. */
export function matchGlobs(paths: readonly string[], globs: readonly string[]): string[] {
  const include = globs.filter((glob) => !glob.startsWith('!')).map(globToRegExp);
  const exclude = globs.filter((glob) => glob.startsWith('!')).map((glob) => globToRegExp(glob.slice(1)));
  return paths.filter((path) => include.some((re) => re.test(path)) && !exclude.some((re) => re.test(path)));
}

/** Reads files with a bounded number in flight (API snapshots pay a round trip each). */
export async function readAll(
  snapshot: RepoSnapshot,
  paths: readonly string[],
  concurrency = 8,
): Promise<Map<string, Buffer>> {
  if (snapshot.readMany) return snapshot.readMany(paths);
  const result = new Map<string, Buffer>();
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      result.set(path, await snapshot.read(path));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return result;
}
