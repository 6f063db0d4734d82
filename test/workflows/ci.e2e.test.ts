// The example repository's ci.yml (pull_request, push to main), run by a real Actions runner (act)
// through the reusable ci.yml, with the Docker steps as recording stand-ins: lint and tests really
// run (a scratch copy with a failing test or a lint error fails the job before any build), the
// model is trained, the image is built with the tags, labels and context the workflow asks for,
// scanned by that reference before any push, pushed only on main to the registry ECR (moto) names,
// and its reference and digest reach the caller.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ListObjectsV2Command, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { motoS3Client, startMoto } from '../helpers/moto.js';
import type { Service } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';
import { commitConsumer, exportConsumer } from './export.js';
import type { OfflineAction, OfflineActionCall } from './offline-actions.js';
import { addOutputsProbe, OUTPUTS_PROBE_JOB } from './outputs-probe.js';
import { startHarness, type Harness, type StepRun, type WorkflowRun } from './run-workflow.js';
import { DVC_BUCKET, EXAMPLE_REPOSITORY } from './stand-ins.js';

const WORKFLOW = '.github/workflows/ci.yml';
const ROLE = 'arn:aws:iam::123456789012:role/model-repo-ci';
const PR_STAND_INS: OfflineAction[] = ['setup-python', 'trivy-action', 'setup-buildx-action', 'build-push-action'];
const RUN_TIMEOUT = 600_000;

