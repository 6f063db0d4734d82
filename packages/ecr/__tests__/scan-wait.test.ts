import { describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import { scanGate, type EcrSend, type ResolvedImage } from '../src/index.js';

// moto pins one scan result per image, so the IN_PROGRESS → COMPLETE transition is scripted here.
describe('scan gate wait loop', () => {
  it('waits through IN_PROGRESS and PENDING, then judges the completed scan', async () => {
    const answers = [
      { imageScanStatus: { status: 'PENDING' } },
      { imageScanStatus: { status: 'IN_PROGRESS' } },
      { imageScanStatus: { status: 'COMPLETE' }, imageScanFindings: { findingSeverityCounts: { LOW: 3 } } },
    ];
    const client = { send: async () => answers.shift() } as unknown as EcrSend;
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const image: ResolvedImage = {
      location: { registryId: '1', region: 'us-east-1', repositoryName: 'r', tag: 't' },
      digest: `sha256:${'a'.repeat(64)}`,
      isIndex: false,
      children: [],
      tags: ['t'],
    };
    const logger = memoryLogger();
    const reports = await scanGate(client, image, { maxSeverity: 'MEDIUM', intervalMs: 5000, clock, logger });
    expect(reports[0]).toMatchObject({ status: 'COMPLETE', counts: { LOW: 3 } });
    expect(now).toBe(10_000);
    expect(logger.lines.filter((l) => l.includes('checking again in 5s'))).toHaveLength(2);
  });
});
