import { Config, ConfigError, loadConfig } from '../../src/config';

const CREDENTIALS = { FEISHU_APP_ID: 'cli_a1b2c3d4e5', FEISHU_APP_SECRET: 'secret-value' };

/** The ConfigError that loadConfig throws for `env` (fails the test if it does not throw one). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  let config: Config;
  beforeAll(() => {
    config = loadConfig({});
  });

  it('uses the documented defaults', () => {
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('sqlite:data/bot.sqlite');
    expect(config.feishu.baseUrl).toBe('https://open.feishu.cn');
    expect(config.timezone).toBe('Asia/Shanghai');
    expect(config.logLevel).toBe('info');
    expect(config.feishu.maxClockSkewSeconds).toBe(300);
    expect(config.feishu.httpTimeoutMs).toBe(10_000);
    expect(config.maxBodyBytes).toBe(1024 * 1024);
  });

  it('is a dry run without credentials', () => {
    expect(config.dryRun).toBe(true);
    expect(config.feishu.appId).toBeUndefined();
    expect(config.feishu.appSecret).toBeUndefined();
    expect(config.feishu.encryptKey).toBeUndefined();
    expect(config.feishu.verificationToken).toBeUndefined();
  });

  it('has no admins', () => {
    expect(config.adminOpenIds.size).toBe(0);
  });

  it('leaves the campaign year to the clock (campaignYearOn) when CAMPAIGN_YEAR is not set', () => {
    expect(config.campaignYear).toBeUndefined();
  });

  it('treats empty and blank optional variables as unset', () => {
    const c = loadConfig({ FEISHU_APP_ID: '', FEISHU_APP_SECRET: '  ', FEISHU_ENCRYPT_KEY: '', CAMPAIGN_YEAR: '' });
    expect(c.dryRun).toBe(true);
    expect(c.feishu.encryptKey).toBeUndefined();
    expect(c.campaignYear).toBeUndefined();
  });
});

describe('CAMPAIGN_YEAR', () => {
  it('an explicit value is kept', () => {
    expect(loadConfig({ CAMPAIGN_YEAR: '2025' }).campaignYear).toBe(2025);
  });
  // Which year applies when it is not set, at chosen dates: campaignYearOn in application-rules.test.ts.
});

describe('credentials', () => {
  it('app id without secret names FEISHU_APP_SECRET', () => {
    expect(configError({ FEISHU_APP_ID: CREDENTIALS.FEISHU_APP_ID, FEISHU_ENCRYPT_KEY: 'k' }).variable).toBe('FEISHU_APP_SECRET');
  });

  it('secret without app id names FEISHU_APP_ID', () => {
    expect(configError({ FEISHU_APP_SECRET: CREDENTIALS.FEISHU_APP_SECRET, FEISHU_ENCRYPT_KEY: 'k' }).variable).toBe('FEISHU_APP_ID');
  });

  it('credentials without an encrypt key or verification token are refused', () => {
    const err = configError({ ...CREDENTIALS });
    expect(err.variable).toBe('FEISHU_ENCRYPT_KEY');
    expect(err.message).toContain('FEISHU_VERIFICATION_TOKEN');
  });

  it.each([
    ['an encrypt key', { FEISHU_ENCRYPT_KEY: 'enc-key' }],
    ['a verification token', { FEISHU_VERIFICATION_TOKEN: 'verif-token' }],
  ])('credentials with %s turn dry-run off', (_what, extra) => {
    const c = loadConfig({ ...CREDENTIALS, ...extra });
    expect(c.dryRun).toBe(false);
    expect(c.feishu.appId).toBe(CREDENTIALS.FEISHU_APP_ID);
    expect(c.feishu.appSecret).toBe(CREDENTIALS.FEISHU_APP_SECRET);
  });

  it('an app id that does not start with cli_ is refused', () => {
    expect(configError({ FEISHU_APP_ID: 'app_123', FEISHU_APP_SECRET: 's', FEISHU_ENCRYPT_KEY: 'k' }).variable).toBe(
      'FEISHU_APP_ID',
    );
  });

  it('trims surrounding whitespace of secrets', () => {
    const c = loadConfig({ ...CREDENTIALS, FEISHU_ENCRYPT_KEY: '  enc-key\n' });
    expect(c.feishu.encryptKey).toBe('enc-key');
  });
});

describe('bad values name their variable', () => {
  it.each([
    ['ADMIN_OPEN_IDS', 'ou_abc,not-an-open-id'],
    ['ADMIN_OPEN_IDS', 'on_abc'],
    ['DATABASE_URL', 'mysql://user:pass@host/db'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', 'data/bot.sqlite'],
    ['SCHEDULE_TIMEZONE', 'Mars/Olympus_Mons'],
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['CAMPAIGN_YEAR', '27'],
    ['CAMPAIGN_YEAR', 'next year'],
    ['CAMPAIGN_YEAR', '1999'],
    ['FEISHU_BASE_URL', 'open.feishu.cn'],
    ['FEISHU_BASE_URL', 'https://open.feishu.cn/open-apis'],
    ['LOG_LEVEL', 'verbose'],
    ['FEISHU_MAX_CLOCK_SKEW_SECONDS', '0'],
    ['FEISHU_HTTP_TIMEOUT_MS', '10'],
    ['MAX_BODY_BYTES', '10'],
  ])('%s=%j → ConfigError naming that variable', (variable, value) => {
    const err = configError({ [variable]: value });
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}: `)).toBe(true);
    expect(err.name).toBe('ConfigError');
  });

  it('treats an empty value as unset, as `PORT=` in an env file means', () => {
    const c = loadConfig({ PORT: '', SCHEDULE_TIMEZONE: ' ', DATABASE_URL: '', LOG_LEVEL: '' });
    expect(c.port).toBe(3000);
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.databaseUrl).toBe('sqlite:data/bot.sqlite');
    expect(c.logLevel).toBe('info');
  });
});

describe('parsed values', () => {
  it('parses ADMIN_OPEN_IDS with spaces and empty items into a Set', () => {
    const c = loadConfig({ ADMIN_OPEN_IDS: ' ou_aaa , ou_bbb,, ou_aaa ,ou_ccc ' });
    expect(c.adminOpenIds).toBeInstanceOf(Set);
    expect([...c.adminOpenIds].sort()).toEqual(['ou_aaa', 'ou_bbb', 'ou_ccc']);
    expect(c.adminOpenIds.has('ou_bbb')).toBe(true);
  });

  it.each(['postgres://user:pass@db.internal:5432/bot', 'postgresql://user:pass@localhost/bot'])(
    'accepts the postgres URL %s',
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  it('accepts a sqlite path', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/bot/bot.sqlite' }).databaseUrl).toBe('sqlite:/var/lib/bot/bot.sqlite');
  });

  it.each([
    ['https://open.larksuite.com/', 'https://open.larksuite.com'],
    ['https://open.feishu.cn', 'https://open.feishu.cn'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
  ])('FEISHU_BASE_URL %s becomes %s', (input, expected) => {
    expect(loadConfig({ FEISHU_BASE_URL: input }).feishu.baseUrl).toBe(expected);
  });

  it('parses numbers', () => {
    const c = loadConfig({ PORT: '8080', FEISHU_MAX_CLOCK_SKEW_SECONDS: '60', FEISHU_HTTP_TIMEOUT_MS: '2500', MAX_BODY_BYTES: '2048' });
    expect(c.port).toBe(8080);
    expect(c.feishu.maxClockSkewSeconds).toBe(60);
    expect(c.feishu.httpTimeoutMs).toBe(2500);
    expect(c.maxBodyBytes).toBe(2048);
  });

  it('accepts another IANA time zone', () => {
    expect(loadConfig({ SCHEDULE_TIMEZONE: 'Asia/Urumqi' }).timezone).toBe('Asia/Urumqi');
  });
});

describe('FEISHU_EVENT_MODE', () => {
  const LONG = { FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', FEISHU_APP_SECRET: 'secret-value', FEISHU_EVENT_MODE: 'long-connection' };

  it('defaults to webhook', () => {
    expect(loadConfig({}).feishu.eventMode).toBe('webhook');
  });

  it('long-connection needs neither an encrypt key nor a verification token', () => {
    const c = loadConfig(LONG);
    expect(c.feishu.eventMode).toBe('long-connection');
    expect(c.dryRun).toBe(false);
    expect(c.feishu.encryptKey).toBeUndefined();
  });

  it('long-connection without app credentials is refused', () => {
    const err = configError({ FEISHU_EVENT_MODE: 'long-connection' });
    expect(err.variable).toBe('FEISHU_EVENT_MODE');
    expect(err.message).toContain('FEISHU_APP_ID');
  });

  it('long-connection refuses an app id the SDK would silently ignore', () => {
    const err = configError({ ...LONG, FEISHU_APP_ID: 'cli_test_app' });
    expect(err.variable).toBe('FEISHU_APP_ID');
    expect(err.message).toContain('16 hexadecimal digits');
  });

  it('an unknown mode names the variable', () => {
    expect(configError({ FEISHU_EVENT_MODE: 'websocket' }).variable).toBe('FEISHU_EVENT_MODE');
  });
});

describe('HTTP hardening (issue 14)', () => {
  it('does not trust X-Forwarded-For unless TRUST_PROXY=1; caps connections; times requests out', () => {
    expect(loadConfig({}).http).toEqual({ trustProxy: false, maxConnections: 512, requestTimeoutMs: 10_000 });
    expect(loadConfig({ TRUST_PROXY: '1', HTTP_MAX_CONNECTIONS: '100', HTTP_REQUEST_TIMEOUT_MS: '5000' }).http).toEqual({
      trustProxy: true,
      maxConnections: 100,
      requestTimeoutMs: 5000,
    });
  });

  it('names TRUST_PROXY when it is neither 0 nor 1', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow("TRUST_PROXY: expected '0' or '1'");
  });
});

describe('operations settings (issue 15)', () => {
  it('defaults: no nightly backup, 14 kept, no /metrics, 3 years', () => {
    const c = loadConfig({});
    expect({ backupDir: c.backupDir, backupKeep: c.backupKeep, metricsToken: c.metricsToken, dataRetentionYears: c.dataRetentionYears }).toEqual({
      backupDir: undefined,
      backupKeep: 14,
      metricsToken: undefined,
      dataRetentionYears: 3,
    });
  });

  it('reads them', () => {
    const c = loadConfig({ BACKUP_DIR: '/var/backups/bot', BACKUP_KEEP: '30', METRICS_TOKEN: 'a'.repeat(32), DATA_RETENTION_YEARS: '5' });
    expect({ backupDir: c.backupDir, backupKeep: c.backupKeep, metricsToken: c.metricsToken, dataRetentionYears: c.dataRetentionYears }).toEqual({
      backupDir: '/var/backups/bot',
      backupKeep: 30,
      metricsToken: 'a'.repeat(32),
      dataRetentionYears: 5,
    });
  });

  it.each([
    [{ BACKUP_KEEP: '0' }, 'BACKUP_KEEP'],
    [{ DATA_RETENTION_YEARS: 'three' }, 'DATA_RETENTION_YEARS'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(configError(env).variable).toBe(variable);
  });
});

describe('CENTRE_CONTACT_*', () => {
  it('defaults to no contact', () => {
    expect(loadConfig({}).centreContact).toEqual({});
  });

  it('reads each part', () => {
    const c = loadConfig({ CENTRE_CONTACT_NAME: '师丽丽', CENTRE_CONTACT_PHONE: '0471-6939381', CENTRE_CONTACT_EMAIL: 'zzqkczx@126.com' });
    expect(c.centreContact).toEqual({ name: '师丽丽', phone: '0471-6939381', email: 'zzqkczx@126.com' });
  });

  it.each([
    ['CENTRE_CONTACT_PHONE', 'call me'],
    ['CENTRE_CONTACT_EMAIL', 'not-an-email'],
  ])('names %s when it is malformed', (variable, value) => {
    expect(configError({ [variable]: value }).variable).toBe(variable);
  });
});

describe('SCAN_REQUIRED', () => {
  it('defaults to confirm (ask before approving without the stamped scan, remind the filer)', () => {
    expect(loadConfig({}).scanRequired).toBe('confirm');
  });

  it('accepts off', () => {
    expect(loadConfig({ SCAN_REQUIRED: 'off' }).scanRequired).toBe('off');
  });

  it('names the variable for anything else', () => {
    expect(configError({ SCAN_REQUIRED: 'yes' }).variable).toBe('SCAN_REQUIRED');
  });
});

describe('TEST_CLOCK_AT (the tests-only clock)', () => {
  const LOOPBACK = { ...CREDENTIALS, FEISHU_ENCRYPT_KEY: 'k', FEISHU_BASE_URL: 'http://127.0.0.1:4567' };
  const AT = '2027-06-01T00:30:00+08:00';

  it('is honoured with NODE_ENV=test and a loopback Open API (the campaign year then follows that clock)', () => {
    const config = loadConfig({ ...LOOPBACK, NODE_ENV: 'test', TEST_CLOCK_AT: AT });
    expect(config.testClockAt).toBe(Date.parse(AT));
    expect(config.campaignYear).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test', TEST_CLOCK_AT: AT }).testClockAt).toBe(Date.parse(AT)); // dry-run
    expect(() => loadConfig({ NODE_ENV: 'test', TEST_CLOCK_AT: AT, DINGTALK_CLIENT_ID: 'ding', DINGTALK_CLIENT_SECRET: 's' })).toThrow('DINGTALK_BASE_URL');
    expect(loadConfig({ ...LOOPBACK, NODE_ENV: 'test', FEISHU_BASE_URL: 'http://localhost:1', TEST_CLOCK_AT: AT }).testClockAt).toBe(Date.parse(AT));
  });

  it('is unset by default', () => {
    expect(loadConfig({ ...LOOPBACK, NODE_ENV: 'test' }).testClockAt).toBeUndefined();
  });

  it('is refused outside NODE_ENV=test', () => {
    for (const NODE_ENV of [undefined, 'production', 'development', '']) {
      const err = configError({ ...LOOPBACK, NODE_ENV, TEST_CLOCK_AT: AT });
      expect(err.message).toBe('TEST_CLOCK_AT: is for tests only: it is refused unless NODE_ENV=test');
    }
  });

  it('is refused when the credentials point at a real (non-loopback) Open API', () => {
    for (const FEISHU_BASE_URL of [undefined, 'https://open.feishu.cn', 'http://10.0.0.1:80', 'http://127.0.0.1.evil.com']) {
      const err = configError({ ...LOOPBACK, FEISHU_BASE_URL, NODE_ENV: 'test', TEST_CLOCK_AT: AT });
      expect(err.message).toBe('TEST_CLOCK_AT: is for tests only: it is refused when FEISHU_BASE_URL is not a loopback address');
    }
  });

  it('needs an instant with its offset', () => {
    for (const TEST_CLOCK_AT of ['2027-06-01 00:30', '2027-06-01T00:30:00', 'tomorrow']) {
      expect(configError({ NODE_ENV: 'test', TEST_CLOCK_AT }).variable).toBe('TEST_CLOCK_AT');
    }
  });
});

describe('the 台账 (issue 13 item 1)', () => {
  it('is off without FEISHU_BITABLE_APP_TOKEN, and links to the Base by its token unless FEISHU_BITABLE_URL is set', () => {
    expect(loadConfig({}).ledger).toBeUndefined();
    expect(loadConfig({ FEISHU_BITABLE_APP_TOKEN: 'bascnCMII2ORej2RItqpZZUNMIe' }).ledger).toEqual({
      appToken: 'bascnCMII2ORej2RItqpZZUNMIe',
      url: 'https://feishu.cn/base/bascnCMII2ORej2RItqpZZUNMIe',
    });
    const url = 'https://centre.feishu.cn/base/bascnCMII2ORej2RItqpZZUNMIe';
    expect(loadConfig({ FEISHU_BITABLE_APP_TOKEN: 'bascnCMII2ORej2RItqpZZUNMIe', FEISHU_BITABLE_URL: url }).ledger?.url).toBe(url);
  });

  it('refuses a whole address or a bad link with a line naming the variable', () => {
    expect(configError({ FEISHU_BITABLE_APP_TOKEN: 'https://centre.feishu.cn/base/bascnX' }).variable).toBe('FEISHU_BITABLE_APP_TOKEN');
    expect(configError({ FEISHU_BITABLE_APP_TOKEN: 'bascnCMII2ORej2RItqpZZUNMIe', FEISHU_BITABLE_URL: 'centre.feishu.cn/base' }).variable).toBe('FEISHU_BITABLE_URL');
  });
});
