// An in-repo fake of the GitHub REST and GraphQL APIs that GitOps writers use, backed by real bare
// git repositories so commits made through it can be inspected with git. It follows GitHub's
// documented contracts: createCommitOnBranch with expectedHeadOid (STALE_DATA on a mismatch, the
// branch must exist, commits signed as the token owner), the Git Data REST endpoints (refs,
// commits, recursive trees, base64 blobs), commits listing and pull requests, tags (lightweight and
// annotated, fast-forward-only updates unless forced), compare and releases, 401 on bad credentials,
// 422 "Validation Failed" bodies, and a GHES-style /api/v3 prefix.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeRepo {
  /** Path of a bare repository. */
  bare: string;
  defaultBranch?: string;
}

export interface Fault {
  method: string;
  path: RegExp;
  /**
   * drop-after-apply: the request takes effect, then the connection is destroyed (an unknown
   * outcome for the client); drop: destroyed without effect; or a status with a JSON body.
   */
  kind: 'drop-after-apply' | 'drop' | { status: number; body: unknown };
  /** Only GraphQL requests of this operation (createCommitOnBranch, or a query's name). */
  operation?: string;
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorized: boolean;
  /** For GraphQL: the operation name. */
  operation?: string;
}

export interface FakeRelease {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  make_latest: string;
  html_url: string;
}

interface Pull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
}

