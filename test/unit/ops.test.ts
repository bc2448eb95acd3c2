import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupFileName, BackupError, checkBackupFile, pruneBackups } from '../../src/ops/backup';
import { bearerMatches } from '../../src/ops/metrics';
import { lastExpiredYear, redactText } from '../../src/ops/retention';
import { openSqliteFile } from '../../src/ops/sqlite-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'innovation-bot-ops-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('backup files', () => {
  it('are named by the instant in UTC, so that names sort by time', () => {
    expect(backupFileName(new Date('2027-06-07T18:00:00.123Z'))).toBe('bot-2027-06-07T18-00-00.123Z.sqlite');
    const names = ['2027-06-07T18:00:00.000Z', '2027-06-07T09:00:00.000Z', '2027-12-01T00:00:00.000Z'].map((t) => backupFileName(new Date(t)));
    expect([...names].sort()).toEqual([names[1], names[0], names[2]]);
  });

  it('are pruned to the newest `keep`, leaving other files alone', () => {
    const names = ['2027-06-01', '2027-06-02', '2027-06-03', '2027-06-04'].map((d) => backupFileName(new Date(`${d}T18:00:00Z`)));
    for (const n of [...names, 'notes.txt', 'bot.sqlite', `${names[0]}.partial`]) writeFileSync(join(dir, n), 'x');
    expect(pruneBackups(dir, 2)).toEqual([names[1], names[0]]);
    expect(readdirSync(dir).sort()).toEqual([names[2], names[3], `${names[0]}.partial`, 'bot.sqlite', 'notes.txt'].sort());
  });

  it("are checked: a file that is not a database, or not this bot's, is refused", async () => {
    const text = join(dir, 'text.sqlite');
    writeFileSync(text, 'hello');
    await expect(checkBackupFile(text)).rejects.toThrow(BackupError);
    const foreign = join(dir, 'foreign.sqlite');
    writeFileSync(foreign, ''); // an empty file is an empty database
    const db = await openSqliteFile(foreign, 'readwrite');
    await db.run('CREATE TABLE t (x INTEGER)');
    await db.close();
    await expect(checkBackupFile(foreign)).rejects.toThrow(/not a database of this bot/);
    await expect(checkBackupFile(join(dir, 'missing.sqlite'))).rejects.toThrow(/no such file/);
  });
});

describe('retention', () => {
  it('cuts mobiles and e-mail addresses out of free text, and nothing else', () => {
    expect(redactText('请联系 13800138000 或 zhang.san+x@example.com.cn，座机 0471-1234567')).toBe('请联系 ［手机号已删除］ 或 ［邮箱已删除］，座机 0471-1234567');
    expect(redactText('电话：+86 138-0013-8000；138 0013 8000')).toBe('电话：［手机号已删除］；［手机号已删除］');
    expect(redactText('参加 320 人，编号 SQ2027-0001，金额 12345678901234')).toBe('参加 320 人，编号 SQ2027-0001，金额 12345678901234');
    expect(redactText(null)).toBeNull();
  });

  it('goes by the calendar of SCHEDULE_TIMEZONE: a year is gone once it ended more than N years ago', () => {
    // 2030-12-31 17:00 UTC is already 1 January 2031 in Shanghai: 2027 ended more than 3 years ago.
    expect(lastExpiredYear(new Date('2030-12-31T17:00:00Z'), 'Asia/Shanghai', 3)).toBe(2027);
    expect(lastExpiredYear(new Date('2030-12-31T15:59:59Z'), 'Asia/Shanghai', 3)).toBe(2026);
    expect(lastExpiredYear(new Date('2031-06-01T00:00:00Z'), 'Asia/Shanghai', 1)).toBe(2029);
  });
});

describe('the metrics bearer token', () => {
  const token = 'metrics-token-0123456789abcdef';
  it.each([
    [`Bearer ${token}`, true],
    [`bearer ${token}`, true],
    [`Bearer ${token} `, true],
    [`Bearer ${token}x`, false],
    [`Bearer ${token.slice(1)}`, false],
    [token, false],
    ['Bearer', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (header, ok) => {
    expect(bearerMatches(header, token)).toBe(ok);
  });
});
