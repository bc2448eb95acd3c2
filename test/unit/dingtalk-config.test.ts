import { ConfigError, loadConfig } from '../../src/config';

const DT = { DINGTALK_CLIENT_ID: 'dingabc123', DINGTALK_CLIENT_SECRET: 'secret' };

describe('DingTalk configuration', () => {
  test('off when neither credential is set; the bot stays in dry-run as before', () => {
    const config = loadConfig({});
    expect(config.dingtalk).toBeUndefined();
    expect(config.dryRun).toBe(true);
  });

  test('documented defaults: robot code = client id, stream mode, api.dingtalk.com', () => {
    const config = loadConfig(DT);
    expect(config.dingtalk).toEqual({
      clientId: 'dingabc123',
      clientSecret: 'secret',
      robotCode: 'dingabc123',
      mode: 'stream',
      baseUrl: 'https://api.dingtalk.com',
      adminStaffIds: new Set(),
    });
  });

  test('every variable is read', () => {
    const config = loadConfig({
      ...DT,
      DINGTALK_ROBOT_CODE: 'dingrobot',
      DINGTALK_MODE: 'http',
      DINGTALK_BASE_URL: 'http://127.0.0.1:8080/',
      DINGTALK_ADMIN_STAFF_IDS: ' 0420, manager-7 ',
      DINGTALK_TENANT_KEY: '2e7075328c8f165b',
    });
    expect(config.dingtalk).toMatchObject({ robotCode: 'dingrobot', mode: 'http', baseUrl: 'http://127.0.0.1:8080', adminStaffIds: new Set(['0420', 'manager-7']), tenantKey: '2e7075328c8f165b' });
  });

  test.each([
    [{ DINGTALK_CLIENT_ID: 'x' }, 'DINGTALK_CLIENT_SECRET'],
    [{ DINGTALK_CLIENT_SECRET: 'x' }, 'DINGTALK_CLIENT_ID'],
    [{ ...DT, DINGTALK_MODE: 'webhook' }, 'DINGTALK_MODE'],
    [{ ...DT, DINGTALK_BASE_URL: 'api.dingtalk.com/v1' }, 'DINGTALK_BASE_URL'],
    [{ ...DT, DINGTALK_ADMIN_STAFF_IDS: 'a b' }, 'DINGTALK_ADMIN_STAFF_IDS'],
    // A staff id that looks like a Feishu open id would be routed to Feishu.
    [{ ...DT, DINGTALK_ADMIN_STAFF_IDS: '0420,ou_abc' }, 'DINGTALK_ADMIN_STAFF_IDS'],
    [{ ...DT, DINGTALK_TENANT_KEY: 'two words' }, 'DINGTALK_TENANT_KEY'],
  ])('%j is refused naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable);
    }
  });
});
