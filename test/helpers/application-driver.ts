import type { DeliveredMessage } from './fake-feishu';
import { ADMIN_OPEN_ID, type Harness } from './bot-harness';
import { CardActionOptions, cardActionEvent, messageEvent, MessageEventOptions } from './events';

/**
 * Drives the application flow the way people do: messages to the bot and clicks on the cards it
 * sent, through the real HTTP surface. Reads back what reached the fake Open API.
 */

/** The campaign year the tests file for: always next year, so "10 days ahead" holds on any run date. */
export const YEAR = new Date().getUTCFullYear() + 1;

/** A form that passes every rule, as Feishu submits it. */
export function validForm(overrides: Record<string, string | string[] | undefined> = {}): Record<string, string | string[]> {
  const form: Record<string, string | string[] | undefined> = {
    org_name: '包头市科学技术协会',
    region: '包头市',
    venue: '包头稀土高新区创新中心报告厅',
    start_date: `${YEAR}-06-10 +0800`,
    end_date: `${YEAR}-06-11 +0800`,
    headcount: '100',
    core_count: '80',
    enterprise_count: '30',
    key_industry_count: '18',
    audience: '园区企业研发负责人、工程师和一线职工',
    needs: '稀土永磁材料的工艺改进',
    topics: ['lecture-4', 'exchange-1'],
    contact_name: '张敏',
    mobile: '13812345678',
    email: 'zhangmin@example.com',
    remarks: '',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<string, string | string[]>;
}

/** Every object in a card (depth first), for finding components and buttons. */
export function nodesOf(card: unknown): any[] {
  const out: Record<string, any>[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      out.push(n as Record<string, any>);
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** The callback value of the button whose text is `text`. */
export function buttonValue(card: unknown, text: string): Record<string, any> {
  const b = nodesOf(card).find((n) => n.tag === 'button' && n.text?.content === text);
  if (!b) throw new Error(`no button 「${text}」 in the card`);
  return b.behaviors.find((x: any) => x.type === 'callback').value;
}

export function hasButton(card: unknown, text: string): boolean {
  return nodesOf(card).some((n) => n.tag === 'button' && n.text?.content === text);
}

export class Driver {
  constructor(readonly h: Harness) {}

  /** Sends a text message; resolves once the event was accepted. */
  async say(text: string, opts: Omit<MessageEventOptions, 'text'> = {}): Promise<string> {
    const evt = messageEvent({ chatType: 'p2p', ...opts, text, mentionBot: opts.chatType === 'group' ? true : opts.mentionBot });
    const res = await this.h.post('/feishu/events', evt);
    if (res.status !== 200) throw new Error(`event refused: ${res.status}`);
    return evt.event.message.message_id;
  }

  /** Sends a message and waits for the bot's `count` replies to it. */
  async ask(text: string, opts: Omit<MessageEventOptions, 'text'> & { count?: number } = {}): Promise<DeliveredMessage[]> {
    const messageId = await this.say(text, opts);
    const count = opts.count ?? 1;
    await this.h.fake.waitFor(() => this.repliesTo(messageId).length >= count, `${count} replies to 「${text}」`);
    return this.repliesTo(messageId);
  }

  repliesTo(messageId: string): DeliveredMessage[] {
    return this.h.fake.delivered.filter((m) => m.kind === 'reply' && m.parentId === messageId);
  }

  /** Messages sent to a person privately (by open_id). */
  toUser(openId: string): DeliveredMessage[] {
    return this.h.fake.delivered.filter((m) => m.kind === 'create' && m.receiveIdType === 'open_id' && m.receiveId === openId);
  }

  toChat(chatId: string): DeliveredMessage[] {
    return this.h.fake.delivered.filter((m) => m.kind === 'create' && m.receiveIdType === 'chat_id' && m.receiveId === chatId);
  }

  /** Binds a group chat to a scope (中心 or a 盟市) as the admin, with 绑定 in the group. */
  async bind(chatId: string, scope: string): Promise<void> {
    await this.ask(`绑定 ${scope}`, { chatType: 'group', chatId, senderOpenId: ADMIN_OPEN_ID });
  }

  /** Binds group chats (chat id → scope), one after another in the order given. */
  async bindAll(bindings: Record<string, string>): Promise<void> {
    for (const [chatId, scope] of Object.entries(bindings)) await this.bind(chatId, scope);
  }

  /** Clicks a button (or submits a form) on a card; returns the callback's answer. */
  async click(value: Record<string, unknown>, operator: string, form?: Record<string, unknown>, ctx: CardActionOptions = {}): Promise<any> {
    const res = await this.h.post('/feishu/cards', cardActionEvent(value, operator, form, ctx));
    if (res.status !== 200) throw new Error(`card callback answered ${res.status}`);
    return res.body;
  }

  /** Opens a form with 申请 in the private chat and returns its submit button's value. */
  async openForm(filer: string): Promise<Record<string, any>> {
    const [reply] = await this.ask('申请', { senderOpenId: filer, chatId: `oc_p2p_${filer}` });
    return buttonValue(reply.content, '提交申请');
  }

  /** Files a valid application; returns the callback answer. */
  async file(filer: string, overrides: Record<string, string | string[] | undefined> = {}): Promise<any> {
    const submit = await this.openForm(filer);
    return this.click(submit, filer, validForm(overrides), { chatId: `oc_p2p_${filer}` });
  }
}
