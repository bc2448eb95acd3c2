import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { GROUPS, PEOPLE, PLAYGROUND_TENANT_KEY, privateChatId } from '../../src/playground/people';
import { Harness, startHarness } from '../helpers/bot-harness';
import { YEAR } from '../helpers/application-driver';

/**
 * The playground's HTTP surface (the page itself is driven in Chromium by test/browser/): served
 * in dry-run mode only, what it is sent goes through the webhooks' path into the inbox, and what
 * the bot sends comes back over Server-Sent Events.
 */

const DRY_RUN = { FEISHU_APP_ID: undefined, FEISHU_APP_SECRET: undefined, FEISHU_ENCRYPT_KEY: undefined, FEISHU_VERIFICATION_TOKEN: undefined, CAMPAIGN_YEAR: String(YEAR) };
const person = (key: string) => PEOPLE.find((p) => p.key === key)!;
const centre = GROUPS.find((g) => g.scope === '中心')!;

let h: Harness;
afterEach(async () => {
  await h.close();
});

async function postJson(path: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Reads the page's event stream until an entry passes `match`; returns the entries read. */
async function streamUntil(match: (entry: any) => boolean, what: string): Promise<any[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const entries: any[] = [];
  try {
    const res = await fetch(`${h.url}/playground/api/stream?since=0`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += Buffer.from(value).toString('utf8');
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (!data || frame.includes('event: hello')) continue;
        const entry = JSON.parse(data.slice(6));
        entries.push(entry);
        if (match(entry)) return entries;
      }
    }
  } catch (err) {
    throw new Error(`no ${what} in the stream (${(err as Error).message}); got ${JSON.stringify(entries).slice(0, 2000)}`);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  throw new Error(`the stream ended before ${what}`);
}

const cardTitle = (entry: any) => entry?.message?.card?.header?.title?.content ?? entry?.card?.header?.title?.content;

it('is not served when Feishu credentials are set', async () => {
  h = await startHarness();
  for (const path of ['/playground', '/playground/app.js', '/playground/api/state', '/playground/vendor/vchart.js']) {
    expect((await fetch(`${h.url}${path}`)).status).toBe(404);
  }
  expect((await postJson('/playground/api/message', { person: 'admin', chatId: centre.chatId, text: '帮助' })).status).toBe(404);
});

it('serves the page, its scripts and the VChart bundle in dry-run mode', async () => {
  h = await startHarness({ env: DRY_RUN });
  const page = await fetch(`${h.url}/playground`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await page.text()).toContain('企业创新助手 · 演示');
  for (const [path, type, text] of [
    ['/playground/app.js', /javascript/, 'EventSource'],
    ['/playground/cards.js', /javascript/, 'renderCard'],
    ['/playground/style.css', /css/, '.card-header'],
    ['/playground/vendor/vchart.js', /javascript/, 'VChart'],
  ] as const) {
    const res = await fetch(`${h.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(await res.text()).toContain(text);
  }
  const state: any = await (await fetch(`${h.url}/playground/api/state`)).json();
  expect(state.people.map((p: any) => p.key)).toEqual(['admin', 'baotou', 'chifeng', 'enterprise']);
  expect(state.groups.length).toBeGreaterThan(0);
});

it('binds its groups on start and makes its centre admin an admin', async () => {
  h = await startHarness({ env: DRY_RUN });
  for (const g of GROUPS) expect((await h.bot.bindings.find(PLAYGROUND_TENANT_KEY, g.chatId))?.scope).toBe(g.scope);
  // The real 绑定 command answers the admin (and only the admin) in a group.
  const said = await postJson('/playground/api/message', { person: 'admin', chatId: centre.chatId, text: '绑定 中心' });
  expect(said.status).toBe(200);
  const entries = await streamUntil((e) => e.from === 'bot' && e.chatId === centre.chatId, 'an answer to 绑定');
  expect(entries.at(-1).message.text).toContain('本群已经是科创服务中心工作群');
});

it('hands a typed message to the inbox as a Feishu event, and streams the bot\'s reply', async () => {
  h = await startHarness({ env: DRY_RUN });
  const chatId = privateChatId(person('baotou').openId);
  const said = await postJson('/playground/api/message', { person: 'baotou', chatId, text: '帮助' });
  expect(said).toEqual({ status: 200, body: { ok: true, messageId: expect.stringMatching(/^om_/) } });

  const entries = await streamUntil((e) => e.from === 'bot', 'the help card');
  expect(entries[0]).toMatchObject({ kind: 'message', chatId, from: person('baotou').openId, message: { type: 'text', text: '帮助' } });
  expect(entries.at(-1)).toMatchObject({ kind: 'message', chatId, message: { type: 'card' } });
  expect(cardTitle(entries.at(-1))).toBe('企业创新助手 · 使用帮助');

  const recorded = await h.bot.ds.getRepository(InboundEvent).findOneByOrFail({ dedupKey: `msg:${said.body.messageId}` });
  expect(recorded).toMatchObject({ eventType: 'im.message.receive_v1', tenantKey: PLAYGROUND_TENANT_KEY, status: 'done' });
});

it('answers a card click with the handler\'s result and records the card updated in place', async () => {
  h = await startHarness({ env: DRY_RUN });
  const chatId = privateChatId(person('baotou').openId);
  await postJson('/playground/api/message', { person: 'baotou', chatId, text: '申请' });
  const form = (await streamUntil((e) => cardTitle(e) === '活动申请表', 'the application form')).at(-1);

  // An empty submission comes back with its errors (the form button's value, as the card carries it).
  const submit = JSON.stringify(form.message.card).match(/"value":(\{"action":"application\.submit"[^}]*\})/)![1];
  const answer = await postJson('/playground/api/card', { person: 'baotou', messageId: form.messageId, tag: 'button', value: JSON.parse(submit), formValue: { org_name: '包头市科协' }, buttonName: 'submit' });
  expect(answer.status).toBe(200);
  expect(answer.body.toast).toMatchObject({ type: 'warning', content: expect.stringContaining('项需要修改') });
  const update = (await streamUntil((e) => e.kind === 'update' && e.messageId === form.messageId, 'the returned form')).at(-1);
  expect(JSON.stringify(update.card)).toContain('包头市科协');

  // Somebody who cannot see the chat cannot click its cards.
  expect((await postJson('/playground/api/card', { person: 'chifeng', messageId: form.messageId, tag: 'button', value: {} })).status).toBe(404);
});

it('runs a job as of a chosen instant', async () => {
  h = await startHarness({ env: DRY_RUN });
  const ran = await postJson('/playground/api/job', { name: 'weekly-summary', at: `${YEAR}-06-07T09:30` });
  expect(ran.status).toBe(200);
  expect(ran.body.text).toContain(`weekly-summary（${YEAR}-06-07 09:30）已运行`);
  const digest = (await streamUntil((e) => e.chatId === centre.chatId && cardTitle(e) === '每周小结 · 全区', "the centre's digest")).at(-1);
  expect(digest.message.card.header.subtitle.content).toBe(`${YEAR}-05-31 至 ${YEAR}-06-06`);
  expect((await postJson('/playground/api/job', { name: 'nope', at: `${YEAR}-06-07T09:30` })).body.error).toContain('没有名为');
});

it('refuses what a web page elsewhere could send, and people outside a group', async () => {
  h = await startHarness({ env: DRY_RUN });
  expect((await postJson('/playground/api/message', { person: 'admin', chatId: centre.chatId, text: '帮助' }, 'text/plain')).status).toBe(415);
  const outsider = await postJson('/playground/api/message', { person: 'enterprise', chatId: centre.chatId, text: '查询' });
  expect(outsider).toEqual({ status: 403, body: { error: '赵强不在这个群里' } });
  expect((await postJson('/playground/api/message', { person: 'nobody', chatId: centre.chatId, text: '帮助' })).status).toBe(400);
});
