/**
 * The expert team of an approved activity (notice 六(四): the centre "协调邀请并带领专家团队前往
 * 活动地点"). An expert cannot be in two places at once: a team that books an expert on another
 * activity whose dates overlap is refused unless an admin confirms. Pure rules; the service
 * finds the other activities, the handler asks for the confirmation.
 */

/** The travel note (行程): room for trains, flights and who meets whom, not an essay. */
export const MAX_TEAM_NOTE_LENGTH = 300;
/** More experts than this on one activity is a mistake, not a team. */
export const MAX_TEAM_SIZE = 20;

/** Statuses in which an activity holds its experts: cancelled or withdrawn ones do not. */
export const BOOKING_STATUSES = ['已通过', '已举办', '已总结'] as const;

/** Another activity that has a team, as the overlap check sees it. */
export interface Booking {
  applicationId: number;
  code: string;
  orgName: string;
  region: string;
  startDate: string;
  endDate: string;
  expertIds: number[];
}

export interface TeamConflict {
  expertId: number;
  other: Booking;
}

/** Two date ranges (ISO dates, both ends included) share at least one day. */
export function datesOverlap(a: { startDate: string; endDate: string }, b: { startDate: string; endDate: string }): boolean {
  return a.startDate <= b.endDate && b.startDate <= a.endDate;
}

/**
 * Each chosen expert already on another activity whose dates overlap `dates`: one entry per
 * expert and activity, in the order the experts were chosen.
 */
export function teamConflicts(dates: { startDate: string; endDate: string }, expertIds: readonly number[], others: readonly Booking[]): TeamConflict[] {
  const conflicts: TeamConflict[] = [];
  for (const expertId of expertIds) {
    for (const other of others) {
      if (other.expertIds.includes(expertId) && datesOverlap(dates, other)) conflicts.push({ expertId, other });
    }
  }
  return conflicts;
}

/** What is wrong with a team as submitted, or undefined. */
export function teamError(expertIds: readonly number[], note: string): string | undefined {
  if (expertIds.length > MAX_TEAM_SIZE) return `一项活动最多安排 ${MAX_TEAM_SIZE} 位专家。`;
  if ([...note].length > MAX_TEAM_NOTE_LENGTH) return `行程说明最多 ${MAX_TEAM_NOTE_LENGTH} 字。`;
  return undefined;
}
