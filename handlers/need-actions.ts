import type { Expert } from '../src/db/entities/expert.entity';
import { NEED_LIST_ACTION, NEED_MATCH_ACTION, NEED_MATCH_OPEN_ACTION, NEED_STATUS_ACTION, NEED_SUBMIT_ACTION, needNoticeCard } from '../cards/need-cards';
import { MATCH_OPTIONS_MAX, MATCH_QUERY_CHARS, matchCard, NEED_MATCH_SEARCH_ACTION, type MatchExpertView } from '../cards/need-match-card';
import type { Need } from '../src/db/entities/need.entity';
import { industryLabel, INDUSTRIES } from '../src/domain/industries';
import { sanitizeForText } from '../cards/markdown';
import { checkNeedForm, pickNeedValues } from '../src/domain/need-rules';
import { canNeedTransition, needActionLabel, needNoteError, nextNeedStatus, type NeedAction, type NeedStatus } from '../src/domain/need-status';
import { fieldsOf, searchKey } from '../src/services/expert-service';
import { centreTargets, numberingYearOf } from './application-flow';
import { needForm, needListPage } from './need-command';
import { needCardFor, needCode, newNeedCardKey, refreshNeedCards } from './need-flow';
import type { CardActionContext, CardActionHandler, CardActionResult, HandlerDeps } from './types';

/**
 * The need cards' actions: filing (需求表), and the centre's 对接 → 确认对接, 开始跟进, 标记已解决,
 * 关闭. Only admins change a need's status; every change is conditional on the version the
 * clicker saw, so a stale card or a second admin changes nothing and is told so.
 */

const error = (content: string): CardActionResult => ({ toast: { type: 'error', content } });
const ADMINS_ONLY = '只有科创服务中心的管理员可以处理企业需求。';
const NOT_YOURS = '这张需求表已由他人提交，您无权查看。如需提交企业需求，请发送「需求」获取新的需求表。';

const submit: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  const token = typeof ctx.value.form === 'string' ? ctx.value.form : '';
  if (!token) return error('这张需求表已失效，请重新发送「需求」。');
  const existing = await deps.needs.findByFormToken(ctx.tenantKey, token);
  // A filed need (with its contact's mobile) is shown only to its filer and the admins: a form's
  // token replayed by anybody else reveals nothing.
  if (existing && existing.filerOpenId !== ctx.operatorOpenId && !ctx.isAdmin) return error(NOT_YOURS);
  if (existing) {
    return { toast: { type: 'info', content: `这份需求已经提交，编号 ${needCode(existing)}。` }, card: await needCardFor(deps, existing, { admin: false }) };
  }
  const form = ctx.formValue ?? {};
  const checked = checkNeedForm(form, { industries: INDUSTRIES });
  if (!checked.ok) {
    const values = Object.fromEntries(Object.entries(pickNeedValues(form)).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    return {
      toast: { type: 'warning', content: `有 ${Object.keys(checked.errors).length} 项需要修改，请查看表单中的红色提示` },
      card: needForm(token, values, checked.errors),
    };
  }
  // The numbered need, its audit row and the centre's cards: one commit.
  const { need, created } = await deps.atomically(async (tx) => {
    const filed = await tx.needs.create({ tenantKey: ctx.tenantKey, filerOpenId: ctx.operatorOpenId, formToken: token, year: numberingYearOf(tx), need: checked.need });
    if (!filed.created) return filed;
    const centreCard = await needCardFor(tx, filed.need, { admin: true, banner: '**新的企业需求**，请对接专家。' });
    for (const target of await centreTargets(tx, filed.need.tenantKey)) {
      const ref = { tenantKey: filed.need.tenantKey, key: newNeedCardKey(filed.need.id, target) };
      if (target.kind === 'chat') await tx.messenger.sendToChat(ref, target.id, { type: 'card', card: centreCard });
      else await tx.messenger.sendToUser(ref, target.id, { type: 'card', card: centreCard });
    }
    return filed;
  });
  if (!created && need.filerOpenId !== ctx.operatorOpenId && !ctx.isAdmin) return error(NOT_YOURS);
  const code = needCode(need);
  if (created) ctx.log.info({ needId: need.id, code }, 'need filed');
  return {
    toast: { type: 'success', content: `已提交，编号 ${code}` },
    card: await needCardFor(deps, need, { admin: false, banner: `<font color='green'>**需求已提交**</font>，编号 **${code}**。科创服务中心对接专家后会私聊通知您。` }),
  };
};

