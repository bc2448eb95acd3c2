import { reviewCard } from '../cards/application-cards';
import { teamCard, teamConflictCard, teamFormCard, type TeamExpertView } from '../cards/team-cards';
import { TEAM_CONFIRM_ACTION, TEAM_DISMISS_ACTION, TEAM_OPEN_ACTION, TEAM_SAVE_ACTION, teamNames, type TeamOrigin } from '../cards/team-line';
import type { Application } from '../src/db/entities/application.entity';
import type { Expert } from '../src/db/entities/expert.entity';
import { teamConflicts, teamError } from '../src/domain/expert-team';
import { industryLabel } from '../src/domain/industries';
import { teamOf, type TeamMember } from '../src/services/application-record';
import { fieldsOf } from '../src/services/expert-service';
import { codeText, linkedNeedsOf, notifyFiler, refreshReviewCards } from './application-flow';
import { refreshFilerCards } from './application-change';
import type { CardActionContext, CardActionHandler, CardActionResult, HandlerDeps } from './types';

/**
 * The expert team of an approved activity (issue 11, item 6), for admins: 安排专家 on the review,
 * detail or reminder card opens a form (experts from the expert table, a travel note); saving
 * books them, unless an expert is already on another activity whose dates overlap: then a
 * confirmation names that activity (仍然安排 / 取消). Every save is conditional on the version
 * the admin saw, audited, and brings the activity's cards (review cards, the filer's) up to date.
 */

const error = (content: string): CardActionResult => ({ toast: { type: 'error', content } });
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const originOf = (ctx: CardActionContext): TeamOrigin => (ctx.value.from === 'review' || ctx.value.from === 'reminder' ? ctx.value.from : 'detail');

/** The activity a button names, if the operator is an admin; else the toast to answer with. */
async function load(ctx: CardActionContext): Promise<Application | CardActionResult> {
  if (!ctx.isAdmin) {
    ctx.log.warn('expert team action by a non-admin refused');
    return error('只有科创服务中心的管理员可以安排专家团队。');
  }
  const id = Number(ctx.value.id);
  const app = Number.isSafeInteger(id) && id > 0 ? await ctx.deps.applications.get(ctx.tenantKey, id) : null;
  if (!app || app.status === '草稿') return error('没有找到这项活动，卡片可能已失效。');
  return app;
}

const isApp = (x: Application | CardActionResult): x is Application => 'filerOpenId' in x;

function notApproved(app: Application): CardActionResult {
  return { toast: { type: 'warning', content: `该活动当前状态为「${app.status}」，只有已通过审核、尚未举办的活动可以安排专家。` } };
}

function expertView(e: Expert): TeamExpertView {
  return { id: e.id, name: e.name, organisation: e.organisation, fieldsText: fieldsOf(e).map((f) => industryLabel(f)).join('、') };
}

/** The expert ids a form or button carries: positive integers, each once, in order. */
function idsOf(raw: unknown): number[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' && raw !== '' ? [raw] : [];
  return [...new Set(list.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0))];
}

async function formFor(deps: HandlerDeps, app: Application, from: TeamOrigin, input: { filter: string; chosen: number[]; note: string; error?: string }) {
  const all = await deps.experts.list(app.tenantKey);
  const offered = input.filter ? await deps.experts.matching(app.tenantKey, input.filter) : all;
  // Chosen experts no longer in the table (deleted meanwhile) cannot be chosen again.
  const chosen = (await deps.experts.byIds(app.tenantKey, input.chosen)).map(expertView);
  return teamFormCard({ app, from, experts: offered.map(expertView), total: all.length, chosen, note: input.note, filter: input.filter, error: input.error });
}

/** The card the clicked one turns back into: the review card, or the activity with its team. */
async function doneCard(ctx: CardActionContext, app: Application, from: TeamOrigin, banner?: string) {
  if (from === 'review') return reviewCard({ app, timezone: ctx.deps.settings.timezone, linkedNeeds: await linkedNeedsOf(ctx.deps, app) });
  return teamCard(app, banner);
}

const open: CardActionHandler = async (ctx) => {
  const app = await load(ctx);
  if (!isApp(app)) return app;
  if (app.status !== '已通过') return notApproved(app);
  const team = teamOf(app);
  // 筛选 submits the form: what was chosen and typed so far comes back with the filtered list.
  const submitted = ctx.formValue;
  const input = submitted
    ? { filter: text(submitted.filter), chosen: idsOf(submitted.experts), note: text(submitted.note) }
    : { filter: '', chosen: team?.experts.map((e) => e.id) ?? [], note: team?.note ?? '' };
  return { card: await formFor(ctx.deps, app, originOf(ctx), input) };
};

