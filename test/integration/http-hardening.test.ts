import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import type { CardActionHandler } from '../../handlers/types';
import { Driver, validForm, YEAR } from '../helpers/application-driver';
import { ADMIN_OPEN_ID, Harness, startHarness, TEST_ENCRYPT_KEY } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { cardActionEvent, messageEvent } from '../helpers/events';
import { encrypt, sign } from '../helpers/feishu-signer';
import { waitUntilIdle } from '../helpers/idle';

/** Issue 14 items 7 and 8: connections, proxies, foreign apps, prototype names, deep JSON, form tokens. */

let h: Harness;
afterEach(async () => {
  await h.close();
});

const stored = () => h.bot.ds.getRepository(InboundEvent).count();

function rawSocket(url: string): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything the server sends on `s` until it closes it (or `maxMs` passes). */
function readUntilClosed(s: Socket, maxMs: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), maxMs);
    s.on('data', (d) => (text += String(d)));
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    s.on('error', () => undefined);
  });
}

describe('connections', () => {
  it('cuts off a body that trickles in, and keeps serving others', async () => {
    h = await startHarness({ env: { HTTP_REQUEST_TIMEOUT_MS: '500' } });
    const s = await rawSocket(h.url);
    s.write('POST /feishu/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"schema"');
    const answer = await readUntilClosed(s, 10_000);
    expect(answer.closed).toBe(true);
    expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect(await stored()).toBe(0);
  });

  it('cuts off headers that trickle in', async () => {
    h = await startHarness({ env: { HTTP_REQUEST_TIMEOUT_MS: '500' } });
    const s = await rawSocket(h.url);
    s.write('POST /feishu/events HTTP/1.1\r\nHost: x\r\n');
    const answer = await readUntilClosed(s, 10_000);
    expect(answer.closed).toBe(true);
    expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('keeps an idle keep-alive connection open behind a proxy, longer than the request timeout', async () => {
    h = await startHarness({ env: { HTTP_REQUEST_TIMEOUT_MS: '500', TRUST_PROXY: '1' } });
    const s = await rawSocket(h.url);
    let text = '';
    s.on('data', (d) => (text += String(d)));
    const get = 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n';
    s.write(get);
    await h.fake.waitFor(() => /\r\n\r\n\{[^}]*\}/.test(text), 'the first answer');
    // Idle while two requests opened after it, one after the other, are cut off for their
    // request timeout: the server's timeout sweep has passed this connection's deadline twice,
    // and a proxy reusing the connection must not find it closed.
    for (let i = 0; i < 2; i++) {
      const trickle = await rawSocket(h.url);
      trickle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      const cut = await readUntilClosed(trickle, 10_000);
      expect(cut.text).toMatch(/^HTTP\/1\.1 408/);
    }
    expect(s.destroyed).toBe(false);
    s.write(get);
    await h.fake.waitFor(() => (text.match(/HTTP\/1\.1 200/g) ?? []).length === 2, 'the second answer on the same connection');
    s.destroy();
  });

  it('refuses connections beyond HTTP_MAX_CONNECTIONS until some close', async () => {
    h = await startHarness({ env: { HTTP_MAX_CONNECTIONS: '2' } });
    const health = () => fetch(`${h.url}/healthz`, { headers: { connection: 'close' } }).then((r) => r.status, () => 'refused');
    const held = [await rawSocket(h.url), await rawSocket(h.url)];
    // Once the server has counted the two held connections, a third is refused, again and again.
    await h.fake.waitFor(async () => (await health()) === 'refused', 'a third connection refused');
    expect(await health()).toBe('refused');
    for (const s of held) s.destroy();
    await h.fake.waitFor(async () => (await health()) === 200, 'served again once the two closed');
  });
});

describe('X-Forwarded-For', () => {
  const forged = async () => h.postRaw('/feishu/events', '{"schema":"2.0"}', { 'x-forwarded-for': '203.0.113.9' });

  it('is ignored by default: the logged address is the peer', async () => {
    h = await startHarness();
    expect((await forged()).status).toBe(401);
    const line = h.logs.find((l) => l.includes('webhook: rejected'))!;
    expect(JSON.parse(line).ip).toBe('127.0.0.1');
  });

  it('is trusted with TRUST_PROXY=1', async () => {
    h = await startHarness({ env: { TRUST_PROXY: '1' } });
    expect((await forged()).status).toBe(401);
    const line = h.logs.find((l) => l.includes('webhook: rejected'))!;
    expect(JSON.parse(line).ip).toBe('203.0.113.9');
  });
});

describe('small ones', () => {
  it("acknowledges and ignores an event for another app's app_id", async () => {
    h = await startHarness();
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    evt.header.app_id = 'cli_someone_else';
    expect(await h.post('/feishu/events', evt)).toEqual({ status: 200, body: {} });
    const card = cardActionEvent({ action: 'need.submit', form: 'x' }, ADMIN_OPEN_ID);
    card.header.app_id = 'cli_someone_else';
    expect(await h.post('/feishu/cards', card)).toEqual({ status: 200, body: {} });
    // The marker: a later message of this app is stored and answered; nothing else was.
    const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
    expect((await h.post('/feishu/events', marker)).status).toBe(200);
    await h.fake.waitFor(() => h.fake.delivered.length > 0, 'the answer to the marker');
    await waitUntilIdle(h);
    expect(await stored()).toBe(1);
    expect(h.fake.delivered.map((m) => m.parentId)).toEqual([marker.event.message.message_id]);
    expect(h.logs.filter((l) => l.includes('event for another app ignored'))).toHaveLength(2);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('answers the action name %s as an unknown button', async (name) => {
    h = await startHarness();
    const res = await h.post('/feishu/cards', cardActionEvent({ action: name }, ADMIN_OPEN_ID));
    expect(res).toEqual({ status: 200, body: { toast: { type: 'error', content: '这个按钮已失效，请重新发送指令获取新的卡片。' } } });
  });

  it('refuses a signed event nested 50 000 levels deep with 400, storing nothing', async () => {
    h = await startHarness();
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    const json = JSON.stringify(evt).replace('"event":{', `"deep":${'['.repeat(50_000)}${']'.repeat(50_000)},"event":{`);
    const body = JSON.stringify({ encrypt: encrypt(json, TEST_ENCRYPT_KEY) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const res = await h.postRaw('/feishu/events', body, {
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': sign(timestamp, nonce, TEST_ENCRYPT_KEY, body),
    });
    expect(res).toEqual({ status: 400, body: { error: 'JSON nested too deeply' } });
    expect(await stored()).toBe(0);
    // The same nesting in plain text, unsigned, is refused as well.
    expect((await h.postRaw('/feishu/events', `{"a":${'['.repeat(50_000)}`)).status).toBe(400);
  });

  it("shows a filed need only to its filer and admins, not to whoever replays the form's token", async () => {
    h = await startHarness();
    const d = new Driver(h);
    const filer = 'ou_enterprise_filer_00000000000000001';
    const [form] = await d.ask('需求', { senderOpenId: filer, chatId: `oc_p2p_${filer}` });
    const submit = form.content.body.elements
      .flatMap(function walk(n: any): any[] {
        return [n, ...(n.elements ?? []).flatMap(walk), ...(n.columns ?? []).flatMap(walk)];
      })
      .find((n: any) => n.tag === 'button' && n.text?.content === '提交需求')
      .behaviors.find((b: any) => b.type === 'callback').value;
    const values = { enterprise_name: '包头稀土永磁科技有限公司', region: '包头市', industry: 'rare-earth', need_type: '技术难题', description: '烧结钕铁硼磁体的晶界扩散工艺一致性不足，希望专家指导', contact_name: '李工', mobile: '13900139000' };
    const filed = await d.click(submit, filer, values);
    expect(filed.toast.type).toBe('success');

    const outsider = await d.click(submit, 'ou_outsider_000000000000000000000001', values);
    expect(outsider.toast).toEqual({ type: 'error', content: '这张需求表已由他人提交，您无权查看。如需提交企业需求，请发送「需求」获取新的需求表。' });
    expect(JSON.stringify(outsider)).not.toContain('13900139000');

    const again = await d.click(submit, filer, values);
    expect(again.toast.type).toBe('info');
    expect(visibleText(again.card.data)).toContain('13900139000');
    const admin = await d.click(submit, ADMIN_OPEN_ID, values);
    expect(admin.toast.type).toBe('info');
  });

  it("does the same for an application form's token", async () => {
    h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) } });
    const d = new Driver(h);
    const filer = 'ou_application_filer_0000000000000001';
    const submit = await d.openForm(filer);
    const form = validForm({ mobile: '13700137000' });
    expect((await d.click(submit, filer, form)).toast.type).toBe('success');
    const outsider = await d.click(submit, 'ou_outsider_000000000000000000000001', form);
    expect(outsider.toast.type).toBe('error');
    expect(outsider.card).toBeUndefined();
    expect(JSON.stringify(outsider)).not.toContain('13700137000');
  });

  it('tells the clicker privately when an action fails after the "正在处理" answer', async () => {
    const slowFailure: CardActionHandler = async () => {
      await new Promise((r) => setTimeout(r, 3000));
      throw new Error('upload failed');
    };
    h = await startHarness({ bot: { cardActions: { 'test.slow-export': slowFailure } } });
    const res = await h.post('/feishu/cards', cardActionEvent({ action: 'test.slow-export' }, ADMIN_OPEN_ID));
    expect(res.body.toast).toEqual({ type: 'info', content: '已收到，正在处理，请稍候查看结果。' });
    await h.fake.waitFor(() => h.fake.delivered.some((m) => m.receiveId === ADMIN_OPEN_ID), 'the private notice');
    const notice = h.fake.delivered.find((m) => m.receiveId === ADMIN_OPEN_ID)!;
    expect(notice.content.text).toMatch(/^您刚才的操作没有完成：操作没有成功，请稍后重试。如仍有问题，请把参考编号 [0-9a-f]{8} 告诉管理员。$/);
  });
});
