import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { BitableClient } from '../../src/platform/feishu/bitable-client';
import { PlatformError } from '../../src/platform/port';
import { prepareBase } from '../../src/services/ledger/ledger-base';
import { FakeFeishu } from '../helpers/fake-feishu';

/**
 * prepareBase against the fake Bitable: the three tables made where missing, fields added to a
 * table that lacks them, a field of the wrong type left out of the writes, and the exact Chinese
 * problems the centre sees (`台账`) when the Base cannot be read or changed.
 */

const BASE = 'bascnLedgerBase0000000001';
const NEEDS = '企业需求台账';
let fake: FakeFeishu;
/** What prepareBase logged (JSON lines), for the summary line it ends with. */
let logged: Array<{ level: number; msg: string; problems?: string[]; tables?: string[] }>;
beforeEach(async () => {
  fake = await new FakeFeishu().start();
  logged = [];
});
afterEach(async () => {
  await fake.stop();
});

function prepare(appToken = BASE) {
  const logger = createLogger('info', new Writable({ write: (chunk, _e, done) => void (logged.push(JSON.parse(String(chunk))), done()) }));
  const client = new BitableClient({ appId: fake.appId, appSecret: fake.appSecret, baseUrl: fake.url, timeoutMs: 5000, logger });
  let slots = 0;
  const result = prepareBase(client, appToken, async () => void (slots += 1), logger);
  return result.then((r) => ({ ...r, slots }));
}

/** 企业需求台账 as someone made it by hand: 编号 right, 企业名称 a number, 所在盟市 right; the rest missing. */
function handMadeNeeds() {
  return {
    table_id: 'tblHand01',
    name: NEEDS,
    fields: [
      { field_id: 'fld1', field_name: '编号', type: 1, is_primary: true },
      { field_id: 'fld2', field_name: '企业名称', type: 2, is_primary: false },
      { field_id: 'fld3', field_name: '所在盟市', type: 3, is_primary: false },
    ],
    records: new Map(),
  };
}

it('creates the missing tables and fields, and leaves a field of the wrong type out of the writes', async () => {
  fake.bitable.addBase(BASE, [handMadeNeeds()]);
  const { tables, problems, slots } = await prepare();
  expect(problems).toEqual(['数据表「企业需求台账」的字段「企业名称」类型为数字，应为文本（该字段暂不写入，请修改类型或删除后由机器人重建）']);
  expect([...tables!.keys()]).toEqual(['application', 'need', 'report']);
  const needs = tables!.get('need')!;
  expect(needs.tableId).toBe('tblHand01');
  expect([...needs.writable]).toEqual(['编号', '所在盟市', '行业', '需求类型', '状态', '对接专家', '专家单位', '关联活动', '提交时间', '最近更新']);
  expect(fake.bitable.table(BASE, NEEDS)!.fields.map((f) => f.field_name)).toEqual(['编号', '企业名称', '所在盟市', '行业', '需求类型', '状态', '对接专家', '专家单位', '关联活动', '提交时间', '最近更新']);
  const apps = tables!.get('application')!;
  expect(apps.tableId).toBe(fake.bitable.table(BASE, '活动申请台账')!.table_id);
  expect(apps.writable.size).toBe(23);
  expect(tables!.get('report')!.writable.size).toBe(11);
  // One slot per call: list tables, create two tables, list fields, add eight fields.
  expect(slots).toBe(1 + 2 + 1 + 8);
  // The problems are logged as a warning, not as tables ready.
  const summary = logged.filter((l) => l.msg.startsWith('ledger: the Base') || l.msg === 'ledger: tables ready');
  expect(summary).toEqual([expect.objectContaining({ level: 40, msg: 'ledger: the Base is not as the 台账 needs it', problems })]);
});

it('logs the tables ready, and no warning, when the Base is as the 台账 needs it', async () => {
  fake.bitable.addBase(BASE, []);
  const { tables, problems } = await prepare();
  expect(problems).toEqual([]);
  const summary = logged.filter((l) => l.msg.startsWith('ledger: the Base') || l.msg === 'ledger: tables ready');
  const ids = (['application', 'need', 'report'] as const).map((e) => tables!.get(e)!);
  expect(summary).toEqual([
    expect.objectContaining({ level: 30, msg: 'ledger: tables ready', tables: ids.map((t) => `${t.spec.name}=${t.tableId}`) }),
  ]);
  expect(logged.filter((l) => l.level >= 40)).toEqual([]);
});

