import { describe, expect, it } from '@jest/globals';
import { evaluate, type Expectation, type Facts } from '../src/evaluator.js';
import type { CommitRelation } from '../src/compare.js';
import type { Application } from '../src/types.js';

const OURS = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const NEWER = 'c'.repeat(40);
const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

interface Shape {
  revision?: string;
  revisions?: string[];
  sources?: Application['spec'] extends infer S ? (S extends { sources?: infer X } ? X : never) : never;
  sync?: string;
  health?: string;
  phase?: string;
  opRevision?: string;
  operation?: boolean;
  finishedAt?: number | null;
  reconciledAt?: number;
  conditions?: { type: string; message: string }[];
  resources?: { kind: string; name: string; namespace?: string; health: string; message?: string }[];
}

/** A snapshot: by default Synced and Healthy on OURS, last operation Succeeded and compared since. */
function snapshot(shape: Shape = {}): Application {
  const phase = shape.phase ?? 'Succeeded';
  return {
    metadata: { name: 'iris', namespace: 'argocd', resourceVersion: '10' },
    spec: shape.sources
      ? { sources: shape.sources, syncPolicy: { automated: {} } }
      : {
          source: { repoURL: 'https://git/gitops.git', path: 'apps/iris', targetRevision: 'main' },
          syncPolicy: { automated: {} },
        },
    operation: shape.operation ? { sync: { revision: shape.opRevision ?? OURS } } : undefined,
    status: {
      sync: shape.revisions
        ? { status: shape.sync ?? 'Synced', revisions: shape.revisions }
        : { status: shape.sync ?? 'Synced', revision: shape.revision ?? OURS },
      health: { status: shape.health ?? 'Healthy' },
      operationState: {
        phase,
        message: phase === 'Failed' ? 'one or more objects failed to apply' : 'successfully synced',
        startedAt: iso(0),
        finishedAt: shape.finishedAt === null ? null : iso(shape.finishedAt ?? 1000),
        operation: { sync: { revision: shape.opRevision ?? OURS } },
        syncResult: { revision: shape.opRevision ?? OURS },
      },
      reconciledAt: iso(shape.reconciledAt ?? 2000),
      conditions: shape.conditions,
      resources: shape.resources?.map(({ health, message, ...ref }) => ({
        ...ref,
        health: { status: health, message },
      })),
    },
  };
}

const expect_ = (overrides: Partial<Expectation> = {}): Expectation => ({
  revision: OURS,
  health: 'healthy',
  superseded: 'warn',
  comparisonErrorGraceMs: 30_000,
  resources: [],
  ...overrides,
});

const facts = (overrides: Partial<Facts> & { relations?: Map<string, CommitRelation> } = {}): Facts => ({
  now: T0 + 10_000,
  relations: new Map(),
  canCompare: false,
  ...overrides,
});

type Row = [
  string,
  Application,
  Expectation,
  Facts,
  { outcome: string; stage?: string; reason?: RegExp; superseded?: boolean; needs?: object },
];

