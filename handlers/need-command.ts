import { NEED_LIST_ACTION, needFormCard } from '../cards/need-cards';
import { needListCard, type NeedListView } from '../cards/need-list-card';
import type { Need } from '../src/db/entities/need.entity';
import { INDUSTRIES, industryLabel } from '../src/domain/industries';
import { NEED_LABELS, NEED_TYPES, type NeedField } from '../src/domain/need-rules';
import { CENTRE, parseRegion, REGIONS, type Region } from '../src/domain/regions';
import { formTokenFor } from './application-flow';
import { needCode } from './need-flow';
import type { CardActionContext, Command, CommandContext, HandlerDeps } from './types';

/** 需求 (file a need) and 需求列表 (needs by status, in the asker's scope). */

export function needForm(token: string, values: Partial<Record<NeedField, string>> = {}, errors?: Partial<Record<NeedField, string>>) {
  return needFormCard({ token, values, errors, regions: REGIONS, industries: INDUSTRIES, needTypes: NEED_TYPES, labels: { ...NEED_LABELS } });
}

export const needCommand: Command = {
  word: '需求',
  usage: '需求',
  description: '填写企业需求（技术难题、人才、政策、成果推介、培训等），由中心对接专家',
  async run(ctx) {
    const { tenantKey, messageId, senderOpenId } = ctx.message;
    const card = needForm(formTokenFor(`need\n${tenantKey}\n${messageId}`));
    if (ctx.message.chatType === 'p2p') {
      await ctx.reply({ type: 'card', card });
      return;
    }
    await ctx.deps.messenger.sendToUser({ tenantKey, key: `need:${messageId}:form` }, senderOpenId, { type: 'card', card });
    await ctx.reply({ type: 'text', text: '需求表已私聊发给您，请在与我的私聊中填写提交。' });
  },
};

export type NeedScope = { kind: 'mine' } | { kind: 'all' } | { kind: 'region'; region: Region };

const PAGE_SIZE = 10;

async function scopeOf(deps: HandlerDeps, tenantKey: string, chatId: string | undefined, p2p: boolean, isAdmin: boolean): Promise<NeedScope | { refusal: string }> {
  if (p2p) return isAdmin ? { kind: 'all' } : { kind: 'mine' };
  const binding = chatId ? await deps.bindings.find(tenantKey, chatId) : null;
  if (!binding) return { refusal: '本群尚未绑定盟市或中心，无法查看需求列表。请在与我的私聊中发送「需求列表」查看您提交的需求。' };
  if (binding.scope === CENTRE) return { kind: 'all' };
  const region = parseRegion(binding.scope);
  return region ? { kind: 'region', region } : { refusal: '本群的绑定无效，请中心管理员重新绑定。' };
}

export async function needListView(deps: HandlerDeps, tenantKey: string, viewer: string, scope: NeedScope, page: number): Promise<NeedListView> {
  const filter = { tenantKey, ...(scope.kind === 'mine' ? { filerOpenId: viewer } : {}), ...(scope.kind === 'region' ? { region: scope.region } : {}) };
  const { items, total, counts } = await deps.needs.list(filter, page, PAGE_SIZE);
  const who = scope.kind === 'mine' ? '您提交的企业需求' : scope.kind === 'region' ? `${scope.region}的企业需求` : '全区企业需求';
  return {
    title: scope.kind === 'mine' ? '我的企业需求' : '企业需求列表',
    scopeNote: who,
    items: items.map((n: Need) => ({ code: needCode(n), enterpriseName: n.enterpriseName, region: n.region, industryLabel: industryLabel(n.industry), needType: n.needType, status: n.status })),
    page,
    pageSize: PAGE_SIZE,
    total,
    counts,
    pageValue: { action: NEED_LIST_ACTION, scope: scope.kind, ...(scope.kind === 'region' ? { region: scope.region } : {}) },
  };
}

export const needListCommand: Command = {
  word: '需求列表',
  usage: '需求列表',
  description: '按状态查看企业需求；私聊中管理员看全部、其他人看自己提交的，盟市群中为本盟市的需求',
  async run(ctx: CommandContext) {
    const { tenantKey, chatId, chatType, senderOpenId } = ctx.message;
    const scope = await scopeOf(ctx.deps, tenantKey, chatId, chatType === 'p2p', ctx.isAdmin);
    if ('refusal' in scope) {
      await ctx.reply({ type: 'text', text: scope.refusal });
      return;
    }
    await ctx.reply({ type: 'card', card: needListCard(await needListView(ctx.deps, tenantKey, senderOpenId, scope, 0)) });
  },
};

/** A page button: the clicker must still be allowed to see that scope. */
export async function needListPage(ctx: CardActionContext) {
  const binding = ctx.chatId ? await ctx.deps.bindings.find(ctx.tenantKey, ctx.chatId) : null;
  let scope: NeedScope | undefined;
  if (ctx.value.scope === 'mine') scope = { kind: 'mine' };
  else if (ctx.value.scope === 'all' && (ctx.isAdmin || binding?.scope === CENTRE)) scope = { kind: 'all' };
  else if (ctx.value.scope === 'region') {
    const region = parseRegion(String(ctx.value.region ?? ''));
    if (region && (ctx.isAdmin || binding?.scope === region || binding?.scope === CENTRE)) scope = { kind: 'region', region };
  }
  if (!scope) return { toast: { type: 'error' as const, content: '您无权查看这个列表。请在与我的私聊中发送「需求列表」。' } };
  const page = Math.max(0, Math.floor(Number(ctx.value.page) || 0));
  return { card: needListCard(await needListView(ctx.deps, ctx.tenantKey, ctx.operatorOpenId, scope, page)) };
}

/**
 * Whether a need may be shown in this chat (查询 XQ…): privately to its filer and admins; in a
 * group by the group's binding alone, since everyone in it sees the answer.
 */
export async function mayViewNeed(deps: HandlerDeps, need: Need, viewer: string, isAdmin: boolean, chatType: 'p2p' | 'group', chatId: string): Promise<boolean> {
  if (chatType === 'p2p') return need.filerOpenId === viewer || isAdmin;
  const binding = await deps.bindings.find(need.tenantKey, chatId);
  return binding?.scope === CENTRE || binding?.scope === need.region;
}