it('lists what it may not make, in Chinese, and keeps the table it found', async () => {
  fake.bitable.addBase(BASE, [handMadeNeeds()]);
  fake.bitable.denyStructure = true;
  const { tables, problems } = await prepare();
  expect(problems).toEqual([
    '缺少数据表「活动申请台账」，创建失败：没有权限（1254302）',
    '数据表「企业需求台账」的字段「企业名称」类型为数字，应为文本（该字段暂不写入，请修改类型或删除后由机器人重建）',
    ...['行业', '需求类型', '状态'].map((f) => `数据表「企业需求台账」缺少字段「${f}」（单选），添加失败：没有权限（1254302）`),
    ...['对接专家', '专家单位', '关联活动'].map((f) => `数据表「企业需求台账」缺少字段「${f}」（文本），添加失败：没有权限（1254302）`),
    ...['提交时间', '最近更新'].map((f) => `数据表「企业需求台账」缺少字段「${f}」（日期），添加失败：没有权限（1254302）`),
    '缺少数据表「报送台账」，创建失败：没有权限（1254302）',
  ]);
  expect([...tables!.keys()]).toEqual(['need']);
  expect([...tables!.get('need')!.writable]).toEqual(['编号', '所在盟市']);
});

it('says the Base cannot be found, and gives no tables', async () => {
  const { tables, problems } = await prepare('bascnNoSuchBase');
  expect(tables).toBeUndefined();
  expect(problems).toEqual([
    '无法读取多维表格（bascnNoSuchBase）的数据表：找不到该多维表格（1254040），请检查 FEISHU_BITABLE_APP_TOKEN。请确认应用已开通 bitable:app 权限，并已被添加为该多维表格的协作者（可编辑）。',
  ]);
});

describe('why a call failed, as the problems say it', () => {
  /** A client whose every call fails with `err`; listTables too unless `tables` is given. */
  function failing(err: unknown, tables?: Array<{ tableId: string; name: string }>): BitableClient {
    const fail = async () => {
      throw err;
    };
    return { listTables: tables ? async () => tables : fail, listFields: fail, createTable: fail, createField: fail } as unknown as BitableClient;
  }
  const run = (client: BitableClient) => prepareBase(client, BASE, async () => undefined, createLogger('fatal'));
  const CANNOT_READ = (why: string) => `无法读取多维表格（${BASE}）的数据表：${why}。请确认应用已开通 bitable:app 权限，并已被添加为该多维表格的协作者（可编辑）。`;

  it.each([
    [new PlatformError('forbidden', { retryable: false, status: 403, code: 99 }), '没有权限（99）'],
    [new PlatformError('forbidden', { retryable: false, status: 403 }), '没有权限（403）'],
    [new PlatformError('no role', { retryable: false, status: 400, code: 91403 }), '没有权限（91403）'],
    // Feishu's reply with code ≠ 0 that resolves (HTTP 200) carries no status: the code alone says it.
    [new PlatformError('RolePermNotAllow', { retryable: false, code: 1254302 }), '没有权限（1254302）'],
    [new PlatformError('Bitable is down', { retryable: true, status: 500, code: 1254000 }), 'Bitable is down'],
    [new Error('socket hang up'), 'socket hang up'],
    ['plain words', 'plain words'],
  ])('describes %p as %s', async (err, why) => {
    expect((await run(failing(err))).problems).toEqual([CANNOT_READ(why)]);
  });

  it('lists a table whose fields cannot be read, and leaves it out', async () => {
    const err = new PlatformError('Bitable is down', { retryable: true, status: 500 });
    const { tables, problems } = await run(failing(err, [{ tableId: 'tblN', name: NEEDS }]));
    expect(problems).toEqual([
      '缺少数据表「活动申请台账」，创建失败：Bitable is down',
      '无法读取数据表「企业需求台账」的字段：Bitable is down',
      '缺少数据表「报送台账」，创建失败：Bitable is down',
    ]);
    expect(tables!.size).toBe(0);
  });
});

it('names the types of fields it finds wrong, or their number when it has no word for it', async () => {
  const field = (i: number, name: string, type: number) => ({ field_id: `fld${i}`, field_name: name, type, is_primary: i === 1 });
  const table = (id: string, name: string, fields: ReturnType<typeof field>[]) => ({ table_id: id, name, fields, records: new Map() });
  fake.bitable.addBase(BASE, [
    table('tblA', '活动申请台账', [field(1, '编号', 1), field(2, '已收盖章扫描件', 1), field(3, '计划人数', 5)]),
    table('tblN', NEEDS, [field(1, '编号', 1), field(2, '企业名称', 7), field(3, '所在盟市', 4), field(4, '状态', 11)]),
  ]);
  fake.bitable.denyStructure = true;
  const { problems } = await prepare();
  const wrong = (t: string, f: string, is: string, want: string) => `数据表「${t}」的字段「${f}」类型为${is}，应为${want}（该字段暂不写入，请修改类型或删除后由机器人重建）`;
  expect(problems.filter((p) => p.includes('类型为'))).toEqual([
    wrong('活动申请台账', '计划人数', '日期', '数字'),
    wrong('活动申请台账', '已收盖章扫描件', '文本', '复选框'),
    wrong(NEEDS, '企业名称', '复选框', '文本'),
    wrong(NEEDS, '所在盟市', '多选', '单选'),
    wrong(NEEDS, '状态', '11', '单选'),
  ]);
});
