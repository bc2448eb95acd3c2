import type { Application } from '../src/db/entities/application.entity';
import { teamOf } from '../src/services/application-record';
import { button, CardElement } from './card-kit';
import { escapeClipped } from './markdown';

/**
 * How an activity's expert team (issue 11, item 6) reads on every card of it, and the admins'
 * button that opens the team form. Kept apart from team-cards.ts so that application-cards.ts
 * can use it without an import cycle.
 */

export const TEAM_OPEN_ACTION = 'team.open';
export const TEAM_SAVE_ACTION = 'team.save';
export const TEAM_CONFIRM_ACTION = 'team.confirm';
export const TEAM_DISMISS_ACTION = 'team.dismiss';

/** Which card the team form was opened from: what it turns back into when done. */
export type TeamOrigin = 'review' | 'detail' | 'reminder';

const NAME_CHARS = 20;
const NOTE_CHARS = 300;

/** The experts' names, 、-separated and escaped. */
export function teamNames(app: Application): string | undefined {
  const team = teamOf(app);
  return team ? team.experts.map((e) => escapeClipped(e.name, NAME_CHARS)).join('、') : undefined;
}

/** 专家团队：张三、李四（行程：…）, or nothing while no team is assigned. */
export function teamLine(app: Application): string | undefined {
  const team = teamOf(app);
  if (!team) return undefined;
  const note = team.note ? `（行程：${escapeClipped(team.note, NOTE_CHARS)}）` : '';
  return `**专家团队**：${teamNames(app)}${note}`;
}

/** 安排专家 (or 调整专家团队 once there is a team), for admins, on an approved activity's cards. */
export function teamButton(app: Application, from: TeamOrigin): CardElement {
  return button(teamOf(app) ? '调整专家团队' : '安排专家', { action: TEAM_OPEN_ACTION, id: app.id, from }, 'default');
}
