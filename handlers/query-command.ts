import { applicationCard, applicationListCard, type ApplicationListView } from '../cards/application-cards';
import { sanitizeForText } from '../cards/markdown';
import type { Application } from '../src/db/entities/application.entity';
import { CENTRE, parseRegion, type Region } from '../src/domain/regions';
import { parseCode } from '../src/services/application-record';
import { parseNeedCode } from '../src/domain/need-status';
import { campaignYearOf, linkedNeedsOf, numberingYearOf } from './application-flow';
import { mayViewNeed } from './need-command';
import { needCardFor } from './need-flow';
import type { CardActionContext, Command, CommandContext, HandlerDeps } from './types';

/**
 * 查询: in a private chat, the asker's own applications (admins: all); in a group bound to a
 * 盟市, that region's; in the centre's group, all. 查询 <编号> shows one with its audit trail to
 * those allowed to see it. Drafts are only ever shown to the one who typed them.
 */

export type ViewScope = { kind: 'mine' } | { kind: 'all' } | { kind: 'region'; region: Region };

export const PAGE_SIZE = 10;

/** What a chat may see, or why it may see nothing. */
export async function scopeForChat(ctx: CommandContext): Promise<ViewScope | { refusal: string }> {
  const { message, deps } = ctx;
  if (message.chatType === 'p2p') return ctx.isAdmin ? { kind: 'all' } : { kind: 'mine' };
  const binding = await deps.bindings.find(message.tenantKey, message.chatId);
  if (!binding) return { refusal: '本群尚未绑定盟市或中心，无法查询。请中心管理员在群里发送「绑定 <盟市名>」，或在与我的私聊中发送「查询」查看您自己的申请。' };
  if (binding.scope === CENTRE) return { kind: 'all' };
  const region = parseRegion(binding.scope);
  return region ? { kind: 'region', region } : { refusal: '本群的绑定无效，请中心管理员重新绑定。' };
}

/** A list card's page button names its scope; the clicker must still be allowed to see it. */
export async function scopeFromValue(ctx: CardActionContext): Promise<ViewScope | { refusal: string }> {
  const binding = ctx.chatId ? await ctx.deps.bindings.find(ctx.tenantKey, ctx.chatId) : null;
  const refusal = { refusal: '您无权查看这个列表。请在与我的私聊中发送「查询」。' };
  switch (ctx.value.scope) {
    case 'mine':
      return { kind: 'mine' };
    case 'all':
      return ctx.isAdmin || binding?.scope === CENTRE ? { kind: 'all' } : refusal;
    case 'region': {
      // Stryker disable next-line StringLiteral: any text that names no 盟市 parses to none, as '' does
      const region = parseRegion(String(ctx.value.region ?? ''));
      if (!region) return refusal;
      return ctx.isAdmin || binding?.scope === region || binding?.scope === CENTRE ? { kind: 'region', region } : refusal;
    }
    default:
      return refusal;
  }
}

export async function listView(deps: HandlerDeps, tenantKey: string, viewer: string, scope: ViewScope, page: number): Promise<ApplicationListView> {
  const filter = {
    tenantKey,
    viewerOpenId: viewer,
    ...(scope.kind === 'mine' ? { filerOpenId: viewer } : {}),
    ...(scope.kind === 'region' ? { region: scope.region } : {}),
  };
  let result = await deps.applications.list(filter, page, PAGE_SIZE);
  // A page past the end (the list shrank since the card was sent): show the last one.
  if (result.items.length === 0 && page > 0 && result.total > 0) {
    page = Math.ceil(result.total / PAGE_SIZE) - 1;
    result = await deps.applications.list(filter, page, PAGE_SIZE);
  }
  const titles = { mine: ['我的申请', '您的申请'], all: ['全部申请', '全区申请'], region: [`${scope.kind === 'region' ? scope.region : ''}的申请`, `${scope.kind === 'region' ? scope.region : ''}的申请`] };
  const [title, scopeNote] = titles[scope.kind];
  return {
    title,
    scopeNote,
    items: result.items,
    total: result.total,
    page,
    pageSize: PAGE_SIZE,
    pageValue: { action: 'application.list', scope: scope.kind, ...(scope.kind === 'region' ? { region: scope.region } : {}) },
    viewerOpenId: viewer,
  };
}

