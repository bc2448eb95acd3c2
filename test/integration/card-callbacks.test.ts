import type { CardActionContext } from '../../handlers/types';
import { ADMIN_OPEN_ID, Harness, startHarness, TEST_ENCRYPT_KEY } from '../helpers/bot-harness';
import { cardActionEvent, messageEvent } from '../helpers/events';
import { buildFeishuRequest } from '../helpers/feishu-signer';

/** POST /feishu/cards: always HTTP 200 with a JSON body within 3 s, whatever the handler does. */

let h: Harness;
const seen: CardActionContext[] = [];

beforeEach(async () => {
  seen.length = 0;
  h = await startHarness({
    bot: {
      cron: false,
      cardActions: {
        'test.echo': async (ctx) => {
          seen.push(ctx);
          return {
            toast: { type: 'success', content: '已处理' },
            card: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: String(ctx.formValue?.note ?? '') }] } },
          };
        },
        'test.explode': async () => {
          throw new Error('database on fire');
        },
        'test.slow': async () => {
          await new Promise((r) => setTimeout(r, 4000));
          return { toast: { type: 'success', content: '太晚了' } };
        },
      },
    },
  });
});
afterEach(async () => {
  await h.close();
});

const OPERATOR = 'ou_operator_000000000000000000000001';

it('passes the action, operator, chat and form values to the handler and returns its toast and card', async () => {
  const res = await h.post('/feishu/cards', cardActionEvent({ action: 'test.echo', id: 7 }, ADMIN_OPEN_ID, { note: '备注' }));
  expect(res.status).toBe(200);
  expect(res.body.toast).toEqual({ type: 'success', content: '已处理' });
  expect(res.body.card.type).toBe('raw');
  expect(res.body.card.data.body.elements[0].content).toBe('备注');
  expect(seen[0]).toMatchObject({
    operatorOpenId: ADMIN_OPEN_ID,
    isAdmin: true,
    value: { action: 'test.echo', id: 7 },
    formValue: { note: '备注' },
    chatId: 'oc_e4d2605ca917e695f54f11aaf56*****',
    messageId: 'om_574d639e4a44e4dd646eaf628e2*****',
  });
});

it('tells a non-admin operator apart', async () => {
  await h.post('/feishu/cards', cardActionEvent({ action: 'test.echo' }, OPERATOR));
  expect(seen[0].isAdmin).toBe(false);
});

it('answers a button it does not know with an error toast, not an HTTP error', async () => {
  const res = await h.post('/feishu/cards', cardActionEvent({ action: 'application.approve' }, OPERATOR));
  expect(res.status).toBe(200);
  expect(res.body.toast.type).toBe('error');
  expect(res.body.toast.content).toContain('按钮已失效');
});

it('turns a handler error into an error toast with a reference id that is in the log', async () => {
  const res = await h.post('/feishu/cards', cardActionEvent({ action: 'test.explode' }, OPERATOR));
  expect(res.status).toBe(200);
  expect(res.body.toast.type).toBe('error');
  const ref = /参考编号 ([0-9a-f]{8})/.exec(res.body.toast.content)?.[1];
  expect(ref).toBeDefined();
  expect(h.logs.some((line) => line.includes(ref!) && line.includes('database on fire'))).toBe(true);
});

it('answers within Feishu’s 3 s even when the handler is slow', async () => {
  const started = Date.now();
  const res = await h.post('/feishu/cards', cardActionEvent({ action: 'test.slow' }, OPERATOR));
  const took = Date.now() - started;
  expect(res.status).toBe(200);
  expect(res.body.toast.content).toContain('正在处理');
  expect(took).toBeLessThan(3000);
});

it('rejects a forged card callback with 401', async () => {
  const req = buildFeishuRequest(cardActionEvent({ action: 'test.echo' }, ADMIN_OPEN_ID), { encryptKey: 'not our key' });
  const res = await h.postRaw('/feishu/cards', req.body, req.headers);
  expect(res.status).toBe(401);
  expect(seen).toHaveLength(0);
});

it('answers a card callback sent to the events URL the same way', async () => {
  const res = await h.post('/feishu/events', cardActionEvent({ action: 'test.echo' }, ADMIN_OPEN_ID));
  expect(res.status).toBe(200);
  expect(res.body.toast.content).toBe('已处理');
});

it('refuses a message event sent to the card URL', async () => {
  const res = await h.post('/feishu/cards', messageEvent({ text: '帮助', chatType: 'p2p' }));
  expect(res.status).toBe(400);
});

it('accepts the request content exactly as Feishu encrypts it', async () => {
  const req = buildFeishuRequest(cardActionEvent({ action: 'test.echo' }, ADMIN_OPEN_ID), { encryptKey: TEST_ENCRYPT_KEY });
  expect(JSON.parse(req.body)).toHaveProperty('encrypt');
  const res = await h.postRaw('/feishu/cards', req.body, req.headers);
  expect(res.status).toBe(200);
});