/** Loads the need a button names for an admin; else the answer to give. */
async function loadForAdmin(ctx: CardActionContext): Promise<Need | CardActionResult> {
  if (!ctx.isAdmin) return error(ADMINS_ONLY);
  const need = await ctx.deps.needs.get(ctx.tenantKey, Number(ctx.value.id));
  if (!need) return error('没有找到这项需求，请发送「需求列表」查看。');
  const seen = Number(ctx.value.v);
  if (Number.isSafeInteger(seen) && seen !== need.version) {
    return { toast: { type: 'warning', content: `这项需求刚刚有了变化（当前状态：${need.status}），请查看最新状态。` }, card: await needCardFor(ctx.deps, need, { admin: true }) };
  }
  return need;
}
const isNeed = (x: Need | CardActionResult): x is Need => 'enterpriseName' in x;

/**
 * The experts a need may be matched with: those of its industry, then the others, narrowed to
 * those whose name, organisation or field has `query` (the matching card and the DingTalk wizard).
 */
export async function matchExperts(deps: HandlerDeps, need: Need, query?: string): Promise<{ experts: MatchExpertView[]; otherExperts: MatchExpertView[]; pool: number; key: string }> {
  const pool = await deps.experts.list(need.tenantKey);
  const view = (e: (typeof pool)[number]) => ({ id: e.id, name: e.name, organisation: e.organisation, fieldsText: fieldsOf(e).map((f) => industryLabel(f)).join('、') });
  const key = query ? searchKey(query) : '';
  const experts = key ? pool.map(view).filter((e) => [e.name, e.organisation, e.fieldsText].some((t) => searchKey(t).includes(key))) : pool.map(view);
  const inField = new Set(pool.filter((e) => fieldsOf(e).includes(need.industry)).map((e) => e.id));
  return { experts: experts.filter((e) => inField.has(e.id)), otherExperts: experts.filter((e) => !inField.has(e.id)), pool: pool.length, key };
}

async function matchView(deps: HandlerDeps, need: Need, extra: { note?: string; errors?: { expert?: string; note?: string }; expertId?: number | null; query?: string } = {}) {
  const { query, ...rest } = extra;
  const { experts, otherExperts, pool, key } = await matchExperts(deps, need, query);
  return matchCard({
    need,
    code: needCode(need),
    industryLabel: industryLabel(need.industry),
    experts,
    otherExperts,
    // More experts than the select may list: a search box narrows it (by name, organisation, field).
    ...(pool > MATCH_OPTIONS_MAX || key ? { search: { pool, ...(key ? { query } : {}) } } : {}),
    ...rest,
  });
}

/** The search text a form or button carries (at most MATCH_QUERY_CHARS characters). */
function queryOf(raw: unknown): string | undefined {
  const text = typeof raw === 'string' ? raw.replace(/[\s\u3000\u00a0]+/g, ' ').trim() : '';
  return text ? [...text].slice(0, MATCH_QUERY_CHARS).join('') : undefined;
}

/** 对接 opens the matching card; its 搜索 (`query`) gives the same card, the select narrowed. */
async function openMatch(ctx: CardActionContext, query?: string): Promise<CardActionResult> {
  const need = await loadForAdmin(ctx);
  if (!isNeed(need)) return need;
  const status = need.status as NeedStatus;
  if (!canNeedTransition(status, 'match') && !canNeedTransition(status, 'rematch')) {
    return { toast: { type: 'warning', content: `该需求当前状态为「${need.status}」，不能对接。` }, card: await needCardFor(ctx.deps, need, { admin: true }) };
  }
  return { card: await matchView(ctx.deps, need, { query }) };
}
const matchOpen: CardActionHandler = (ctx) => openMatch(ctx);
const matchSearch: CardActionHandler = (ctx) => openMatch(ctx, queryOf(ctx.formValue?.q));

const match: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  const need = await loadForAdmin(ctx);
  if (!isNeed(need)) return need;
  const action: NeedAction = need.status === '待对接' ? 'match' : 'rematch';
  if (!canNeedTransition(need.status as NeedStatus, action)) {
    return { toast: { type: 'warning', content: `该需求当前状态为「${need.status}」，不能对接。` }, card: await needCardFor(deps, need, { admin: true }) };
  }
  const expertId = Number(ctx.formValue?.expert);
  const note = typeof ctx.formValue?.note === 'string' ? ctx.formValue.note.trim() : '';
  const found = Number.isSafeInteger(expertId) ? await deps.experts.get(ctx.tenantKey, expertId) : null;
  // A stale matching card may still offer an expert whose data has since been deleted.
  const expert = found && found.deletedAt === null ? found : null;
  const noteProblem = needNoteError(action, note);
  if (!expert || noteProblem) {
    const errors = { ...(expert ? {} : { expert: '请选择对接的专家' }), ...(noteProblem ? { note: noteProblem } : {}) };
    return { toast: { type: 'warning', content: errors.expert ?? noteProblem ?? '' }, card: await matchView(deps, need, { note, errors, expertId: expert?.id ?? null, query: queryOf(ctx.value.q) }) };
  }
  // The match, its audit row, the notices and the centre's cards: one commit.
  const result = await deps.atomically(async (tx) => {
    const change = await tx.needs.transition(need, action, nextNeedStatus(need.status as NeedStatus, action), ctx.operatorOpenId, note || null, { expertId: expert.id, matchNote: note || null });
    if (change.ok) await announceMatch(tx, change.need, expert, ctx.messageId);
    return change;
  });
  if (!result.ok) {
    return { toast: { type: 'warning', content: `这项需求刚刚被其他管理员处理了（当前状态：${result.current.status}）。` }, card: await needCardFor(deps, result.current, { admin: true }) };
  }
  const matched = result.need;
  const code = needCode(matched);
  ctx.log.info({ needId: matched.id, expertId: expert.id }, 'need matched');
  const told = expert.openId ? '企业联系人和专家都已收到通知。' : '企业联系人已收到通知；该专家没有飞书账号，请通过其联系方式告知。';
  return {
    toast: { type: 'success', content: `已对接：${code} → ${expert.name}` },
    card: await needCardFor(deps, matched, { admin: true, banner: `<font color='green'>**已对接专家**</font>。${told}` }),
  };
};

