import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import { PlatformError } from '../../src/platform/port';
import { platformFor, PlatformRouter } from '../../src/platform/router';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

describe('platform routing of outbox rows', () => {
  const feishu = new DryRunPlatform(quiet);
  const other = Object.assign(new DryRunPlatform(quiet), { name: 'dingtalk' }) as DryRunPlatform;
  const router = new PlatformRouter(feishu, { dingtalk: other });

  test('feishu rows (and rows from before the platform column) go to the default platform', () => {
    expect(platformFor(router, 'feishu')).toBe(feishu);
    expect(platformFor(router, undefined)).toBe(feishu);
    expect(platformFor(feishu, 'feishu')).toBe(feishu);
  });

  test('dingtalk rows go to DingTalk', () => {
    expect(platformFor(router, 'dingtalk')).toBe(other);
    expect(router.name).toBe('dry-run+dingtalk');
  });

  test('a row of a platform this deployment does not run fails for good, with a clear reason', () => {
    for (const attempt of [() => platformFor(feishu, 'dingtalk'), () => platformFor(router, 'wecom')]) {
      expect(attempt).toThrow(PlatformError);
      try {
        attempt();
      } catch (err) {
        expect((err as PlatformError).info.retryable).toBe(false);
        expect((err as Error).message).toMatch(/not configured/);
      }
    }
  });
});
