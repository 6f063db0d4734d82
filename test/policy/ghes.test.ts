/**
 * The generated GitHub Enterprise Server variants (scripts/gen-ghes.mjs): present and current for
 * every reusable workflow that uses `$/`, equal to their original step for step except for the
 * documented self-checkout, and that self-checkout's commit lookup run for real against a
 * stand-in of the runner's OIDC token service.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  CHECKOUT_PATH,
  generate,
  isGhesVariant,
  SOURCE_STEP_ID,
  sources,
  TOKEN_SECRET,
  variantName,
  variantUses,
} from '../../scripts/gen-ghes.mjs';
import { repoRoot } from '../helpers/paths.js';
import { asDict, type Dict } from './rules.js';

type Workflow = Dict & { on: { workflow_call: Dict }; jobs: Record<string, Dict & { steps?: Dict[] }> };
const read = (name: string) => parse(readFileSync(join(repoRoot, '.github', 'workflows', name), 'utf8')) as Workflow;
const originals = sources().map((s) => s.name);

describe('the GHES variants', () => {
  it('exist for exactly the reusable workflows that use $/, and are current', () => {
    expect(originals).toEqual(expect.arrayContaining(['cd.yml', 'ci.yml', 'ct.yml', 'promote.yml']));
    const variants = readdirSync(join(repoRoot, '.github', 'workflows'))
      .filter(isGhesVariant)
      .sort();
    expect(variants).toEqual(originals.map(variantName).sort());
    const stale = generate()
      .filter(({ current, next }) => current !== next)
      .map(({ file }) => file);
    expect(stale).toEqual([]);
  });
});

describe.each(originals.map((name) => [name]))('%s and its GHES variant', (name) => {
  const original = read(name);
  const variant = read(variantName(name));

  it('have the same interface, plus the optional token secret', () => {
    const { secrets, ...rest } = variant.on.workflow_call;
    const { secrets: originalSecrets, ...originalRest } = original.on.workflow_call;
    expect(rest).toEqual(originalRest);
    expect(secrets).toEqual({
      ...asDict(originalSecrets),
      [TOKEN_SECRET]: expect.objectContaining({ required: false }),
    });
    expect(variant.name).toBe(`${String(original.name)} (GHES)`);
    expect(Object.keys(variant.jobs)).toEqual(Object.keys(original.jobs));
  });

  it.each(Object.keys(original.jobs).map((job) => [job]))('job %s: the same steps, after the self-checkout', (id) => {
    const [before, after] = [original.jobs[id]!, variant.jobs[id]!];
    const { steps: steps0 = [], permissions: perms0, uses: uses0, secrets: secrets0, ...job0 } = before;
    const { steps: steps1 = [], permissions: perms1, uses: uses1, secrets: secrets1, ...job1 } = after;
    expect(job1).toEqual(job0);
    // A called workflow: its GHES sibling, with the token passed on.
    expect(uses1).toEqual(typeof uses0 === 'string' ? (variantUses(uses0) ?? uses0) : uses0);
    if (typeof uses0 === 'string' && variantUses(uses0))
      expect(secrets1).toEqual({ ...asDict(secrets0), [TOKEN_SECRET]: `\${{ secrets.${TOKEN_SECRET} }}` });
    else expect(secrets1).toEqual(secrets0);

    const own = (step: Dict) => typeof step.uses === 'string' && variantUses(step.uses) !== undefined;
    const first = steps0.findIndex(own);
    if (first < 0) {
      expect([steps1, perms1]).toEqual([steps0, perms0]);
      return;
    }
    const [source, checkout] = steps1.slice(first, first + 2) as [Dict, Dict];
    expect(source.id).toBe(SOURCE_STEP_ID);
    expect(checkout).toMatchObject({
      uses: expect.stringMatching(/^actions\/checkout@[0-9a-f]{40}$/),
      with: {
        repository: `\${{ steps.${SOURCE_STEP_ID}.outputs.repository }}`,
        ref: `\${{ steps.${SOURCE_STEP_ID}.outputs.sha }}`,
        path: CHECKOUT_PATH,
        'persist-credentials': false,
      },
    });
    const rewritten = steps0.map((step) => (own(step) ? { ...step, uses: variantUses(step.uses as string) } : step));
    expect([...steps1.slice(0, first), ...steps1.slice(first + 2)]).toEqual(rewritten);
    expect(perms1).toEqual({ ...asDict(perms0), 'id-token': 'write' });
  });
});

describe("the self-checkout's commit lookup", () => {
  const script = String(read('cd-ghes.yml').jobs.deploy!.steps!.find((step) => step.id === SOURCE_STEP_ID)!.run);
  const SHA = 'a'.repeat(40);
  let claims: Record<string, unknown> = {};
  let seen: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    seen = req;
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: `${part({ alg: 'RS256' })}.${part(claims)}.signature` }));
  });
  let scratch: string;
  let runs = 0;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'ghes-source-'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Runs the step's script as the runner does (bash, GITHUB_OUTPUT); the token service answers meanwhile. */
  async function lookup(env: Record<string, string>) {
    const output = join(scratch, `output-${++runs}`);
    const child = spawn('bash', ['-c', script], {
      env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: output, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    let written = '';
    try {
      written = readFileSync(output, 'utf8');
    } catch {
      // nothing written
    }
    return { status, stdout, written };
  }
  const oidc = () => {
    const { port } = server.address() as { port: number };
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    };
  };

  it("outputs the called workflow's repository and commit, from the claims (base64url, unpadded)", async () => {
    // Lengths that need one and two padding characters, and a '-' / '_' in the base64url text.
    for (const repo of ['acme/mlops-actions', 'acme/ml-ops.actions_x']) {
      claims = {
        repository: 'acme/caller',
        job_workflow_ref: `${repo}/.github/workflows/cd-ghes.yml@refs/tags/v1`,
        job_workflow_sha: SHA,
        note: '???>>>',
      };
      const { status, written, stdout } = await lookup(oidc());
      expect([status, written]).toEqual([0, `repository=${repo}\nsha=${SHA}\n`]);
      expect(stdout).toMatch(/^::add-mask::\S+\.\S+\.signature$/m);
    }
    expect(seen?.url).toBe('/token?api-version=2.0&audience=mlops-actions');
    expect(seen?.headers.authorization).toBe('Bearer request-token');
  });

  it('fails with the reason when the job has no id-token: write, or the token names no workflow commit', async () => {
    const none = await lookup({});
    expect([none.status, none.written]).toEqual([1, '']);
    expect(none.stdout).toContain('::error::No OIDC token: the calling job must grant id-token: write');
    claims = { repository: 'acme/caller', job_workflow_ref: 'acme/caller/.github/workflows/x.yml@refs/heads/main' };
    const noSha = await lookup(oidc());
    expect([noSha.status, noSha.written]).toEqual([1, '']);
    expect(noSha.stdout).toContain('::error::The OIDC token names no reusable-workflow commit');
  });
});
