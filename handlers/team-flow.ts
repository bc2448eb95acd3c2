import type { Application } from '../src/db/entities/application.entity';
import { teamConflicts } from '../src/domain/expert-team';
import { teamOf } from '../src/services/application-record';
import type { HandlerDeps } from './types';

/**
 * After an activity with an expert team moves (同意改期), its experts may now be booked
 * elsewhere on the new dates: one sentence naming them and the other activities, or nothing.
 */
export async function teamOverlapNotice(deps: Pick<HandlerDeps, 'applications'>, app: Application): Promise<string | undefined> {
  const team = teamOf(app);
  if (!team || !app.startDate) return undefined;
  const dates = { startDate: app.startDate, endDate: app.endDate ?? app.startDate };
  const bookings = await deps.applications.bookingsBetween(app.tenantKey, dates.startDate, dates.endDate, app.id);
  const conflicts = teamConflicts(dates, team.experts.map((e) => e.id), bookings);
  if (conflicts.length === 0) return undefined;
  const what = conflicts.map((c) => `${team.experts.find((e) => e.id === c.expertId)?.name ?? ''} 已安排在 ${c.other.code}（${c.other.region}）`);
  return `注意：新日期与专家的其他安排重叠：${[...new Set(what)].join('；')}。请调整专家团队。`;
}
