import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { ACTIONS } from '../src/actions.js';
import { CLI_FLAGS, parseInvocation } from '../src/args.js';
import { runCli } from '../src/cli.js';
import { cliHost, formatOutputs } from '../src/host.js';

function sink(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, { env, cwd: tmpdir(), stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const spec = ACTIONS['kserve-health-check']!.spec;

describe('mlops-actions', () => {
  it('lists the actions; an unknown one is a usage error', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('  dvc-push\n');
    expect(help.stdout).toContain('Exit codes:');
    const unknown = await cli(['deploy']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown action "deploy"');
  });

  it('generates --help of each action from its action.yml', async () => {
    for (const [name, action] of Object.entries(ACTIONS)) {
      const { code, stdout } = await cli([name, '--help']);
      expect(code).toBe(0);
      for (const input of Object.keys(action.spec.inputs)) expect(stdout).toContain(`  --${input}`);
      for (const output of Object.keys(action.spec.outputs)) expect(stdout).toContain(`  ${output}\n`);
    }
    expect((await cli(['kserve-health-check', '--help'])).stdout).toContain('--tolerance (default: 1e-6)');
  });

  it('no action input is named like one of the CLI flags', () => {
    for (const action of Object.values(ACTIONS)) {
      expect(Object.keys(action.spec.inputs).filter((name) => (CLI_FLAGS as readonly string[]).includes(name))).toEqual(
        [],
      );
    }
  });

  it('takes flags over INPUT_* variables over --config, and refuses unknown inputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-config-'));
    const config = join(dir, 'health.yaml');
    writeFileSync(
      config,
      'url: https://config.example.com\nmodel: from-config\nrequests: 5\nheaders: [ "A: 1", "B: 2" ]\n',
    );
    const invocation = parseInvocation(spec, ['--config', config, '--model=from-flag', '--insecure-skip-tls-verify'], {
      INPUT_URL: 'https://env.example.com',
      'INPUT_NOT-AN-INPUT': 'x',
    });
    expect(invocation.values).toEqual({
      url: 'https://env.example.com',
      model: 'from-flag',
      requests: '5',
      headers: 'A: 1\nB: 2',
      'insecure-skip-tls-verify': 'true',
    });
    expect(() => parseInvocation(spec, ['--modle', 'x'], {})).toThrow(
      'Unknown input --modle for kserve-health-check: see mlops-actions kserve-health-check --help',
    );
    expect(() => parseInvocation(spec, ['--model'], {})).toThrow('--model needs a value');
    writeFileSync(config, 'modle: x\n');
    expect(() => parseInvocation(spec, ['--config', config], {})).toThrow(
      `--config ${config} names "modle", which is not an input of kserve-health-check`,
    );
  });

  it('a bad input exits 2 with the same one-line error as the action', async () => {
    const { code, stderr, stdout } = await cli(['kserve-health-check', '--url', 'ftp://x', '--model', 'm']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: Input 'url' has invalid value "ftp://x": expected an absolute http:// or https:// URL\n`,
    );
    expect(stdout).toBe('');
  });

  it('redacts every secret in logs, outputs and the summary', async () => {
    const stderr = sink();
    const host = cliHost(
      spec,
      { token: 's3cr3t-token', url: 'http://127.0.0.1:9', model: 'm' },
      {
        env: {},
        cwd: tmpdir(),
        debug: false,
        streams: { stdout: sink(), stderr },
      },
    );
    host.inputs.secret('token');
    host.logger.info('sending s3cr3t-token\n::error::injected');
    expect(stderr.text).toBe('sending ***\n:\u200b:error::injected\n');
    host.setOutputs({ response: 'echo s3cr3t-token' });
    expect(host.redact(formatOutputs(host.outputs, false))).toBe('response=echo ***\n');
  });

  it('prints outputs as key=value (JSON-quoted across lines) or as one JSON object', () => {
    expect(formatOutputs({ changed: 'true', diff: '-a\n+b' }, false)).toBe('changed=true\ndiff="-a\\n+b"\n');
    expect(JSON.parse(formatOutputs({ changed: 'true' }, true))).toEqual({ changed: 'true' });
  });

  it('appends the summary to --summary FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-summary-'));
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'before\n');
    // Nothing listens on port 9: the check fails fast, and still writes its summary.
    const { code } = await cli([
      'kserve-health-check',
      '--url',
      'http://127.0.0.1:9',
      '--model',
      'm',
      '--timeout',
      '1s',
      '--summary',
      file,
    ]);
    expect(code).toBe(1);
    expect(readFileSync(file, 'utf8')).toMatch(/^before\n[\s\S]*KServe health check: m/);
  });
});