/** The enterprise (its filer) learns who will get in touch and how; the expert, if on Feishu, gets the need. */
async function announceMatch(deps: HandlerDeps, matched: Need, expert: Expert, exceptMessageId?: string): Promise<void> {
  const code = needCode(matched);
  const expertView = { name: expert.name, organisation: expert.organisation, contact: expert.contact };
  const label = industryLabel(matched.industry);
  await deps.messenger.sendToUser({ tenantKey: matched.tenantKey, key: `need:${matched.id}:v${matched.version}:filer` }, matched.filerOpenId, {
    type: 'card',
    card: needNoticeCard({ code, enterpriseName: matched.enterpriseName, expert: expertView, note: matched.matchNote, forExpert: false }),
  });
  if (expert.openId) {
    await deps.messenger.sendToUser({ tenantKey: matched.tenantKey, key: `need:${matched.id}:v${matched.version}:expert` }, expert.openId, {
      type: 'card',
      card: needNoticeCard({
        code,
        enterpriseName: matched.enterpriseName,
        expert: expertView,
        note: matched.matchNote,
        forExpert: true,
        need: { description: matched.description, contactName: matched.contactName, mobile: matched.mobile, region: matched.region, industryLabel: label, needType: matched.needType },
      }),
    });
  }
  await refreshNeedCards(deps, matched, exceptMessageId);
}

const FILER_WORDS: Partial<Record<NeedAction, string>> = { follow: '专家正在跟进', resolve: '已解决', close: '已关闭' };

const changeStatus: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  const need = await loadForAdmin(ctx);
  if (!isNeed(need)) return need;
  const to = String(ctx.value.to) as NeedAction;
  if (!['follow', 'resolve', 'close'].includes(to)) return error('这个按钮已失效，请发送「查询 需求编号」获取新的卡片。');
  if (!canNeedTransition(need.status as NeedStatus, to)) {
    return { toast: { type: 'warning', content: `该需求当前状态为「${need.status}」，不能${needActionLabel(to)}。` }, card: await needCardFor(deps, need, { admin: true }) };
  }
  const note = typeof ctx.formValue?.note === 'string' ? ctx.formValue.note : '';
  const problem = needNoteError(to, note);
  if (problem) return { toast: { type: 'warning', content: problem }, card: await needCardFor(deps, need, { admin: true, note, noteError: problem }) };
  // The status, its audit row, the centre's cards and the filer's notice: one commit.
  const result = await deps.atomically(async (tx) => {
    const change = await tx.needs.transition(need, to, nextNeedStatus(need.status as NeedStatus, to), ctx.operatorOpenId, note.trim());
    if (!change.ok) return change;
    await refreshNeedCards(tx, change.need, ctx.messageId);
    await tx.messenger.sendToUser({ tenantKey: change.need.tenantKey, key: `need:${change.need.id}:v${change.need.version}:filer` }, change.need.filerOpenId, {
      type: 'text',
      text: `您提交的企业需求 ${needCode(change.need)} ${FILER_WORDS[to]}。说明：${sanitizeForText(note.trim(), 200)}`,
    });
    return change;
  });
  if (!result.ok) {
    return { toast: { type: 'warning', content: `这项需求刚刚被其他管理员处理了（当前状态：${result.current.status}）。` }, card: await needCardFor(deps, result.current, { admin: true }) };
  }
  const code = needCode(result.need);
  return { toast: { type: 'success', content: `${code} 已${needActionLabel(to)}` }, card: await needCardFor(deps, result.need, { admin: true }) };
};

export const NEED_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  [NEED_SUBMIT_ACTION]: submit,
  [NEED_MATCH_OPEN_ACTION]: matchOpen,
  [NEED_MATCH_ACTION]: match,
  [NEED_MATCH_SEARCH_ACTION]: matchSearch,
  [NEED_STATUS_ACTION]: changeStatus,
  [NEED_LIST_ACTION]: needListPage,
};

