import type { Application } from '../db/entities/application.entity';
import { DEFAULT_KIND, isActivityKind, type ActivityValue } from '../domain/activity-menu';
import { pickFormValues, type ApplicationField } from '../domain/application-fields';
import type { CheckedApplication } from '../domain/application-rules';
import { formatCode, parseCodeWith } from '../domain/codes';
import { stringListOf } from '../domain/json-lists';
import { parseRegion } from '../domain/regions';

/**
 * What an application row says, read without the database: its code, its checked values, the
 * JSON columns (topics, draft form, review card keys). Also the actor the scheduled jobs use.
 */

/** SQ<year>-<4 digits>; sequences past 9999 simply grow a digit. */
export function codeOf(app: Pick<Application, 'codeYear' | 'codeSeq'>): string | undefined {
  if (app.codeYear === null || app.codeSeq === null) return undefined;
  return formatCode('SQ', app.codeYear, app.codeSeq);
}

/** Reads an application code as people type it (see parseCodeWith). */
export function parseCode(text: string): { year: number; seq: number } | undefined {
  return parseCodeWith('SQ', text);
}

/** The checked values of a submitted application, as the rules produced them. */
export function checkedOf(app: Application): CheckedApplication | undefined {
  if (app.orgName === null || app.startDate === null || app.endDate === null || app.headcount === null) return undefined;
  return {
    kind: isActivityKind(app.kind) ? app.kind : DEFAULT_KIND,
    orgName: app.orgName,
    // Stryker disable next-line StringLiteral: parseRegion reads a text naming no region as undefined, as it reads '', so any fallback text ends as the '' on the line below
    region: parseRegion(app.region ?? '') ??
      ('' as never),
    venue: app.venue ?? '',
    startDate: app.startDate,
    endDate: app.endDate,
    days: dayCount(app.startDate, app.endDate),
    headcount: app.headcount,
    coreCount: app.coreCount,
    enterpriseCount: app.enterpriseCount,
    keyIndustryCount: app.keyIndustryCount,
    audience: app.audience ?? '',
    needs: app.needs ?? '',
    topics: topicsOf(app),
    contactName: app.contactName ?? '',
    mobile: app.mobile ?? '',
    email: app.email ?? '',
    remarks: app.remarks ?? '',
  };
}

function dayCount(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
}

export function topicsOf(app: Application): ActivityValue[] {
  try {
    // Stryker disable next-line StringLiteral: JSON.parse('') throws, and the catch gives the same [] as an empty list
    const parsed = JSON.parse(app.topics ?? '[]');
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** A draft's typed values, as the form card shows them again. */
export function draftValuesOf(app: Application): Partial<Record<ApplicationField, string | string[]>> {
  try {
    // Stryker disable next-line StringLiteral: JSON.parse('') throws, and the catch gives the same {} as picking from an empty form
    return pickFormValues(JSON.parse(app.draftForm ?? '{}'));
  } catch {
    return {};
  }
}

export function reviewKeysOf(app: Application): string[] {
  return stringListOf(app.reviewKeys);
}

/** Who the scheduled jobs act as in the audit trail (e.g. 已通过 → 已举办). */
export const SYSTEM_ACTOR = 'system';

/** The values a change after approval may move. */
export interface ChangeValues {
  startDate: string;
  endDate: string;
  venue: string;
  headcount: number;
}

/**
 * A change request after approval: the values before and after, side by side, and where it
 * stands. `round` numbers the requests of one application (its review cards' keys carry it).
 */
export interface ChangeRequest {
  round: number;
  state: '待审核' | '已同意' | '不同意' | '已撤销';
  old: ChangeValues;
  new: ChangeValues;
  /** The filer's (or admin's) explanation, optional. */
  note: string | null;
  requestedBy: string;
  requestedAt: number;
  decidedBy?: string;
  decidedAt?: number;
  /** Why the centre refused. */
  reason?: string | null;
}

export function changeRequestOf(app: Application): ChangeRequest | undefined {
  try {
    // Stryker disable next-line StringLiteral: JSON.parse('') throws, and the catch gives the same undefined as JSON null
    const parsed: unknown = JSON.parse(app.changeRequest ?? 'null');
    // Object(null) is {}, and a JSON text, number or boolean has no `round`: only an object with a numeric round passes.
    return typeof Object(parsed).round === 'number' ? (parsed as ChangeRequest) : undefined;
  } catch {
    // Not JSON: none.
  }
  return undefined;
}

export function changeValuesOf(app: Application): ChangeValues {
  return { startDate: app.startDate ?? '', endDate: app.endDate ?? '', venue: app.venue ?? '', headcount: app.headcount ?? 0 };
}

/** An expert on an activity's team, with the name they had when assigned. */
export interface TeamMember {
  id: number;
  name: string;
}

/** The expert team of an activity (issue 11, item 6), when one is assigned. */
export interface ExpertTeam {
  experts: TeamMember[];
  /** The travel note (行程), if any. */
  note: string | null;
  assignedBy: string | null;
  assignedAt: number | null;
}

export function teamOf(app: Pick<Application, 'teamExperts' | 'teamNote' | 'teamBy' | 'teamAt'>): ExpertTeam | undefined {
  try {
    // Stryker disable next-line StringLiteral: JSON.parse('') throws, and the catch gives the same undefined as JSON null
    const parsed = JSON.parse(app.teamExperts ?? 'null');
    if (!Array.isArray(parsed)) return undefined;
    const experts = parsed.filter((m): m is TeamMember => m && typeof m.id === 'number' && typeof m.name === 'string');
    if (experts.length === 0) return undefined;
    return { experts, note: app.teamNote, assignedBy: app.teamBy, assignedAt: app.teamAt };
  } catch {
    // Not JSON: none.
  }
  return undefined;
}
