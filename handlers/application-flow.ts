import { createHash } from 'node:crypto';
import { applicationCard, reviewCard, type LinkedNeed } from '../cards/application-cards';
import { needCodeOf } from '../src/domain/need-status';
import { applicationFormCard, FormTarget } from '../cards/application-form-card';
import type { Application } from '../src/db/entities/application.entity';
import type { ApplicationField } from '../src/domain/application-fields';
import { resolveApplicationRules } from '../src/domain/application-rule-config';
import { applicationToFormValues, campaignYearOn, earliestStartDate, firstAllowedStart, type ApplicationErrors, type EarlierSubmission } from '../src/domain/application-rules';
import { changeReviewCard, changeRulesText } from '../cards/change-cards';
import { calendarYearOf, localDate } from '../src/domain/calendar';
import { CENTRE } from '../src/domain/regions';
import type { Logger } from '../src/logger';
import type { OutboundMessage } from '../src/platform/port';
import { checkedOf, codeOf, draftValuesOf, reviewKeysOf } from '../src/services/application-record';
import type { HandlerDeps } from './types';

/**
 * What the application commands and card actions share: today's date, the form card, who may
 * act, and the messages that follow a change (review cards to the centre, the filer's notice).
 * Every message has a key derived from the application and its version, so doing the same work
 * twice (a retried event, a double click) sends it once.
 */

export function todayOf(deps: Pick<HandlerDeps, 'now' | 'settings'>): string {
  return localDate(new Date(deps.now()), deps.settings.timezone);
}

/**
 * The campaign year a new filing belongs to: CAMPAIGN_YEAR, or the season that is running or
 * the next one (see campaignYearOn). An application already numbered keeps its own year.
 */
export function campaignYearOf(deps: Pick<HandlerDeps, 'now' | 'settings'>, app?: Application | null): number {
  if (app?.codeYear) return app.codeYear;
  return deps.settings.campaignYear ?? campaignYearOn(todayOf(deps), deps.settings.rules);
}

/**
 * The year needs and report tasks are numbered in: CAMPAIGN_YEAR, or the calendar year (a
 * year-end report task in December belongs to the year it reports on, not to the next season).
 */
export function numberingYearOf(deps: Pick<HandlerDeps, 'now' | 'settings'>): number {
  return calendarYearOf(deps.settings, new Date(deps.now()));
}

/**
 * A submitted application being changed: the day it was first submitted (from its audit
 * trail) and its start date, from which the 10-day rule counts (see leadDayOf).
 */
export async function earlierSubmissionOf(deps: HandlerDeps, app: Application | null): Promise<EarlierSubmission | undefined> {
  if (!app || app.status === '草稿' || !app.startDate) return undefined;
  const first = (await deps.applications.history(app.id)).find((e) => e.action === 'submit');
  const at = first?.at ?? app.submittedAt;
  if (at === null || at === undefined) return undefined;
  return { firstSubmittedOn: localDate(new Date(at), deps.settings.timezone), startDate: app.startDate };
}

export function formCard(
  deps: HandlerDeps,
  opts: {
    target: FormTarget;
    values: Partial<Record<ApplicationField, string | string[]>>;
    mode: 'new' | 'draft' | 'edit';
    errors?: ApplicationErrors;
    code?: string;
    app?: Application | null;
    earlier?: EarlierSubmission;
  },
) {
  const { app, ...view } = opts;
  const year = campaignYearOf(deps, app);
  const today = todayOf(deps);
  return applicationFormCard({
    ...view,
    campaignYear: year,
    earliestStart: firstAllowedStart(today, year, deps.settings.rules),
    keepingDatesFrom: opts.earlier && opts.earlier.firstSubmittedOn < today ? opts.earlier.firstSubmittedOn : undefined,
    rules: resolveApplicationRules(deps.settings.rules),
  });
}

/** A fresh form's token: stable for one 申请 message, so a redelivered event sends the same card. */
export function formTokenFor(dedupKey: string): string {
  return createHash('sha256').update(`form\n${dedupKey}`).digest('base64url').slice(0, 24);
}

/**
 * The values a form reopens with: what was typed last and not yet submitted (a draft, or a
 * change of a submitted application that failed its checks), else the submitted values.
 */
export function formValuesOf(deps: HandlerDeps, app: Application): Partial<Record<ApplicationField, string | string[]>> {
  const checked = app.status === '草稿' || app.draftForm ? undefined : checkedOf(app);
  return checked ? applicationToFormValues(checked, deps.settings.timezone) : draftValuesOf(app);
}

/** Only the filer or an admin may act on an application. */
export function mayAct(app: Application, openId: string, isAdmin: boolean): boolean {
  return app.filerOpenId === openId || isAdmin;
}

/** The review round: review cards of an earlier submission are superseded by the later ones. */
function roundOf(app: Application): string {
  return `${app.id}:${app.submittedAt ?? 0}`;
}

/** Where the centre is told things: the group(s) bound to 中心, or with none bound each admin privately. */
export async function centreTargets(deps: Pick<HandlerDeps, 'bindings' | 'admins'>, tenantKey: string): Promise<Array<{ kind: 'chat' | 'user'; id: string }>> {
  const chats = await deps.bindings.chatsFor(tenantKey, CENTRE);
  if (chats.length > 0) return chats.map((c) => ({ kind: 'chat', id: c.chatId }));
  return [...deps.admins].map((id) => ({ kind: 'user', id }));
}

