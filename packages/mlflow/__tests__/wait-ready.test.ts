import { describe, expect, it } from '@jest/globals';
import type { Clock } from '@mlops-actions/action-kit/http';
import { MlflowError, MlflowRest, Registry, type WireModelVersion } from '../src/index.js';
import { testDeadline } from '../../../test/helpers/deadline.js';

// The OSS SQL registry creates versions READY at once, so the real server never shows the
// PENDING_REGISTRATION / FAILED_REGISTRATION path: scripted model-versions/get answers (through
// the HTTP client's injectable fetch) and a virtual clock drive it here.

function scripted(statuses: WireModelVersion['status'][]) {
  const clock = { now: 0 };
  const fakeClock: Clock = {
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  };
  const polls: number[] = [];
  const rest = new MlflowRest({
    trackingUri: new URL('http://mlflow.test'),
    deadline: testDeadline(),
    clock: fakeClock,
    fetch: async (url) => {
      expect(url).toBe('http://mlflow.test/api/2.0/mlflow/model-versions/get?name=m&version=4');
      polls.push(clock.now);
      const status = statuses.shift() ?? 'PENDING_REGISTRATION';
      const body = { model_version: { name: 'm', version: '4', status, status_message: 'copy failed: no space left' } };
      return new Response(JSON.stringify(body), { status: 200 });
    },
  });
  return { registry: new Registry(rest, fakeClock), polls, clock };
}

const pending: WireModelVersion = { name: 'm', version: '4', status: 'PENDING_REGISTRATION' };

describe('Registry.waitUntilReady', () => {
  it('returns a READY version without a call', async () => {
    const { registry, polls } = scripted([]);
    await expect(registry.waitUntilReady({ ...pending, status: 'READY' }, 60_000)).resolves.toMatchObject({
      status: 'READY',
    });
    expect(polls).toEqual([]);
  });

  it('polls with growing pauses until READY', async () => {
    const { registry, polls } = scripted(['PENDING_REGISTRATION', 'PENDING_REGISTRATION', 'READY']);
    await expect(registry.waitUntilReady(pending, 60_000)).resolves.toMatchObject({ status: 'READY' });
    expect(polls).toEqual([1000, 3000, 7000]);
  });

  it('fails with the status message on FAILED_REGISTRATION', async () => {
    const { registry } = scripted(['FAILED_REGISTRATION']);
    const failure = registry.waitUntilReady(pending, 60_000);
    await expect(failure).rejects.toThrow(MlflowError);
    await expect(failure).rejects.toThrow("Version 4 of 'm' failed to register: copy failed: no space left.");
  });

  it('gives up at the timeout, naming the pending version', async () => {
    const { registry, clock } = scripted([]);
    await expect(registry.waitUntilReady(pending, 20_000)).rejects.toThrow(
      "Version 4 of 'm' is still PENDING_REGISTRATION after 20s",
    );
    expect(clock.now).toBe(20_000);
  });
});
