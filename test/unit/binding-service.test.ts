import type { DataSource } from 'typeorm';
import { ChatBinding } from '../../src/db/entities/chat-binding.entity';
import { BindingService } from '../../src/services/binding-service';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * BindingService against a real SQLite file: which chat a lookup finds (tenant and chat), which
 * chats a scope has and in which order, binding a new chat (the stored row, the platform),
 * re-binding (the previous scope, what changes and what stays), unbinding, and the races the
 * service absorbs (two binds or two 解绑 at once), simulated by acting between its read and write.
 */

const TENANT = 'tenant-1';
const OTHER_TENANT = 'tenant-2';
const T0 = Date.UTC(2027, 4, 1, 2, 0, 0);

let ds: DataSource;
let now: number;
let service: BindingService;

beforeEach(async () => {
  ds = await openTempDatabase('binding-service-');
  now = T0;
  service = new BindingService(ds, () => now);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await closeTempDatabase(ds);
});

const repo = () => ds.getRepository(ChatBinding);
const rows = () => repo().find({ order: { id: 'ASC' } });

describe('bind', () => {
  it('records a new chat with its scope, who bound it, the platform and the time', async () => {
    expect(await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin')).toEqual({ previous: undefined });
    const [row] = await rows();
    expect(row).toMatchObject({ tenantKey: TENANT, chatId: 'oc_a', scope: '包头市', boundBy: 'ou_admin', platform: 'feishu', createdAt: T0, updatedAt: T0 });
    expect(await rows()).toHaveLength(1);
  });

  it('records the platform the service was made for', async () => {
    const dingtalk = new BindingService(ds, () => now, 'dingtalk');
    await dingtalk.bind(TENANT, 'cid_a', '中心', 'user_1');
    expect((await rows())[0].platform).toBe('dingtalk');
  });

  it('re-binding a chat moves it to the new scope and reports the previous one', async () => {
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin');
    now = T0 + 60_000;
    expect(await service.bind(TENANT, 'oc_a', '中心', 'ou_other')).toEqual({ previous: '包头市' });
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ chatId: 'oc_a', scope: '中心', boundBy: 'ou_other', createdAt: T0, updatedAt: T0 + 60_000 });
  });

  it('the same chat id in another tenant is a binding of its own', async () => {
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin');
    expect(await service.bind(OTHER_TENANT, 'oc_a', '赤峰市', 'ou_admin')).toEqual({ previous: undefined });
    expect((await rows()).map((r) => [r.tenantKey, r.scope])).toEqual([[TENANT, '包头市'], [OTHER_TENANT, '赤峰市']]);
  });

  it('when another bind of the chat wins the race, ours becomes an update', async () => {
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_first');
    // The lookup misses the row, as it would when the other insert lands right after it.
    jest.spyOn(repo(), 'findOneBy').mockResolvedValueOnce(null);
    now = T0 + 1000;
    expect(await service.bind(TENANT, 'oc_a', '中心', 'ou_second')).toEqual({ previous: '包头市' });
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ scope: '中心', boundBy: 'ou_second', updatedAt: T0 + 1000 });
  });

  it('any other failure of the insert is passed on', async () => {
    jest.spyOn(repo(), 'insert').mockRejectedValueOnce(new Error('disk full'));
    await expect(service.bind(TENANT, 'oc_a', '包头市', 'ou_admin')).rejects.toThrow('disk full');
    expect(await rows()).toEqual([]);
  });
});

describe('find, chatsFor and all', () => {
  it('find returns the chat of this tenant only', async () => {
    await service.bind(OTHER_TENANT, 'oc_a', '赤峰市', 'ou_admin');
    expect(await service.find(TENANT, 'oc_a')).toBeNull();
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin');
    expect(await service.find(TENANT, 'oc_a')).toMatchObject({ tenantKey: TENANT, chatId: 'oc_a', scope: '包头市' });
    expect(await service.find(TENANT, 'oc_b')).toBeNull();
  });

  it('chatsFor lists the scope’s chats of this tenant, oldest binding first', async () => {
    // Chat ids in the reverse of binding order, so that an index order would differ from id order.
    await service.bind(TENANT, 'oc_z', '包头市', 'ou_admin');
    await service.bind(TENANT, 'oc_m', '赤峰市', 'ou_admin');
    await service.bind(TENANT, 'oc_c', '包头市', 'ou_admin');
    await service.bind(OTHER_TENANT, 'oc_b', '包头市', 'ou_admin');
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin');
    expect((await service.chatsFor(TENANT, '包头市')).map((c) => c.chatId)).toEqual(['oc_z', 'oc_c', 'oc_a']);
    expect((await service.chatsFor(TENANT, '赤峰市')).map((c) => c.chatId)).toEqual(['oc_m']);
    expect(await service.chatsFor(TENANT, '中心')).toEqual([]);
  });

  it('all lists every tenant’s chats, oldest binding first', async () => {
    await service.bind(TENANT, 'oc_z', '包头市', 'ou_admin');
    await service.bind(OTHER_TENANT, 'oc_m', '中心', 'ou_admin');
    await service.bind(TENANT, 'oc_a', '赤峰市', 'ou_admin');
    expect((await service.all()).map((c) => [c.tenantKey, c.chatId])).toEqual([[TENANT, 'oc_z'], [OTHER_TENANT, 'oc_m'], [TENANT, 'oc_a']]);
  });
});

describe('unbind', () => {
  it('removes the binding and returns the scope it had', async () => {
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin');
    await service.bind(TENANT, 'oc_b', '中心', 'ou_admin');
    expect(await service.unbind(TENANT, 'oc_a')).toBe('包头市');
    expect((await rows()).map((r) => r.chatId)).toEqual(['oc_b']);
  });

  it('a chat without a binding (or of another tenant) gives undefined and changes nothing', async () => {
    await service.bind(OTHER_TENANT, 'oc_a', '包头市', 'ou_admin');
    expect(await service.unbind(TENANT, 'oc_a')).toBeUndefined();
    expect(await rows()).toHaveLength(1);
  });

  it('a second 解绑 finds nothing', async () => {
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin');
    expect(await service.unbind(TENANT, 'oc_a')).toBe('包头市');
    expect(await service.unbind(TENANT, 'oc_a')).toBeUndefined();
  });

  it('when another 解绑 deleted the row first, only that one reports the scope', async () => {
    await service.bind(TENANT, 'oc_a', '包头市', 'ou_admin');
    const binding = await service.find(TENANT, 'oc_a');
    jest.spyOn(repo(), 'findOneBy').mockResolvedValueOnce(binding);
    await repo().delete({ chatId: 'oc_a' });
    expect(await service.unbind(TENANT, 'oc_a')).toBeUndefined();
  });
});