/**
 * Forwards a file or image a user sent to the centre (where the review and progress cards are),
 * so the staff can open it: the bot itself only keeps its key. Once per message and target;
 * with `caption`, a line saying whose it is comes right before it.
 */
export async function forwardToCentre(deps: HandlerDeps, tenantKey: string, messageId: string, caption?: string): Promise<void> {
  for (const target of await centreTargets(deps, tenantKey)) {
    const key = `forward:${messageId}:${target.kind}:${target.id}`;
    // The caption (whose file it is) is queued first: the outbox sends one target's messages in order.
    const messages: Array<[string, OutboundMessage]> = [
      ...(caption ? [[`${key}:caption`, { type: 'text', text: caption }] as [string, OutboundMessage]] : []),
      [key, { type: 'forward', messageId }],
    ];
    for (const [k, message] of messages) {
      if (target.kind === 'chat') await deps.messenger.sendToChat({ tenantKey, key: k }, target.id, message);
      else await deps.messenger.sendToUser({ tenantKey, key: k }, target.id, message);
    }
  }
}

/** The review card goes to the centre (see centreTargets). */
export async function sendReviewCards(deps: HandlerDeps, app: Application, log: Logger): Promise<void> {
  const round = roundOf(app);
  const card: OutboundMessage = { type: 'card', card: reviewCard({ app, timezone: deps.settings.timezone, linkedNeeds: await linkedNeedsOf(deps, app) }) };
  const targets = await centreTargets(deps, app.tenantKey);
  if (targets.length === 0) log.warn({ applicationId: app.id }, 'no centre group bound and no ADMIN_OPEN_IDS: nobody gets the review card');
  const keys: string[] = [];
  for (const target of targets) {
    const key = `review:${round}:${target.kind}:${target.id}`;
    const ref = { tenantKey: app.tenantKey, key };
    if (target.kind === 'chat') await deps.messenger.sendToChat(ref, target.id, card);
    else await deps.messenger.sendToUser(ref, target.id, card);
    keys.push(key);
  }
  await deps.applications.addReviewKeys(app, keys);
}

/** Remembers a review card sent some other way (待审), so that it is updated with the others. */
export async function trackReviewCard(deps: HandlerDeps, app: Application, key: string): Promise<void> {
  await deps.applications.addReviewKeys(app, [key]);
}

export function reviewKeyFor(app: Application, suffix: string): string {
  return `review:${roundOf(app)}:${suffix}`;
}

/**
 * Brings every review card of the application up to date (a decision, a withdrawal, a new
 * attachment, a resubmission that supersedes them), except the one the click came from: that
 * one is updated by the callback's answer.
 */
export async function refreshReviewCards(deps: HandlerDeps, app: Application, exceptMessageId?: string, cause = ''): Promise<void> {
  const round = roundOf(app);
  for (const key of reviewKeysOf(app)) {
    const messageId = await deps.messenger.sentMessageId({ tenantKey: app.tenantKey, key });
    if (!messageId || messageId === exceptMessageId) continue;
    const changeRound = changeRoundOf(key);
    if (changeRound !== undefined) {
      const card = changeReviewCard({ app, timezone: deps.settings.timezone, rulesText: changeRulesTextFor(deps, app), round: changeRound });
      await deps.messenger.updateCard({ tenantKey: app.tenantKey, key: `${key}:v${app.version}` }, messageId, card);
      continue;
    }
    const superseded = !key.startsWith(`review:${round}:`);
    const card = reviewCard({ app, timezone: deps.settings.timezone, superseded, linkedNeeds: await linkedNeedsOf(deps, app) });
    // The version names the update; `cause` tells apart updates for changes elsewhere (a linked need).
    await deps.messenger.updateCard({ tenantKey: app.tenantKey, key: `${key}:v${app.version}${cause ? `:${cause}` : ''}` }, messageId, card);
  }
}

/** Change review cards' keys: `change:<application id>:<round>:<target>`. */
export function changeKeyFor(app: Application, round: number, suffix: string): string {
  return `change:${app.id}:${round}:${suffix}`;
}

function changeRoundOf(key: string): number | undefined {
  const m = /^change:\d+:(\d+):/.exec(key);
  return m ? Number(m[1]) : undefined;
}

/** The rules a change after approval follows: start from tomorrow on, within its season, 1–3 days. */
export function changeRulesTextFor(deps: Pick<HandlerDeps, 'now' | 'settings'>, app: Application): string {
  return changeRulesText(resolveApplicationRules(deps.settings.rules), campaignYearOf(deps, app), earliestStartDate(todayOf(deps), { leadDays: 1 }));
}

/** The enterprise needs linked to an application, as its cards list them. */
export async function linkedNeedsOf(deps: HandlerDeps, app: Application): Promise<LinkedNeed[]> {
  return (await deps.needs.linkedTo(app.id)).map((n) => ({ code: needCodeOf(n), enterpriseName: n.enterpriseName, needType: n.needType, status: n.status }));
}

/** Tells the filer privately, once per version of the application. */
export async function notifyFiler(deps: HandlerDeps, app: Application, banner: string): Promise<void> {
  const card = applicationCard({ app, timezone: deps.settings.timezone, banner, filerButtons: true });
  await deps.messenger.sendToUser({ tenantKey: app.tenantKey, key: `notify:${app.id}:v${app.version}` }, app.filerOpenId, { type: 'card', card });
}

export function codeText(app: Application): string {
  return codeOf(app) ?? '草稿';
}