const rows: Row[] = [
  [
    'already there: succeeds on the initial snapshot',
    snapshot(),
    expect_(),
    facts(),
    { outcome: 'succeeded', superseded: false },
  ],
  [
    'false green: Synced and Healthy on the OLD revision keeps waiting',
    snapshot({ revision: OLD }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'revision', reason: /bbbbbbbbbbbb, not aaaaaaaaaaaa/ },
  ],
  [
    'no revision given: the current state is judged',
    snapshot({ revision: OLD }),
    expect_({ revision: undefined }),
    facts(),
    { outcome: 'succeeded' },
  ],
  [
    'revision seen but OutOfSync',
    snapshot({ sync: 'OutOfSync' }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'sync' },
  ],
  [
    'operation requested',
    snapshot({ operation: true }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'operation' },
  ],
  [
    'operation running (no finishedAt)',
    snapshot({ phase: 'Running', finishedAt: null }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'operation' },
  ],
  [
    'operation finished but not compared since (reconciledAt < finishedAt)',
    snapshot({ finishedAt: 5000, reconciledAt: 4000 }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'operation' },
  ],
  ['Progressing', snapshot({ health: 'Progressing' }), expect_(), facts(), { outcome: 'waiting', stage: 'health' }],
  [
    'Missing is not fatal (resources may still be created)',
    snapshot({ health: 'Missing' }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'health' },
  ],
  [
    'Degraded after our revision is deployed fails',
    snapshot({
      health: 'Degraded',
      resources: [
        { kind: 'Deployment', name: 'iris', namespace: 'models', health: 'Degraded', message: 'CrashLoopBackOff' },
      ],
    }),
    expect_(),
    facts(),
    { outcome: 'failed', reason: /Degraded.*Deployment\/models\/iris.*CrashLoopBackOff/ },
  ],
  [
    'Degraded on the OLD revision keeps waiting (our commit may fix it)',
    snapshot({ revision: OLD, health: 'Degraded' }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'revision' },
  ],
  [
    'Degraded while our operation runs keeps waiting',
    snapshot({ health: 'Degraded', phase: 'Running', finishedAt: null }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'operation' },
  ],
  [
    'Degraded with health: ignore succeeds',
    snapshot({ health: 'Degraded' }),
    expect_({ health: 'ignore' }),
    facts(),
    { outcome: 'succeeded' },
  ],
  [
    'Suspended waits with healthy',
    snapshot({ health: 'Suspended' }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'health' },
  ],
  [
    'Suspended succeeds with healthy-or-suspended',
    snapshot({ health: 'Suspended' }),
    expect_({ health: 'healthy-or-suspended' }),
    facts(),
    { outcome: 'succeeded' },
  ],
  [
    'operation Failed for our revision fails',
    snapshot({ phase: 'Failed', sync: 'OutOfSync' }),
    expect_(),
    facts(),
    { outcome: 'failed', reason: /ended Failed/ },
  ],
  [
    'operation Error for our revision, before the revision is compared, fails',
    snapshot({ revision: OLD, phase: 'Error', opRevision: OURS }),
    expect_(),
    facts(),
    { outcome: 'failed', reason: /ended Error/ },
  ],
  [
    'operation Failed for an OLD revision is ignored',
    snapshot({ revision: OLD, phase: 'Failed', opRevision: OLD }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'revision' },
  ],
  [
    'a failed operation with a new one requested keeps waiting',
    snapshot({ phase: 'Failed', operation: true }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'operation' },
  ],
  [
    'syncResult of an older commit does not block: a no-op commit moves the revision without a sync',
    snapshot({ opRevision: OLD }),
    expect_(),
    facts(),
    { outcome: 'succeeded' },
  ],
  [
    'SyncError on our revision fails',
    snapshot({
      sync: 'OutOfSync',
      conditions: [{ type: 'SyncError', message: `Failed last sync attempt to [${OURS}]: boom` }],
    }),
    expect_(),
    facts(),
    { outcome: 'failed', reason: /SyncError/ },
  ],
  [
    'SyncError about an OLD revision while ours is not seen keeps waiting',
    snapshot({
      revision: OLD,
      conditions: [{ type: 'SyncError', message: `Failed last sync attempt to [${OLD}]: boom` }],
    }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'revision' },
  ],
  [
    'InvalidSpecError fails at once',
    snapshot({
      revision: OLD,
      conditions: [{ type: 'InvalidSpecError', message: 'repository not permitted in project' }],
    }),
    expect_(),
    facts(),
    { outcome: 'failed', reason: /InvalidSpecError/ },
  ],
  [
    'ComparisonError within the grace period waits',
    snapshot({
      revision: OLD,
      sync: 'Unknown',
      conditions: [{ type: 'ComparisonError', message: 'rpc error: repository not found' }],
    }),
    expect_(),
    facts({ comparisonErrorSince: T0 }),
    { outcome: 'waiting', stage: 'revision', reason: /ComparisonError/ },
  ],
  [
    'ComparisonError past the grace period fails',
    snapshot({
      revision: OLD,
      sync: 'Unknown',
      conditions: [{ type: 'ComparisonError', message: 'rpc error: repository not found' }],
    }),
    expect_(),
    facts({ comparisonErrorSince: T0 - 40_000 }),
    { outcome: 'failed', reason: /ComparisonError for 50s/ },
  ],
  [
    'other revision, compare possible and not asked yet: needs compare',
    snapshot({ revision: NEWER }),
    expect_(),
    facts({ canCompare: true }),
    { outcome: 'waiting', stage: 'revision', needs: { compare: [NEWER] } },
  ],
  [
    'newer commit containing ours, superseded: warn → success, superseded',
    snapshot({ revision: NEWER }),
    expect_(),
    facts({ canCompare: true, relations: new Map([[NEWER, 'ahead']]) }),
    { outcome: 'succeeded', superseded: true },
  ],
  [
    'newer commit containing ours, superseded: fail → failed',
    snapshot({ revision: NEWER }),
    expect_({ superseded: 'fail' }),
    facts({ canCompare: true, relations: new Map([[NEWER, 'ahead']]) }),
    { outcome: 'failed', reason: /superseded: fail/ },
  ],
  [
    'newer commit, superseded: wait → never asks, keeps waiting',
    snapshot({ revision: NEWER }),
    expect_({ superseded: 'wait' }),
    facts({ canCompare: true }),
    { outcome: 'waiting', stage: 'revision' },
  ],
  [
    'superseded but still Progressing waits on health',
    snapshot({ revision: NEWER, health: 'Progressing' }),
    expect_(),
    facts({ canCompare: true, relations: new Map([[NEWER, 'ahead']]) }),
    { outcome: 'waiting', stage: 'health' },
  ],
  [
    'older commit (behind) keeps waiting',
    snapshot({ revision: OLD }),
    expect_(),
    facts({ canCompare: true, relations: new Map([[OLD, 'behind']]) }),
    { outcome: 'waiting', stage: 'revision', reason: /older commit/ },
  ],
  [
    'diverged history fails',
    snapshot({ revision: NEWER }),
    expect_(),
    facts({ canCompare: true, relations: new Map([[NEWER, 'diverged']]) }),
    { outcome: 'failed', reason: /does not contain/ },
  ],
  [
    'multi-source: the Git source revision matches, the Helm chart version is ignored',
    snapshot({
      revisions: ['1.4.2', OURS],
      sources: [
        { repoURL: 'https://charts.example.com', chart: 'kserve', targetRevision: '1.4.2' },
        { repoURL: 'https://git/gitops.git', path: 'apps/iris' },
      ],
    }),
    expect_(),
    facts(),
    { outcome: 'succeeded' },
  ],
  [
    'multi-source: an OCI source is ignored, the Git source is old',
    snapshot({
      revisions: [OLD, 'sha256:1234'],
      sources: [{ repoURL: 'https://git/gitops.git', path: 'apps' }, { repoURL: 'oci://registry/app' }],
    }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'revision' },
  ],
  [
    'resources to check: asks for checks',
    snapshot(),
    expect_({ resources: [{ kind: 'InferenceService', namespace: 'models', name: 'iris' }] }),
    facts(),
    { outcome: 'waiting', stage: 'resources', needs: { resources: true } },
  ],
  [
    'resources: one not ready keeps waiting',
    snapshot(),
    expect_({ resources: [{ kind: 'InferenceService', name: 'iris' }] }),
    facts({
      resourceChecks: [
        {
          selector: { kind: 'InferenceService', name: 'iris' },
          healthy: false,
          health: 'Progressing',
          message: 'observedGeneration 1',
        },
      ],
    }),
    { outcome: 'waiting', stage: 'resources', reason: /observedGeneration 1/ },
  ],
  [
    'resources: a Degraded one fails',
    snapshot(),
    expect_({ resources: [{ kind: 'Deployment', name: 'iris' }] }),
    facts({ resourceChecks: [{ selector: { kind: 'Deployment', name: 'iris' }, healthy: false, health: 'Degraded' }] }),
    { outcome: 'failed', reason: /Degraded/ },
  ],
  [
    'resources: all healthy succeeds',
    snapshot(),
    expect_({ resources: [{ kind: 'Deployment', name: 'iris' }] }),
    facts({ resourceChecks: [{ selector: { kind: 'Deployment', name: 'iris' }, healthy: true, health: 'Healthy' }] }),
    { outcome: 'succeeded' },
  ],
  [
    'no Git revision resolved yet',
    snapshot({ revision: '' }),
    expect_(),
    facts(),
    { outcome: 'waiting', stage: 'revision', reason: /not resolved/ },
  ],
  [
    'revision compared case-insensitively',
    snapshot({ revision: OURS.toUpperCase() }),
    expect_(),
    facts(),
    { outcome: 'succeeded' },
  ],
];

describe('evaluate', () => {
  it.each(rows)('%s', (_name, app, expectation, given, wanted) => {
    const verdict = evaluate(app, expectation, given);
    expect(verdict.outcome).toBe(wanted.outcome);
    if (wanted.stage) expect(verdict).toMatchObject({ stage: wanted.stage });
    if (wanted.reason) expect(verdict.reason).toMatch(wanted.reason);
    if (wanted.superseded !== undefined) expect(verdict).toMatchObject({ superseded: wanted.superseded });
    if (wanted.needs) expect(verdict).toMatchObject({ needs: wanted.needs });
    else if (verdict.outcome === 'waiting') expect(verdict.needs).toBeUndefined();
  });

  it('reports the superseding commit as the deployed revision', () => {
    const verdict = evaluate(
      snapshot({ revision: NEWER }),
      expect_(),
      facts({ canCompare: true, relations: new Map([[NEWER, 'ahead']]) }),
    );
    expect(verdict).toMatchObject({ outcome: 'succeeded', deployedRevision: NEWER });
  });
});
