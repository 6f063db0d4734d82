import { describe, expect, it } from '@jest/globals';
import { Deadline } from '@mlops-actions/action-kit/http';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { MlflowRest, Registry, promote, type WireModelVersion } from '../src/index.js';

// MLflow 3.17's REST ModelVersion carries no model_id (ModelVersion.to_proto never sets it): the
// id is only in the version's source, models:/<model_id>. The promoted version's answers are
// scripted here; test/workflows/promote.e2e.test.ts runs the real server through promote.yml.

const quiet: Logger = { debug() {}, info() {}, warning() {}, error() {}, group: (_name, fn) => fn() };

function registryAnswering(version: WireModelVersion) {
  let champion: string | undefined = '1';
  const rest = new MlflowRest({
    trackingUri: new URL('http://mlflow.test'),
    deadline: Deadline.after(60_000, 'the test'),
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
      if (url.pathname === '/version') return new Response('3.17.2', { status: 200 });
      if (url.pathname.endsWith('/registered-models/alias') && init?.method !== 'POST') {
        const alias = url.searchParams.get('alias');
        if (alias === 'challenger') return json({ model_version: version });
        return json({ model_version: { ...version, version: champion } });
      }
      if (url.pathname.endsWith('/registered-models/alias')) {
        champion = (JSON.parse(String(init?.body)) as { version: string }).version;
        return json({});
      }
      throw new Error(`unexpected request ${url.pathname}`);
    },
  });
  return { rest, registry: new Registry(rest), logger: quiet };
}

const promoteChallenger = (version: WireModelVersion) =>
  promote(registryAnswering(version), { modelName: 'churn', to: 'champion', from: { alias: 'challenger' } });

describe('promote: the model id of the promoted version', () => {
  it('comes from the source models:/<model_id> when the REST answer has no model_id field', async () => {
    const result = await promoteChallenger({
      name: 'churn',
      version: '2',
      source: 'models:/m-ed829f0c1a2b4c3d9e8f7a6b5c4d3e2f',
      run_id: 'r2',
      status: 'READY',
    });
    expect(result).toMatchObject({ version: '2', previousVersion: '1', modelId: 'm-ed829f0c1a2b4c3d9e8f7a6b5c4d3e2f' });
  });

  it('prefers the model_id field when the server sends one', async () => {
    const result = await promoteChallenger({
      name: 'churn',
      version: '2',
      source: 'models:/m-0000',
      model_id: 'm-1111',
      status: 'READY',
    });
    expect(result.modelId).toBe('m-1111');
  });

  it('stays unknown for a version registered from a run artifact or a registry URI', async () => {
    for (const source of ['runs:/r2/model', 's3://bucket/1/r2/artifacts/model', 'models:/churn/1', 'models:/']) {
      const result = await promoteChallenger({ name: 'churn', version: '2', source, status: 'READY' });
      expect({ source, modelId: result.modelId }).toEqual({ source, modelId: undefined });
    }
  });
});