/**
 * Privately: the filer, and admins. In a group, the group's binding alone decides, since
 * everyone in it sees the answer (an admin asking in a 盟市 group sees only that 盟市's).
 */
function mayView(app: Application, viewer: string, scope: ViewScope, chatType: 'p2p' | 'group'): boolean {
  if (app.status === '草稿') return app.filerOpenId === viewer && chatType === 'p2p';
  if (scope.kind === 'all') return true;
  if (scope.kind === 'mine') return app.filerOpenId === viewer;
  return app.region === scope.region;
}

export const queryCommand: Command = {
  word: '查询',
  usage: '查询 / 查询 <编号>',
  description: '查看申请及其状态；私聊中为自己的申请，盟市群中为本盟市的申请；加编号查看详情和办理记录',
  async run(ctx) {
    const scope = await scopeForChat(ctx);
    if ('refusal' in scope) {
      await ctx.reply({ type: 'text', text: scope.refusal });
      return;
    }
    const { tenantKey, senderOpenId } = ctx.message;
    if (!ctx.args) {
      const view = await listView(ctx.deps, tenantKey, senderOpenId, scope, 0);
      await ctx.reply({ type: 'card', card: applicationListCard(view) });
      return;
    }
    const needCode = parseNeedCode(ctx.args);
    if (needCode) {
      await showNeed(ctx, needCode);
      return;
    }
    const code = parseCode(ctx.args);
    if (!code) {
      await ctx.reply({ type: 'text', text: `「${sanitizeForText(ctx.args)}」不是有效的申请编号。申请编号形如 SQ${campaignYearOf(ctx.deps)}-0001，需求编号形如 XQ${numberingYearOf(ctx.deps)}-0001；发送「查询」可查看申请列表。` });
      return;
    }
    const app = await ctx.deps.applications.findByCode(tenantKey, code.year, code.seq);
    // Not found and not allowed read the same, so codes cannot be probed.
    if (!app || !mayView(app, senderOpenId, scope, ctx.message.chatType)) {
      await ctx.reply({ type: 'text', text: `没有找到您可以查看的申请 ${sanitizeForText(ctx.args)}。请核对编号，或发送「查询」查看列表。` });
      return;
    }
    const history = await ctx.deps.applications.history(app.id);
    const filerButtons = ctx.message.chatType === 'p2p' && app.filerOpenId === senderOpenId;
    const linkedNeeds = await linkedNeedsOf(ctx.deps, app);
    // An admin privately may change or cancel an approved activity for its filer.
    const adminButtons = ctx.message.chatType === 'p2p' && ctx.isAdmin;
    // 下载申请表: privately, for the filer and admins (the file goes to whoever clicks).
    const formButton = ctx.message.chatType === 'p2p' && (app.filerOpenId === senderOpenId || ctx.isAdmin);
    await ctx.reply({ type: 'card', card: applicationCard({ app, timezone: ctx.deps.settings.timezone, history, filerButtons, adminButtons, formButton, linkedNeeds }) });
  },
};

async function showNeed(ctx: CommandContext, code: { year: number; seq: number }) {
  const { tenantKey, senderOpenId, chatType, chatId } = ctx.message;
  const need = await ctx.deps.needs.findByCode(tenantKey, code.year, code.seq);
  if (!need || !(await mayViewNeed(ctx.deps, need, senderOpenId, ctx.isAdmin, chatType, chatId))) {
    await ctx.reply({ type: 'text', text: `没有找到您可以查看的需求 ${sanitizeForText(ctx.args)}。请核对编号，或发送「需求列表」查看。` });
    return;
  }
  // Admin buttons only where only admins act on them: privately, or in the centre's group.
  const adminHere = ctx.isAdmin && (chatType === 'p2p' || (await ctx.deps.bindings.find(tenantKey, chatId))?.scope === CENTRE);
  await ctx.reply({ type: 'card', card: await needCardFor(ctx.deps, need, { admin: adminHere, history: true }) });
}
