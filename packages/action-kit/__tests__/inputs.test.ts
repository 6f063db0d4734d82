import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { localRunContext } from '../src/context.js';
import { InputError } from '../src/errors.js';
import { Inputs, envInputSource, inputEnvName, maskEachLine, recordInputSource } from '../src/inputs.js';
import { InvalidValue } from '../src/parse.js';
import { parseActionSpec } from '../src/spec.js';

const spec = parseActionSpec(
  `
name: test
description: an action for the tests
inputs:
  server: {description: s}
  timeout: {description: t, default: 10m}
  poll-interval: {description: p, default: 5s}
  canary-traffic-percent: {description: c}
  component: {description: c, default: predictor}
  dry-run: {description: d, default: 'false'}
  jobs: {description: j, default: '4'}
  refresh: {description: r, default: normal}
  files: {description: f}
  token: {description: t}
  port: {description: p}
  payload: {description: p}
  payload-file: {description: p}
  missing: {description: m}
  working-directory: {description: w, default: .}
  allow-outside-workspace: {description: a, default: 'false'}
  thresholds: {description: t}
  tags: {description: t}
  bad: {description: b}
  headers: {description: h}
  ca-cert: {description: c}
  insecure-skip-tls-verify: {description: i, default: 'false'}
  kustomization: {description: k}
  repository: {description: r, default: '\${{ github.repository }}'}
  no-default: {description: n}
`,
  'test',
);