describe('examples/model-repo ci.yml under act', () => {
  let harness: Harness;
  let moto: Service;
  let s3: S3Client;

  /** The example as a one-commit repository, plus `files` (a scratch change) and the outputs probe. */
  const consumer = (files: Record<string, string> = {}) => {
    const { dir } = exportConsumer('examples/model-repo');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    addOutputsProbe(dir, WORKFLOW, 'ci');
    return { dir, sha: commitConsumer(dir, 'scratch change') };
  };

  const run = (
    repo: { dir: string; sha: string },
    event: 'pull_request' | 'push',
    standIns: OfflineAction[],
  ): Promise<WorkflowRun> =>
    harness.runWorkflow({
      workdir: repo.dir,
      workflow: WORKFLOW,
      event,
      payload:
        event === 'push'
          ? { ref: 'refs/heads/main', before: '0'.repeat(40), after: repo.sha }
          : {
              number: 7,
              pull_request: {
                number: 7,
                head: { ref: 'feature/churn', sha: repo.sha },
                base: { ref: 'main', sha: repo.sha },
              },
            },
      vars: { AWS_ROLE_ARN: ROLE },
      // No stored AWS keys: only the endpoint. Credentials exist only after the OIDC exchange.
      env: {
        AWS_ENDPOINT_URL: moto.url,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      standIns,
      pythonEnv: 'model-repo',
      repository: EXAMPLE_REPOSITORY,
      timeoutMs: scaled(RUN_TIMEOUT),
    });

  beforeAll(async () => {
    [harness, moto] = await Promise.all([startHarness(), startMoto()]);
    s3 = motoS3Client(moto);
    await s3.send(new CreateBucketCommand({ Bucket: DVC_BUCKET }));
  }, scaled(120_000));

  afterAll(async () => {
    s3?.destroy();
    await Promise.all([harness?.stop(), moto?.stop()]);
  });

  describe('pull_request: lint, tests, train, image built and scanned, nothing published', () => {
    let repo: { dir: string; sha: string };
    let result: WorkflowRun;

    beforeAll(
      async () => {
        repo = consumer();
        result = await run(repo, 'pull_request', PR_STAND_INS);
      },
      scaled(RUN_TIMEOUT + 60_000),
    );

    it('succeeds: lint, tests, the filesystem scan and the build job ran; AWS and ECR did not', () => {
      expect(report(result)).toMatch(/^exit 0/);
      expect(outcomes(result, 'test', ['Lint', 'Unit tests', 'Vulnerability scan (filesystem)'])).toEqual([
        'success',
        'success',
        'success',
      ]);
      expect(outcomes(result, 'build', ['Dataset', 'Train', 'Build', 'Vulnerability scan (image)'])).toEqual([
        'success',
        'success',
        'success',
        'success',
      ]);
      expect(outcomes(result, 'build', ['AWS credentials (OIDC)', 'DVC push', 'ECR login', 'Push'])).toEqual([
        'skipped',
        'skipped',
        'skipped',
        'skipped',
      ]);
    });

    it('builds churn-model:<sha> into the local Docker with the OCI labels, scans that reference, pushes nothing', () => {
      const image = `churn-model:${repo.sha}`;
      expect(buildCalls(result.standInCalls)).toEqual([
        ['build-push-action', buildInputs(image, repo.sha, { load: 'true', push: 'false' })],
        ['trivy-action', imageScan(image)],
      ]);
      expect(result.standInCalls.filter((call) => call.action === 'trivy-action')[0]!.inputs).toMatchObject({
        'scan-type': 'fs',
        'scan-ref': '.',
        severity: 'CRITICAL,HIGH',
      });
    });

    it('gives the caller the built reference and no digest (nothing was pushed)', async () => {
      expect(callerOutputs(result)).toMatchObject({ image: `churn-model:${repo.sha}`, 'image-digest': '' });
      expect(result.job('build').summary).toContain('| pushed | no (push-image: false) |');
      await expect(keys(s3)).resolves.toEqual([]);
    });
  });

  describe('push to main: trained data and model pushed with DVC, image pushed to ECR after the scan', () => {
    let repo: { dir: string; sha: string };
    let result: WorkflowRun;

    beforeAll(
      async () => {
        repo = consumer();
        result = await run(repo, 'push', [...PR_STAND_INS, 'configure-aws-credentials', 'amazon-ecr-login']);
      },
      scaled(RUN_TIMEOUT + 60_000),
    );

    it('succeeds, with the role assumed through OIDC and the data pushed to the DVC bucket', async () => {
      expect(report(result)).toMatch(/^exit 0/);
      expect(result.standInCalls.find((call) => call.action === 'configure-aws-credentials')?.inputs).toMatchObject({
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
      });
      const pushed = Number(result.step('build', 'dvc').outputs['pushed-count']);
      expect(pushed).toBeGreaterThan(0);
      const stored = await keys(s3);
      expect(stored.length).toBeGreaterThanOrEqual(pushed);
    });

    it("builds, scans, then pushes the same reference in ECR's registry, with the same context, file and labels", () => {
      const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-model:${repo.sha}`;
      expect(buildCalls(result.standInCalls)).toEqual([
        ['amazon-ecr-login', {}],
        ['build-push-action', buildInputs(image, repo.sha, { load: 'true', push: 'false' })],
        ['trivy-action', imageScan(image)],
        ['build-push-action', buildInputs(image, repo.sha, { push: 'true', provenance: 'mode=max' })],
      ]);
    });

    it("gives the caller the pushed reference and the push's digest", () => {
      const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-model:${repo.sha}`;
      const digest = result.step('build', 'push').outputs.digest!;
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(digest).not.toBe(result.step('build', 'build').outputs.digest);
      expect(callerOutputs(result)).toEqual({
        image,
        'image-digest': digest,
        'model-path': 'models',
        'dvc-pushed-count': result.step('build', 'dvc').outputs['pushed-count'],
      });
      expect(result.job('build').summary).toContain(`| pushed | \`${digest}\` |`);
    });
  });

  describe.each([
    [
      'a failing unit test',
      { 'tests/test_scratch.py': 'def test_scratch_failure():\n    assert 1 == 2\n' },
      'Unit tests',
    ],
    ['a lint error', { 'churn/scratch.py': 'import os\n' }, 'Lint'],
  ])('pull_request with %s in a scratch copy', (_what, files, failing) => {
    let result: WorkflowRun;

    beforeAll(
      async () => {
        // Only the test job's stand-ins: a build stand-in that ran would fail loudly.
        result = await run(consumer(files), 'pull_request', ['setup-python', 'trivy-action']);
      },
      scaled(RUN_TIMEOUT + 60_000),
    );

    it(`fails at ${failing}; the build job never starts`, () => {
      expect(result.exitCode).not.toBe(0);
      expect(result.job('test').result).toBe('failure');
      expect(outcomes(result, 'test', [failing])).toEqual(['failure']);
      expect(result.jobs.filter((job) => job.id === 'build' && job.steps.length > 0)).toEqual([]);
      expect(result.standInCalls.map((call) => call.action)).toEqual(['setup-python']);
    });
  });
});

/** Exit code, jobs and steps, and the end of act's log: what a failed expectation shows. */
function report(run: WorkflowRun): string {
  const tail = run.exitCode === 0 ? '' : `\n${run.log.split('\n').slice(-40).join('\n')}`;
  return `exit ${run.exitCode}\n${run.describe()}${tail}`;
}

/** Outcome of each named Main step of a job ('skipped' for one that never ran). */
function outcomes(run: WorkflowRun, job: string, names: string[]): string[] {
  const steps = run.job(job).steps.filter((step: StepRun) => step.stage === 'Main');
  return names.map((name) => steps.find((step) => step.name === name)?.outcome ?? 'skipped');
}

/** The build job's stand-in calls from the ECR login on, as [action, inputs]. */
function buildCalls(calls: OfflineActionCall[]): [string, Record<string, string>][] {
  const fromLogin = calls.findIndex(
    (call) => call.action === 'amazon-ecr-login' || call.action === 'build-push-action',
  );
  return calls
    .slice(fromLogin)
    .filter((call) => call.action !== 'setup-buildx-action')
    .map((call) => [call.action, call.inputs]);
}

function buildInputs(image: string, sha: string, mode: Record<string, string>): Record<string, string> {
  return {
    context: '.',
    file: 'Dockerfile',
    tags: image,
    labels: [
      `org.opencontainers.image.source=https://github.com/${EXAMPLE_REPOSITORY}`,
      `org.opencontainers.image.revision=${sha}`,
      `org.opencontainers.image.version=${sha}`,
    ].join('\n'),
    load: '',
    push: '',
    provenance: '',
    ...mode,
  };
}

function imageScan(image: string): Record<string, string> {
  return {
    'scan-type': 'image',
    'scan-ref': '',
    'image-ref': image,
    severity: 'CRITICAL,HIGH',
    'ignore-unfixed': 'true',
    'exit-code': '1',
    version: 'v0.70.0',
  };
}

function callerOutputs(run: WorkflowRun): Record<string, string> {
  return JSON.parse(run.step(OUTPUTS_PROBE_JOB, 'outputs').outputs.json ?? 'null') as Record<string, string>;
}

async function keys(s3: S3Client): Promise<string[]> {
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: DVC_BUCKET }));
  return (listing.Contents ?? []).map((object) => object.Key!);
}
