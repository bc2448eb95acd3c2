import { BindingScope, CENTRE } from '../domain/regions';

/**
 * The sample people and chats of the playground (dry-run mode only). Their ids are in Feishu's
 * shapes (open_id `ou_…`, chat_id `oc_…`) so that the events built from them pass the same
 * checks as Feishu's. The admin is added to the admin set while the playground runs.
 */

export const PLAYGROUND_TENANT_KEY = 'playground_tenant';
export const PLAYGROUND_BOT = { openId: 'ou_playground_bot', name: '企业创新助手' };

export interface PlaygroundPerson {
  key: string;
  openId: string;
  name: string;
  /** Who they are, shown in the page. */
  role: string;
  admin?: boolean;
}

export interface PlaygroundGroup {
  chatId: string;
  name: string;
  /** What the group is bound to when the playground starts. */
  scope: BindingScope;
  /** The people (keys) who are members. */
  members: string[];
}

export const PEOPLE: readonly PlaygroundPerson[] = [
  { key: 'admin', openId: 'ou_playground_admin', name: '王老师', role: '科创服务中心管理员', admin: true },
  { key: 'baotou', openId: 'ou_playground_baotou', name: '李明', role: '包头市科协' },
  { key: 'chifeng', openId: 'ou_playground_chifeng', name: '张华', role: '赤峰市科协' },
  { key: 'enterprise', openId: 'ou_playground_enterprise', name: '赵强', role: '企业联系人（包头某公司）' },
];

export const GROUPS: readonly PlaygroundGroup[] = [
  { chatId: 'oc_playground_centre', name: '科创服务中心工作群', scope: CENTRE, members: ['admin'] },
  { chatId: 'oc_playground_baotou', name: '包头市科协工作群', scope: '包头市', members: ['admin', 'baotou'] },
  { chatId: 'oc_playground_chifeng', name: '赤峰市科协工作群', scope: '赤峰市', members: ['admin', 'chifeng'] },
];

/** A person's private chat with the bot. */
export function privateChatId(openId: string): string {
  return `oc_playground_p2p_${openId.replace(/^ou_/, '')}`;
}

export const ADMIN = PEOPLE.find((p) => p.admin)!;