const DOCS = 'https://docs.github.com/rest';
const BOT = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const notFound = () => new HttpFailure(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
const unprocessable = (message: string, errors?: unknown[]) =>
  new HttpFailure(422, { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: '422' });

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly pulls = new Map<string, Pull[]>();
  /** Releases per repository (`owner/name`), in creation order. */
  readonly releases = new Map<string, FakeRelease[]>();
  private readonly faults: Fault[] = [];
  private server?: Server;
  private port = 0;
  /** Recursive tree listings longer than this come back with truncated: true. */
  treeLimit = 100_000;
  /** Blob.text is cut after this many bytes (isTruncated: true). */
  blobTextLimit = 512 * 1024;
  /** The web root its html_url and commit URLs point at (a GHES instance's https://<host>). */
  webUrl = 'https://github.com';

  constructor(
    private readonly token: string,
    private readonly repos: Record<string, FakeRepo>,
  ) {}

  static async start(token: string, repos: Record<string, FakeRepo>): Promise<FakeGitHub> {
    const fake = new FakeGitHub(token, repos);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as { port: number }).port;
    return fake;
  }

  /** The REST root, GHES-style (`/api/v3`), so clients must derive `/api/graphql` themselves. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v3`;
  }

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const authorized =
      req.headers.authorization === `Bearer ${this.token}` || req.headers.authorization === `token ${this.token}`;
    const json = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const operation = path === '/graphql' ? graphqlOperation(String(json.query ?? '')) : undefined;
    const record: RecordedRequest = { method, path: url.pathname + url.search, authorized, operation };
    this.requests.push(record);

    const fault = this.faults.find(
      (f) =>
        f.method === method &&
        f.path.test(path) &&
        (f.operation === undefined || f.operation === operation) &&
        (f.times ?? 1) > 0,
    );
    if (fault) fault.times = (fault.times ?? 1) - 1;
    if (fault?.kind === 'drop') return void req.socket.destroy();
    if (fault && typeof fault.kind === 'object') return send(res, fault.kind.status, fault.kind.body);

    let status = 200;
    let body: unknown;
    try {
      if (!authorized)
        throw new HttpFailure(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      if (method === 'POST' && path === '/graphql') {
        body = this.graphql(json);
      } else {
        [status, body] = this.rest(method, path, url.searchParams, json);
      }
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      [status, body] = [error.status, error.body];
    }
    if (fault?.kind === 'drop-after-apply') return void req.socket.destroy();
    send(res, status, body);
  }

  private repo(owner: string, name: string): FakeRepo & { fullName: string } {
    const fullName = `${owner}/${name}`;
    const repo = this.repos[fullName];
    if (!repo) throw notFound();
    return { ...repo, fullName };
  }

  private rest(method: string, path: string, query: URLSearchParams, json: Record<string, unknown>): [number, unknown] {
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) throw notFound();
    const repo = this.repo(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!));
    const rest = match[3] ?? '';
    const git = (...args: string[]) => runGit(repo.bare, args);
    const web = `${this.webUrl}/${repo.fullName}`;
    let m: RegExpExecArray | null;

    if (method === 'GET' && rest === '') {
      return [200, { full_name: repo.fullName, default_branch: repo.defaultBranch ?? 'main', html_url: web }];
    }
    if (method === 'GET' && (m = /^\/git\/ref\/((?:heads|tags)\/.+)$/.exec(rest))) {
      const ref = `refs/${decodeURIComponent(m[1]!)}`;
      const object = refObject(repo.bare, ref);
      if (!object) throw notFound();
      return [200, { ref, object }];
    }
    if (method === 'GET' && (m = /^\/git\/matching-refs\/((?:heads|tags)\/.*)$/.exec(rest))) {
      const prefix = `refs/${decodeURIComponent(m[1]!)}`;
      // GitHub matches any prefix ("tags/v1." finds v1.2.0), for-each-ref whole path components only.
      const refs = git('for-each-ref', '--format=%(refname)', `refs/${m[1]!.split('/')[0]}`)
        .split('\n')
        .filter((ref) => ref && ref.startsWith(prefix));
      return [200, refs.map((ref) => ({ ref, object: refObject(repo.bare, ref) }))];
    }
    if (method === 'GET' && (m = /^\/git\/tags\/([0-9a-f]{40})$/.exec(rest))) {
      if (objectType(repo.bare, m[1]!) !== 'tag') throw notFound();
      const target = git('rev-parse', `${m[1]}^{}`).trim();
      const tag = git('cat-file', '-p', m[1]!).match(/^tag (.+)$/m)?.[1];
      return [200, { sha: m[1], tag, object: { sha: target, type: objectType(repo.bare, target) } }];
    }
    if (method === 'GET' && (m = /^\/compare\/(.+?)\.\.\.(.+)$/.exec(rest))) {
      const [base, head] = [m[1]!, m[2]!].map(
        (r) => resolveRef(repo.bare, r) ?? (objectType(repo.bare, r) === 'commit' ? r : undefined),
      );
      if (!base || !head) throw notFound();
      const count = (range: string) => Number(git('rev-list', '--count', range).trim());
      const [ahead, behind] = [count(`${base}..${head}`), count(`${head}..${base}`)];
      const status = ahead && behind ? 'diverged' : ahead ? 'ahead' : behind ? 'behind' : 'identical';
      const mergeBase = git('merge-base', base, head).trim();
      return [200, { status, ahead_by: ahead, behind_by: behind, merge_base_commit: { sha: mergeBase } }];
    }
    if (method === 'GET' && (m = /^\/releases\/tags\/(.+)$/.exec(rest))) {
      const tag = decodeURIComponent(m[1]!);
      const release = (this.releases.get(repo.fullName) ?? []).find((r) => r.tag_name === tag);
      if (!release) throw notFound();
      return [200, release];
    }
    if (method === 'POST' && rest === '/releases') {
      const tag = String(json.tag_name ?? '');
      const releases = this.releases.get(repo.fullName) ?? [];
      if (!tag)
        throw unprocessable('Validation Failed', [{ resource: 'Release', code: 'missing_field', field: 'tag_name' }]);
      if (releases.some((r) => r.tag_name === tag))
        throw unprocessable('Validation Failed', [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
      // Without the tag, GitHub creates it at target_commitish (default: the default branch).
      if (!resolveRef(repo.bare, `refs/tags/${tag}`)) {
        const target = String(json.target_commitish ?? repo.defaultBranch ?? 'main');
        const sha =
          resolveRef(repo.bare, `refs/heads/${target}`) ??
          (objectType(repo.bare, target) === 'commit' ? target : undefined);
        if (!sha)
          throw unprocessable('Validation Failed', [
            { resource: 'Release', code: 'invalid', field: 'target_commitish' },
          ]);
        git('update-ref', `refs/tags/${tag}`, sha, '0'.repeat(40));
      }
      const release: FakeRelease = {
        id: releases.length + 1,
        tag_name: tag,
        target_commitish: String(json.target_commitish ?? repo.defaultBranch ?? 'main'),
        name: typeof json.name === 'string' ? json.name : null,
        body: typeof json.body === 'string' ? json.body : null,
        draft: json.draft === true,
        prerelease: json.prerelease === true,
        make_latest: String(json.make_latest ?? 'true'),
        html_url: `${web}/releases/tag/${encodeURIComponent(tag)}`,
      };
      this.releases.set(repo.fullName, [...releases, release]);
      return [201, release];
    }
    if (method === 'GET' && (m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(rest))) {
      if (objectType(repo.bare, m[1]!) !== 'commit') throw notFound();
      const [tree, parents, message] = git('show', '-s', '--format=%T%x00%P%x00%B', m[1]!).split('\0');
      return [
        200,
        {
          sha: m[1],
          tree: { sha: tree },
          parents: parents!
            .split(' ')
            .filter(Boolean)
            .map((sha) => ({ sha })),
          message,
        },
      ];
    }
    if (method === 'GET' && (m = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest))) {
      const type = objectType(repo.bare, m[1]!);
      if (type !== 'tree' && type !== 'commit') throw notFound();
      const args = query.get('recursive') ? ['ls-tree', '-r', '-t', '-l', '-z', m[1]!] : ['ls-tree', '-l', '-z', m[1]!];
      const tree = git(...args)
        .split('\0')
        .filter(Boolean)
        .map((line) => {
          const [meta, path] = line.split('\t') as [string, string];
          const [mode, type, sha, size] = meta.split(/\s+/) as [string, string, string, string];
          return { path, mode, type, sha, ...(type === 'blob' ? { size: Number(size) } : {}) };
        });
      const truncated = tree.length > this.treeLimit;
      const treeSha = type === 'commit' ? git('rev-parse', `${m[1]}^{tree}`).trim() : m[1];
      return [200, { sha: treeSha, tree: truncated ? tree.slice(0, this.treeLimit) : tree, truncated }];
    }
    if (method === 'GET' && (m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
      if (objectType(repo.bare, m[1]!) !== 'blob') throw notFound();
      const bytes = execFileSync('git', ['cat-file', 'blob', m[1]!], { cwd: repo.bare });
      // GitHub wraps base64 content at 60 characters.
      const content = bytes.toString('base64').replace(/.{60}/g, '$&\n');
      return [200, { sha: m[1], size: bytes.length, encoding: 'base64', content }];
    }
    if (method === 'GET' && (m = /^\/compare\/([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/.exec(rest))) {
      const [base, head] = [m[1]!, m[2]!];
      if (objectType(repo.bare, base) !== 'commit' || objectType(repo.bare, head) !== 'commit') throw notFound();
      const [behindBy, aheadBy] = git('rev-list', '--left-right', '--count', `${base}...${head}`)
        .split(/\s+/)
        .map(Number);
      const status =
        aheadBy === 0 && behindBy === 0
          ? 'identical'
          : behindBy === 0
            ? 'ahead'
            : aheadBy === 0
              ? 'behind'
              : 'diverged';
      return [200, { status, ahead_by: aheadBy, behind_by: behindBy, total_commits: aheadBy, commits: [], files: [] }];
    }
    if (method === 'GET' && rest === '/commits') {
      const ref = query.get('sha') ?? repo.defaultBranch ?? 'main';
      const count = Math.min(100, Number(query.get('per_page') ?? 30));
      const sha =
        resolveRef(repo.bare, `refs/heads/${ref}`) ?? (objectType(repo.bare, ref) === 'commit' ? ref : undefined);
      if (!sha) throw notFound();
      const log = git('log', '-n', String(count), '--format=%H%x00%B%x01', sha);
      return [
        200,
        log
          .split('\x01')
          .map((entry) => entry.replace(/^\n/, ''))
          .filter(Boolean)
          .map((entry) => {
            const [commitSha, message] = entry.split('\0') as [string, string];
            return {
              sha: commitSha,
              html_url: `${web}/commit/${commitSha}`,
              commit: { message: message.replace(/\n$/, '') },
            };
          }),
      ];
    }
    if (method === 'POST' && rest === '/git/refs') {
      const ref = String(json.ref ?? '');
      const sha = String(json.sha ?? '');
      if (!/^refs\/(heads|tags)\/.+/.test(ref))
        throw unprocessable('Reference name must start with refs/ and have at least two slashes.');
      if (objectType(repo.bare, sha) !== 'commit') throw unprocessable('Object does not exist');
      if (resolveRef(repo.bare, ref)) throw unprocessable('Reference already exists');
      git('update-ref', ref, sha, '0'.repeat(40));
      return [201, { ref, object: { sha, type: 'commit' } }];
    }
    if ((m = /^\/git\/refs\/((?:heads|tags)\/.+)$/.exec(rest)) && (method === 'PATCH' || method === 'DELETE')) {
      const ref = `refs/${decodeURIComponent(m[1]!)}`;
      const current = resolveRef(repo.bare, ref);
      const object = refObject(repo.bare, ref);
      if (!current || !object) throw unprocessable('Reference does not exist');
      if (method === 'DELETE') {
        git('update-ref', '-d', ref, object.sha);
        return [204, undefined];
      }
      const sha = String(json.sha ?? '');
      if (objectType(repo.bare, sha) !== 'commit') throw unprocessable('Object does not exist');
      if (!json.force && !isAncestor(repo.bare, current, sha)) throw unprocessable('Update is not a fast forward');
      // Compare-and-swap on the old value, as GitHub updates a ref atomically.
      git('update-ref', ref, sha, object.sha);
      return [200, { ref, object: { sha, type: 'commit' } }];
    }
    if (method === 'GET' && rest === '/pulls') {
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      const owner = repo.fullName.split('/')[0];
      const list = (this.pulls.get(repo.fullName) ?? []).filter(
        (pull) => (state === 'all' || pull.state === state) && (!head || head === `${owner}:${pull.head}`),
      );
      return [200, list.map((pull) => this.pullJson(repo, pull))];
    }
    if (method === 'POST' && rest === '/pulls') {
      const head = String(json.head ?? '');
      const base = String(json.base ?? '');
      const headSha = resolveRef(repo.bare, `refs/heads/${head}`);
      const baseSha = resolveRef(repo.bare, `refs/heads/${base}`);
      const owner = repo.fullName.split('/')[0];
      const invalid = (field: string) =>
        unprocessable('Validation Failed', [{ resource: 'PullRequest', field, code: 'invalid' }]);
      if (!headSha) throw invalid('head');
      if (!baseSha) throw invalid('base');
      const pulls = this.pulls.get(repo.fullName) ?? [];
      if (pulls.some((pull) => pull.state === 'open' && pull.head === head && pull.base === base)) {
        throw unprocessable('Validation Failed', [
          { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` },
        ]);
      }
      if (headSha === baseSha || isAncestor(repo.bare, headSha, baseSha)) {
        throw unprocessable('Validation Failed', [
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
        ]);
      }
      const pull: Pull = {
        number: pulls.length + 1,
        title: String(json.title ?? ''),
        body: String(json.body ?? ''),
        head,
        base,
        state: 'open',
      };
      this.pulls.set(repo.fullName, [...pulls, pull]);
      return [201, this.pullJson(repo, pull)];
    }
    throw notFound();
  }

  private pullJson(repo: FakeRepo & { fullName: string }, pull: Pull) {
    return {
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      html_url: `${this.webUrl}/${repo.fullName}/pull/${pull.number}`,
      head: { ref: pull.head, sha: resolveRef(repo.bare, `refs/heads/${pull.head}`) ?? '' },
      base: { ref: pull.base },
    };
  }

  /**
   * The mutation GitOps writers use, and blob reads by oid (`alias: object(oid: "…") { ... on Blob
   * { text isBinary isTruncated byteSize } }`); anything else gets a GraphQL error.
   */
  private graphql(json: Record<string, unknown>): unknown {
    const query = String(json.query ?? '');
    if (/^\s*query\b[^{]*\{\s*repository\s*\(/.test(query))
      return this.blobQuery(query, json.variables as Record<string, string>);
    if (!/mutation[^{]*\{\s*createCommitOnBranch\s*\(\s*input\s*:\s*\$input\s*\)/.test(query)) {
      return { errors: [{ message: 'This fake implements only createCommitOnBranch(input: $input)' }] };
    }
    const input = ((json.variables as Record<string, unknown> | undefined)?.input ?? {}) as {
      branch?: { repositoryNameWithOwner?: string; branchName?: string };
      expectedHeadOid?: string;
      message?: { headline?: string; body?: string };
      fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
    };
    const fail = (type: string, message: string) => ({
      data: { createCommitOnBranch: null },
      errors: [{ type, path: ['createCommitOnBranch'], locations: [{ line: 1, column: 48 }], message }],
    });
    if (!input.expectedHeadOid) {
      return {
        errors: [
          {
            message:
              'Variable $input of type CreateCommitOnBranchInput! was provided invalid value for expectedHeadOid (Expected value to not be null)',
          },
        ],
      };
    }
    const [owner, name] = (input.branch?.repositoryNameWithOwner ?? '').split('/');
    const repo = this.repos[`${owner}/${name}`];
    if (!repo) return fail('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
    const ref = `refs/heads/${input.branch?.branchName ?? ''}`;
    const head = resolveRef(repo.bare, ref);
    if (!head) return fail('NOT_FOUND', `Could not resolve to a Ref with the name '${ref}'.`);
    if (head !== input.expectedHeadOid) {
      return fail(
        'STALE_DATA',
        `Expected branch to point to "${input.expectedHeadOid}" but it did not.  Pull and try again.`,
      );
    }
    if (!input.message?.headline) return fail('UNPROCESSABLE', 'A commit message headline is required.');
    const oid = commitFiles(repo.bare, head, input.fileChanges ?? {}, input.message);
    // Compare-and-swap on the ref, as GitHub applies the commit atomically.
    runGit(repo.bare, ['update-ref', ref, oid, head]);
    return {
      data: { createCommitOnBranch: { commit: { oid, url: `${this.webUrl}/${owner}/${name}/commit/${oid}` } } },
    };
  }

  /** Blob.text is null for binary blobs and cut at `blobTextLimit` bytes (isTruncated), as on GitHub. */
  private blobQuery(query: string, variables: Record<string, string>): unknown {
    const repo = this.repos[`${variables.owner}/${variables.name}`];
    if (!repo) {
      return {
        data: { repository: null },
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['repository'],
            message: `Could not resolve to a Repository with the name '${variables.owner}/${variables.name}'.`,
          },
        ],
      };
    }
    const repository: Record<string, unknown> = {};
    for (const [, alias, oid] of query.matchAll(/(\w+)\s*:\s*object\(oid:\s*"([0-9a-f]{40})"\)/g)) {
      if (objectType(repo.bare, oid!) !== 'blob') {
        repository[alias!] = null;
        continue;
      }
      const bytes = execFileSync('git', ['cat-file', 'blob', oid!], { cwd: repo.bare });
      const isBinary = bytes.includes(0);
      const isTruncated = bytes.length > this.blobTextLimit;
      repository[alias!] = {
        text: isBinary ? null : bytes.subarray(0, this.blobTextLimit).toString('utf8'),
        isBinary,
        isTruncated,
        byteSize: bytes.length,
      };
    }
    return { data: { repository } };
  }
}

function graphqlOperation(query: string): string {
  if (/createCommitOnBranch/.test(query)) return 'createCommitOnBranch';
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function runGit(cwd: string, args: string[], input?: Buffer | string, env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd,
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

function resolveRef(bare: string, ref: string): string | undefined {
  try {
    return runGit(bare, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A ref's object as GitHub shows it: an annotated tag is a `tag` object, not its commit. */
function refObject(bare: string, ref: string): { sha: string; type: string } | undefined {
  try {
    const sha = runGit(bare, ['rev-parse', '--verify', '--quiet', ref]).trim();
    return sha ? { sha, type: objectType(bare, sha) ?? 'commit' } : undefined;
  } catch {
    return undefined;
  }
}

function objectType(bare: string, sha: string): string | undefined {
  if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
  try {
    return runGit(bare, ['cat-file', '-t', sha]).trim();
  } catch {
    return undefined;
  }
}

function isAncestor(bare: string, ancestor: string, descendant: string): boolean {
  try {
    runGit(bare, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}

/** Files land as 100644, as createCommitOnBranch documents; author and committer are the token owner. */
function commitFiles(
  bare: string,
  parent: string,
  changes: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] },
  message: { headline?: string; body?: string },
): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-github-index-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    runGit(bare, ['read-tree', parent], undefined, env);
    for (const addition of changes.additions ?? []) {
      const blob = runGit(bare, ['hash-object', '-w', '--stdin'], Buffer.from(addition.contents, 'base64')).trim();
      runGit(bare, ['update-index', '--add', '--cacheinfo', `100644,${blob},${addition.path}`], undefined, env);
    }
    for (const deletion of changes.deletions ?? []) {
      runGit(bare, ['update-index', '--force-remove', deletion.path], undefined, env);
    }
    const tree = runGit(bare, ['write-tree'], undefined, env).trim();
    const text = message.body ? `${message.headline}\n\n${message.body}` : message.headline!;
    return runGit(bare, ['commit-tree', tree, '-p', parent, '-F', '-'], text, {
      GIT_AUTHOR_NAME: BOT.name,
      GIT_AUTHOR_EMAIL: BOT.email,
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
