import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { botAddedEvent, messageEvent, newId } from '../helpers/events';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const replies = () => h.fake.delivered.filter((m) => m.kind === 'reply');
const textOf = (m: { content: any }) => String(m.content.text ?? JSON.stringify(m.content));

describe('private chat', () => {
  it('answers 帮助 with a help card listing the commands', async () => {
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    const res = await h.post('/feishu/events', evt);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    await h.fake.waitFor(() => replies().length === 1, 'the help reply');
    const [reply] = replies();
    expect(reply.parentId).toBe(evt.event.message.message_id);
    expect(reply.msgType).toBe('interactive');
    expect(reply.content.schema).toBe('2.0');
    const seen = visibleText(reply.content);
    expect(seen).toContain('帮助');
    expect(seen).toContain('绑定 <盟市名> / 绑定 中心');
    expect(reply.uuid).toMatch(/^[\w-]{1,50}$/);
  });
});
