import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { InputError } from '../src/errors.js';
import { Inputs, envInputSource, inputEnvName, maskEachLine } from '../src/inputs.js';

function inputsOf(values: Record<string, string>, workspace = process.cwd()) {
  const masked: string[] = [];
  const env = Object.fromEntries(Object.entries(values).map(([name, value]) => [inputEnvName(name), value]));
  return {
    inputs: new Inputs(
      envInputSource(env, (secret) => masked.push(secret)),
      workspace,
    ),
    masked,
  };
}

describe('Inputs', () => {
  it('follows the runner naming: upper-case, spaces to underscores, hyphens kept', () => {
    expect(inputEnvName('poll-interval')).toBe('INPUT_POLL-INTERVAL');
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT');
  });

  it('treats empty as not given and names a missing required input', () => {
    const { inputs } = inputsOf({ server: '  ' });
    expect(inputs.string('server')).toBeUndefined();
    expect(() => inputs.string('server', { required: true })).toThrow("Input 'server' is required but was not given");
  });

  it('names the input, the value and the accepted form', () => {
    const { inputs } = inputsOf({ timeout: 'soon', 'canary-traffic-percent': '120', component: 'router' });
    expect(() => inputs.duration('timeout', '10m')).toThrow(
      new InputError(`Input 'timeout' has invalid value "soon": expected a duration like 500ms, 90s, 10m or 1h30m`),
    );
    expect(() => inputs.integer('canary-traffic-percent', { min: 0, max: 100 })).toThrow(
      `Input 'canary-traffic-percent' has invalid value "120": expected an integer from 0 to 100`,
    );
    expect(() => inputs.enum('component', ['predictor', 'transformer', 'explainer'], 'predictor')).toThrow(
      'expected one of predictor, transformer, explainer',
    );
  });

  it('falls back to defaults', () => {
    const { inputs } = inputsOf({});
    expect(inputs.duration('timeout', '10m')).toBe(600_000);
    expect(inputs.boolean('dry-run', false)).toBe(false);
    expect(inputs.integer('jobs', { default: 4 })).toBe(4);
    expect(inputs.enum('refresh', ['normal', 'hard', 'none'], 'normal')).toBe('normal');
    expect(inputs.list('files')).toEqual([]);
  });

  it('bounds durations', () => {
    const { inputs } = inputsOf({ 'poll-interval': '10ms' });
    expect(() => inputs.duration('poll-interval', '5s', { min: 100 })).toThrow("Input 'poll-interval'");
  });

  it('masks a secret, line by line, before use and never echoes it in errors', () => {
    const { inputs, masked } = inputsOf({ token: 'line-one\nline-two', port: 'hunter2' });
    expect(inputs.secret('token')).toBe('line-one\nline-two');
    expect(masked).toEqual(['line-one\nline-two', 'line-one', 'line-two']);

    inputs.secret('port');
    let message = '';
    try {
      inputs.integer('port');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("Input 'port' is invalid: expected an integer");
    expect(message).not.toContain('hunter2');
  });

  it('masks nothing for an empty secret', () => {
    const masked: string[] = [];
    maskEachLine('single', (secret) => masked.push(secret));
    expect(masked).toEqual(['single']);
  });

  it('resolves files against the workspace and requires them to exist', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeFileSync(join(workspace, 'payload.json'), '{}');
    const { inputs } = inputsOf({ 'payload-file': 'payload.json', missing: 'nope.json' }, workspace);
    expect(inputs.file('payload-file')).toBe(join(workspace, 'payload.json'));
    expect(() => inputs.file('missing')).toThrow(
      `Input 'missing' has invalid value "nope.json": expected the path of an existing file`,
    );
    expect(inputs.directory('working-directory')).toBe(workspace);
  });

  it('refuses mutually exclusive inputs given together', () => {
    const { inputs } = inputsOf({ payload: '{}', 'payload-file': 'p.json' });
    expect(() => inputs.exclusive('payload', 'payload-file')).toThrow(
      "Inputs 'payload' and 'payload-file' cannot be used together",
    );
  });

  it('parses URLs, mappings, key=values and JSON', () => {
    const { inputs } = inputsOf({
      server: 'https://argocd.example.com/argo',
      thresholds: 'accuracy: {threshold: 0.9}',
      tags: 'a=1\nb=2',
      payload: '{"instances": [[1]]}',
      bad: '{"instances": ',
    });
    expect(inputs.url('server')?.pathname).toBe('/argo');
    expect(inputs.mapping('thresholds')).toEqual({ accuracy: { threshold: 0.9 } });
    expect(inputs.keyValues('tags')).toEqual({ a: '1', b: '2' });
    expect(inputs.json('payload')).toEqual({ instances: [[1]] });
    expect(() => inputs.json('bad')).toThrow("Input 'bad' has invalid value");
  });
});

describe('a directory input stays inside the workspace (symlinks resolved)', () => {
  // base/workspace/{sub, link-out -> base/elsewhere}, base/elsewhere, base/link-in -> base/workspace/sub
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'inputs-ws-')));
  const workspace = join(base, 'workspace');
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(join(workspace, 'sub'), { recursive: true });
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, join(workspace, 'link-out'));
  symlinkSync(join(workspace, 'sub'), join(base, 'link-in'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const directory = (values: Record<string, string>) =>
    inputsOf(values, workspace).inputs.directory('working-directory', '.', { allowOutside: 'allow-outside-workspace' });

  it.each([
    ['', workspace],
    ['sub', join(workspace, 'sub')],
    ['./sub/', join(workspace, 'sub')],
    [join(workspace, 'sub'), join(workspace, 'sub')],
    [join(base, 'link-in'), join(workspace, 'sub')],
  ])('accepts %j as %s', (raw, expected) => {
    expect(directory({ 'working-directory': raw })).toBe(expected);
  });

  it.each(['..', '../elsewhere', 'sub/../../elsewhere', 'link-out', elsewhere, '/'])(
    'refuses %j in one line naming the input, where it leads and the input that allows it',
    (raw) => {
      const target = realpathSync(resolve(workspace, raw));
      expect(() => directory({ 'working-directory': raw })).toThrow(
        new InputError(
          `Input 'working-directory' has invalid value ${JSON.stringify(raw)}: expected a directory inside the workspace ${workspace} (this one resolves to ${target}); set allow-outside-workspace: true to use it anyway`,
        ),
      );
    },
  );

  it('allow-outside-workspace: true lets it through; it is read only when needed, as a boolean', () => {
    expect(directory({ 'working-directory': '../elsewhere', 'allow-outside-workspace': 'true' })).toBe(elsewhere);
    expect(() => directory({ 'working-directory': '../elsewhere', 'allow-outside-workspace': 'yes' })).toThrow(
      `Input 'allow-outside-workspace' has invalid value "yes": expected true or false`,
    );
    expect(() => directory({ 'working-directory': 'nope' })).toThrow(
      `Input 'working-directory' has invalid value "nope": expected the path of an existing directory (relative to ${workspace})`,
    );
  });
});
