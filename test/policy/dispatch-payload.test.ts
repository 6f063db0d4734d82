/**
 * The ct workflow's first step validates the repository_dispatch payload before any use. These
 * tests run that very script (extracted from ct.yml) with Python, as the runner's `shell: python`
 * does, against hostile payloads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadYaml } from './load.js';
import { asDict, jobsOf, stepOf } from './rules.js';

const ct = loadYaml('.github/workflows/ct.yml', 'workflow');
const step = stepOf(ct, 'train', 'payload');
const scratch = mkdtempSync(join(tmpdir(), 'ct-payload-'));
const script = join(scratch, 'validate.py');
writeFileSync(script, String(step.run));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
function validate(event: string, payload?: unknown, action = 'new-data-arrived') {
  const output = join(scratch, `output-${++runs}`);
  writeFileSync(output, '');
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload ?? null);
  const result = spawnSync(process.env.PYTHON ?? 'python3', [script], {
    env: {
      PATH: process.env.PATH,
      EVENT_NAME: event,
      EVENT_ACTION: action,
      PAYLOAD: raw,
      MODEL_NAME: 'churn',
      GITHUB_OUTPUT: output,
    },
    encoding: 'utf8',
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
}

describe('ct.yml dispatch payload validation', () => {
  it('runs first, as Python, with the payload only in env', () => {
    expect(step.shell).toBe('python');
    expect(jobsOf(ct).find((job) => job.id === 'train')!.steps[0]!.step).toBe(step);
    expect(asDict(step.env).PAYLOAD).toBe('${{ toJSON(github.event.client_payload) }}');
  });

  it.each([['schedule'], ['workflow_dispatch']])('accepts a %s run without a payload', (event) => {
    const { status, outputs } = validate(event);
    expect(status).toBe(0);
    expect(outputs).toEqual({ trigger: event, dataset: '', 'data-version': '', reason: '' });
  });

  it.each([
    ['a semantic version', '1.4.0'],
    ['a pre-release', 'v2.0.0-rc.1'],
    ['a digest', `sha256:${'ab'.repeat(32)}`],
    ['a commit', 'c0ffee'.repeat(6) + 'c0ff'],
  ])('accepts a payload with %s', (_what, version) => {
    const payload = {
      model: 'churn',
      dataset: 'data/churn.csv',
      'data-version': version,
      reason: 'export of 2026-11-23',
    };
    const { status, outputs, stdout } = validate('repository_dispatch', payload);
    expect([status, stdout]).toEqual([
      0,
      expect.stringContaining('payload fields: data-version, dataset, model, reason'),
    ]);
    expect(outputs).toEqual({
      trigger: 'repository_dispatch',
      dataset: 'data/churn.csv',
      'data-version': version,
      reason: 'export of 2026-11-23',
    });
  });

  it('accepts an empty payload', () => {
    expect(validate('repository_dispatch', {}).status).toBe(0);
    expect(validate('repository_dispatch', null).status).toBe(0);
  });

  const hostile: [string, unknown][] = [
    ['command substitution', { dataset: '$(id)' }],
    ['a shell separator', { reason: 'ok; rm -rf /' }],
    ['a newline (output injection)', { reason: 'ok\nversion=666' }],
    ['a workflow command', { reason: '::add-mask::x' }],
    ['path traversal', { dataset: '../../etc/passwd' }],
    ['path traversal inside', { dataset: 'data/../../secrets' }],
    ['an absolute path', { dataset: '/etc/passwd' }],
    ['a NUL byte', { dataset: 'data/churn.csv\u0000.sh' }],
    ['a 10 kB value', { reason: 'a'.repeat(10_000) }],
    ['unicode digits', { 'data-version': '\uff11.2.3' }],
    ['a Cyrillic look-alike', { model: 'churn'.replace('c', '\u0441') }],
    ['another model', { model: 'fraud' }],
    ['an upper-case model', { model: 'Churn' }],
    ['a digest that is not 64 hex', { 'data-version': 'sha256:abc' }],
    ['a tag that is not a version', { 'data-version': 'latest' }],
    ['a number instead of a string', { 'data-version': 3 }],
    ['a nested object', { dataset: { path: 'x' } }],
    ['an unknown key', { model: 'churn', image: 'evil:latest' }],
    ['eleven keys', Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']))],
    ['an array', ['churn']],
    ['a string', 'churn'],
    ['text that is not JSON', '{"model": '],
  ];

  it.each(hostile)('rejects %s, writing no output', (_what, payload) => {
    const { status, outputs, stdout } = validate('repository_dispatch', payload);
    expect(status).toBe(1);
    expect(outputs).toEqual({});
    const commands = stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^::error title=Rejected dispatch payload::/);
  });

  it('never echoes a rejected value', () => {
    const { stdout } = validate('repository_dispatch', { reason: 'SECRET-LOOKING-VALUE;' });
    expect(stdout).not.toContain('SECRET-LOOKING-VALUE');
  });

  it('rejects other dispatch types and other events', () => {
    expect(validate('repository_dispatch', {}, 'deploy-now').status).toBe(1);
    expect(validate('pull_request').status).toBe(1);
    expect(validate('issue_comment').status).toBe(1);
  });
});
