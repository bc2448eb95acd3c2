import type { ApplicationEvent } from '../db/entities/application-event.entity';
import type { Application } from '../db/entities/application.entity';
import type { ApplicationStatus } from '../domain/application-status';
import { isoOf, requireDate } from '../domain/calendar';
import { REGIONS, type Region } from '../domain/regions';
import { heldDay } from './occasions';

/**
 * The numbers of a weekly digest, computed from the applications and their audit trail: pure,
 * so the digest's content can be tested without a database or a chart.
 */

/** The statuses the digest counts (drafts are private, withdrawn ones are over). */
export const DIGEST_STATUSES: readonly ApplicationStatus[] = ['待审核', '已退回', '已通过', '已举办', '已总结', '未通过'];

export interface WeeklyFigures {
  /** The past seven days, 'YYYY-MM-DD' both ends included. */
  from: string;
  to: string;
  counts: Record<ApplicationStatus, number>;
  byRegion: Record<Region, Record<ApplicationStatus, number>>;
  submitted: Application[];
  decided: Array<{ app: Application; action: string }>;
  upcoming: Application[];
  overdue: Application[];
}

export interface WeeklyInput {
  apps: Application[];
  /** Audit rows of these applications (any time; filtered here). */
  events: ApplicationEvent[];
  /** Start of the digest's day (local midnight) as epoch ms, and that day's date. */
  dayStartMs: number;
  /** Local midnight seven days earlier (not 7×24 h: a day with a clock change is 23 or 25 h). */
  weekStartMs?: number;
  today: string;
  upcomingDays: number;
  overdueDays: number;
}

const DAY_MS = 86_400_000;

export function weeklyFigures(input: WeeklyInput): WeeklyFigures {
  const weekStartMs = input.weekStartMs ?? input.dayStartMs - 7 * DAY_MS;
  const today = requireDate('today', input.today);
  const horizon = isoOf(today.plus({ days: input.upcomingDays }));
  const overdueBefore = isoOf(today.minus({ days: input.overdueDays }));
  const zero = () => Object.fromEntries(DIGEST_STATUSES.map((s) => [s, 0])) as Record<ApplicationStatus, number>;
  const counts = zero();
  const byRegion = Object.fromEntries(REGIONS.map((r) => [r, zero()])) as Record<Region, Record<ApplicationStatus, number>>;
  const visible = input.apps.filter((a) => DIGEST_STATUSES.includes(a.status));
  for (const a of visible) {
    counts[a.status] += 1;
    if (a.region && a.region in byRegion) byRegion[a.region as Region][a.status] += 1;
  }
  // Only what the totals count: an application filed and withdrawn within the week is not news.
  const byId = new Map(visible.map((a) => [a.id, a]));
  const inWeek = (at: number) => at >= weekStartMs && at < input.dayStartMs;
  const submitted = input.events
    .filter((e) => e.action === 'submit' && inWeek(e.at))
    .map((e) => byId.get(e.applicationId))
    .filter((a): a is Application => a !== undefined);
  // Applications reviewed, each once with its latest decision of the week (returned on Monday,
  // approved on Thursday counts as one application, 通过), not every decision.
  const latestDecision = new Map<number, { app: Application; action: string; at: number }>();
  for (const e of input.events) {
    if (!['approve', 'return', 'reject'].includes(e.action) || !inWeek(e.at)) continue;
    const app = byId.get(e.applicationId);
    const seen = latestDecision.get(e.applicationId);
    if (app && (!seen || e.at >= seen.at)) latestDecision.set(e.applicationId, { app, action: e.action, at: e.at });
  }
  const decided = [...latestDecision.values()].map(({ app, action }) => ({ app, action }));
  const upcoming = visible
    .filter((a) => a.status === '已通过' && a.startDate !== null && a.startDate >= input.today && a.startDate <= horizon)
    .sort((a, b) => (a.startDate! < b.startDate! ? -1 : a.startDate! > b.startDate! ? 1 : a.id - b.id));
  const overdue = visible.filter((a) => a.status === '已举办' && (heldDay(a) ?? '9999') <= overdueBefore);
  return {
    from: isoOf(today.minus({ days: 7 })),
    to: isoOf(today.minus({ days: 1 })),
    counts,
    byRegion,
    submitted,
    decided,
    upcoming,
    overdue,
  };
}