function inputsOf(values: Record<string, string>, workspace = process.cwd()) {
  const masked: string[] = [];
  const env = Object.fromEntries(Object.entries(values).map(([name, value]) => [inputEnvName(name), value]));
  return {
    inputs: new Inputs(
      envInputSource(env, (secret) => masked.push(secret)),
      { spec, workspace },
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
    expect(() => inputs.duration('timeout')).toThrow(
      new InputError(`Input 'timeout' has invalid value "soon": expected a duration like 500ms, 90s, 10m or 1h30m`),
    );
    expect(() => inputs.integer('canary-traffic-percent', { min: 0, max: 100 })).toThrow(
      `Input 'canary-traffic-percent' has invalid value "120": expected an integer from 0 to 100`,
    );
    expect(() => inputs.enum('component', ['predictor', 'transformer', 'explainer'])).toThrow(
      'expected one of predictor, transformer, explainer',
    );
  });

  it('falls back to the defaults of action.yml, and only to them', () => {
    const { inputs } = inputsOf({});
    expect(inputs.duration('timeout')).toBe(600_000);
    expect(inputs.boolean('dry-run')).toBe(false);
    expect(inputs.integer('jobs', { defaulted: true })).toBe(4);
    expect(inputs.enum('refresh', ['normal', 'hard', 'none'])).toBe('normal');
    expect(inputs.list('files')).toEqual([]);
    expect(inputs.given('timeout')).toBe(false);
    // Code relying on a default action.yml does not state is a bug, not a user error.
    expect(() => inputs.boolean('no-default')).toThrow("Input 'no-default' has no default in action.yml");
    expect(() => inputs.string('undeclared')).toThrow("Input 'undeclared' is not declared in the action.yml of test");
  });

  it('answers ${{ github.* }} defaults from the run context', () => {
    const context = localRunContext({ GITHUB_REPOSITORY: 'acme/gitops' }, '/tmp');
    const inputs = new Inputs(
      recordInputSource({}, () => {}),
      { spec, context },
    );
    expect(inputs.string('repository')).toBe('acme/gitops');
    const none = new Inputs(
      recordInputSource({}, () => {}),
      { spec, context: localRunContext({}, '/tmp') },
    );
    expect(none.string('repository')).toBeUndefined();
  });

  it('bounds durations', () => {
    const { inputs } = inputsOf({ 'poll-interval': '10ms' });
    expect(() => inputs.duration('poll-interval', { min: 100 })).toThrow("Input 'poll-interval'");
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
    expect(inputs.jsonOrFile('payload')).toEqual({});
  });

  it('reads a CA bundle as PEM text or as the path of a PEM file, one way for every action', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'inputs-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    writeFileSync(join(workspace, 'ca.pem'), pem);
    writeFileSync(join(workspace, 'not.pem'), 'hello');
    const read = (value: string) => inputsOf({ 'ca-cert': value }, workspace).inputs.caCert('ca-cert');
    expect(read(pem)).toBe(pem);
    expect(read('ca.pem')).toBe(pem);
    expect(() => read('not.pem')).toThrow(`Input 'ca-cert' has invalid value "not.pem": expected PEM text`);
    expect(() => read('absent.pem')).toThrow(
      `Input 'ca-cert' has invalid value "absent.pem": expected PEM text or the path of an existing PEM file`,
    );
  });

  it('reads headers: names lower-cased, each value masked except a Host', () => {
    const { inputs, masked } = inputsOf({ headers: 'Cookie: session=abc\nHost: iris.example.com' });
    expect(inputs.headers('headers')).toEqual({ cookie: 'session=abc', host: 'iris.example.com' });
    expect(masked).toContain('session=abc');
    expect(masked).not.toContain('iris.example.com');
    expect(() => inputsOf({ headers: 'Bad Name: x' }).inputs.headers('headers')).toThrow(
      `Input 'headers' has an invalid header name "Bad Name"`,
    );
  });

  it('checks each item of a list with one parser; the error quotes the bad item in one line', () => {
    const upper = (item: string) => {
      if (!/^[A-Z]+$/.test(item)) throw new InvalidValue('upper-case letters');
      return item.toLowerCase();
    };
    expect(inputsOf({ files: 'A\nB, C' }).inputs.listOf('files', upper, { commas: true })).toEqual(['a', 'b', 'c']);
    expect(() => inputsOf({ files: 'A\nb' }).inputs.listOf('files', upper)).toThrow(
      new InputError(`Input 'files' has invalid item "b": expected upper-case letters`),
    );
    const secretList = inputsOf({ token: 'A\nsecret' }).inputs;
    secretList.secret('token');
    expect(() => secretList.listOf('token', upper)).toThrow(
      new InputError(`Input 'token' has invalid item: expected upper-case letters`),
    );
  });

  it('keeps a repository path inside the repository', () => {
    const path = (raw: string) => inputsOf({ kustomization: raw }).inputs.relativePath('kustomization');
    expect(path('./apps\\iris/kustomization.yaml')).toBe('apps/iris/kustomization.yaml');
    expect(path('')).toBeUndefined();
    for (const raw of ['/etc/passwd', '../other/k.yaml', 'a/../../k.yaml']) {
      expect(() => path(raw)).toThrow(
        `Input 'kustomization' has invalid value ${JSON.stringify(raw)}: expected a path relative to the repository root`,
      );
    }
  });

  it('reads the TLS trust (ca-cert, insecure-skip-tls-verify) and the step deadline the same way for every action', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(inputsOf({ 'ca-cert': pem }).inputs.tls()).toEqual({ caCert: pem.trim(), insecure: false });
    expect(inputsOf({ 'insecure-skip-tls-verify': 'true' }).inputs.tls()).toEqual({ insecure: true });
    const before = Date.now();
    const deadline = inputsOf({ timeout: '90s' }).inputs.deadline('timeout', { min: 1000 });
    expect(deadline.what).toBe("the step's timeout (1m30s)");
    expect(deadline.at).toBeGreaterThanOrEqual(before + 90_000);
    expect(() => inputsOf({ timeout: '10ms' }).inputs.deadline('timeout', { min: 1000 })).toThrow("Input 'timeout'");
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
    inputsOf(values, workspace).inputs.directory('working-directory', { allowOutside: 'allow-outside-workspace' });

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