/** Saves a team: the version seen still current, every expert still in the table. */
async function save(ctx: CardActionContext, app: Application, ids: number[], note: string, confirmed: boolean): Promise<CardActionResult> {
  const { deps } = ctx;
  const from = originOf(ctx);
  const seen = Number(ctx.value.v);
  if (!Number.isSafeInteger(seen) || seen !== app.version) {
    return { toast: { type: 'warning', content: '这项活动刚刚有了变化（可能另一位管理员已安排了专家），未保存。请查看最新的专家安排后重新操作。' }, card: await doneCard(ctx, app, from) };
  }
  const problem = teamError(ids, note);
  if (problem) return { toast: { type: 'warning', content: problem }, card: await formFor(deps, app, from, { filter: '', chosen: ids, note, error: problem }) };
  const experts = await deps.experts.byIds(app.tenantKey, ids);
  if (experts.length !== ids.length) {
    const message = '所选专家中有人已从专家库删除，请重新选择。';
    return { toast: { type: 'warning', content: message }, card: await formFor(deps, app, from, { filter: '', chosen: ids, note, error: message }) };
  }
  const before = teamOf(app);
  const members: TeamMember[] = experts.map((e) => ({ id: e.id, name: e.name }));
  if (sameTeam(before?.experts ?? [], members) && (before?.note ?? '') === note) {
    return { toast: { type: 'info', content: '专家安排没有变化。' }, card: await doneCard(ctx, app, from) };
  }
  // Only experts newly added are booked; those already on the team were checked when they were.
  const added = members.filter((m) => !before?.experts.some((e) => e.id === m.id));
  const bookings = added.length && app.startDate ? await deps.applications.bookingsBetween(app.tenantKey, app.startDate, app.endDate ?? app.startDate, app.id) : [];
  const conflicts = app.startDate ? teamConflicts({ startDate: app.startDate, endDate: app.endDate ?? app.startDate }, added.map((m) => m.id), bookings) : [];
  if (conflicts.length && !confirmed) {
    ctx.log.info({ applicationId: app.id, conflicts: conflicts.length }, 'expert team overlaps another activity: asking');
    const nameOf = (id: number) => members.find((m) => m.id === id)?.name ?? '';
    return {
      toast: { type: 'warning', content: `${nameOf(conflicts[0].expertId)} 在同一时间已安排在 ${conflicts[0].other.code}，请确认。` },
      card: teamConflictCard({ app, from, conflicts: conflicts.map((c) => ({ expertName: nameOf(c.expertId), other: c.other })), expertIds: ids, note }),
    };
  }
  const team = members.length ? { experts: members, note: note || null } : null;
  const names = members.map((m) => m.name).join('、');
  const overlap = conflicts.length ? `；与 ${[...new Set(conflicts.map((c) => c.other.code))].join('、')} 时间重叠，管理员确认仍然安排` : '';
  const audit = team ? `${names}${note ? `；行程：${note}` : ''}${overlap}` : '撤销专家安排';
  const result = await deps.atomically(async (tx) => {
    const change = await tx.applications.assignTeam(app, team, ctx.operatorOpenId, audit);
    if (!change.ok) return change;
    await refreshReviewCards(tx, change.app, from === 'review' ? ctx.messageId : undefined);
    await refreshFilerCards(tx, change.app);
    await notifyFiler(
      tx,
      change.app,
      team
        ? `<font color='green'>**科创服务中心${before ? '调整了' : '已安排'}本次活动的专家团队**</font>：${teamNames(change.app)}。请做好专家接待准备。`
        : '科创服务中心撤销了本次活动的专家安排，将另行安排。',
    );
    return change;
  });
  if (!result.ok) return { toast: { type: 'warning', content: `这项活动刚刚有了变化（当前状态：${result.current.status}），未保存。` }, card: await doneCard(ctx, result.current, from) };
  ctx.log.info({ applicationId: app.id, experts: members.length, overlapConfirmed: conflicts.length > 0 }, 'expert team saved');
  const toast = team ? `已保存 ${codeText(result.app)} 的专家团队：${names}` : `已撤销 ${codeText(result.app)} 的专家安排`;
  return { toast: { type: 'success', content: toast }, card: await doneCard(ctx, result.app, from, team ? "<font color='green'>**专家安排已保存**</font>，申请人已收到通知。" : '专家安排已撤销，申请人已收到通知。') };
}

function sameTeam(a: TeamMember[], b: TeamMember[]): boolean {
  return a.length === b.length && a.every((m, i) => m.id === b[i].id);
}

const submit: CardActionHandler = async (ctx) => {
  const app = await load(ctx);
  if (!isApp(app)) return app;
  if (app.status !== '已通过') return notApproved(app);
  return save(ctx, app, idsOf(ctx.formValue?.experts), text(ctx.formValue?.note), false);
};

/** 仍然安排: the team the conflict card carries, booked although it overlaps. */
const confirm: CardActionHandler = async (ctx) => {
  const app = await load(ctx);
  if (!isApp(app)) return app;
  if (app.status !== '已通过') return notApproved(app);
  return save(ctx, app, idsOf(ctx.value.experts), text(ctx.value.note), true);
};

/** 取消 on the conflict card: nothing is saved; the card shows the activity as it is. */
const dismiss: CardActionHandler = async (ctx) => {
  const app = await load(ctx);
  if (!isApp(app)) return app;
  return { toast: { type: 'info', content: '未保存，专家安排保持不变。' }, card: await doneCard(ctx, app, originOf(ctx)) };
};

export const TEAM_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  [TEAM_OPEN_ACTION]: open,
  [TEAM_SAVE_ACTION]: submit,
  [TEAM_CONFIRM_ACTION]: confirm,
  [TEAM_DISMISS_ACTION]: dismiss,
};
