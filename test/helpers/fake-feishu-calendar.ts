import type { FakeFeishu, RecordedCall } from './fake-feishu';

/**
 * The calendar part of the fake Open API (issue 13 item 5), plugged into FakeFeishu.apis:
 * `calendar/v4` event create, patch and delete, attendee create and batch_delete, for the
 * calendars the app may write to. Strict where Feishu is (FEISHU.md §9, the SDK's request
 * types): the calendar must be one the app can write, the event one it made and not deleted,
 * times as `{timestamp (seconds), timezone}` or `{date}` with the end after the start,
 * attendees as `{type:'user', user_id:<open_id>}` with user_id_type=open_id. A create repeated
 * with the same `idempotency_key` returns the first event and makes nothing new. A request that
 * breaks a rule is answered with a parameter error and recorded in the fake's `violations`.
 */

export interface FakeCalendarEvent {
  eventId: string;
  calendarId: string;
  summary: string;
  description: string;
  location: string | undefined;
  start: { timestamp?: string; date?: string; timezone?: string };
  end: { timestamp?: string; date?: string; timezone?: string };
  attendees: string[];
  deleted: boolean;
  idempotencyKey: string | undefined;
}

export interface CalendarFailure {
  status: number;
  body?: unknown;
  /** Do what was asked, then answer with the failure (a lost answer). */
  afterApplying?: boolean;
}

const EVENTS = /^\/open-apis\/calendar\/v4\/calendars\/([^/]+)\/events$/;
const EVENT = /^\/open-apis\/calendar\/v4\/calendars\/([^/]+)\/events\/([^/]+)$/;
const ATTENDEES = /^\/open-apis\/calendar\/v4\/calendars\/([^/]+)\/events\/([^/]+)\/attendees(\/batch_delete)?$/;
const OPEN_ID = /^ou_\w+$/;

export class FakeCalendar {
  readonly events: FakeCalendarEvent[] = [];
  /** Failures for the next calendar calls, in order. */
  readonly failures: CalendarFailure[] = [];
  private counter = 0;

  constructor(readonly writable: readonly string[]) {}

  install(fake: FakeFeishu): this {
    fake.apis.push((call, send, invalid) => this.handle(call, send, invalid));
    return this;
  }

  /** The events not deleted. */
  live(): FakeCalendarEvent[] {
    return this.events.filter((e) => !e.deleted);
  }

  private handle(call: RecordedCall, send: (status: number, payload: unknown) => void, invalid: (reason: string) => void): boolean {
    if (!call.path.startsWith('/open-apis/calendar/v4/')) return false;
    const attendees = ATTENDEES.exec(call.path);
    const one = EVENT.exec(call.path);
    const all = EVENTS.exec(call.path);
    const calendarId = decodeURIComponent((attendees ?? one ?? all)?.[1] ?? '');
    if (!attendees && !one && !all) {
      send(404, { code: 404, msg: 'not found' });
      return true;
    }
    if (!this.writable.includes(calendarId)) {
      invalid(`calendar '${calendarId}' is not one the app may write to`);
      return true;
    }
    const failure = this.failures.shift();
    const fail = () => send(failure!.status, failure!.body ?? { code: 500, msg: 'internal error' });
    if (failure && !failure.afterApplying) {
      fail();
      return true;
    }
    const ok = (data: unknown) => (failure ? fail() : send(200, { code: 0, msg: 'success', data }));
    const body = call.body ?? {};

    if (all) {
      if (call.method !== 'POST') return this.refuse(invalid, `${call.method} on the events collection`);
      const problem = this.checkUserIdType(call) ?? checkEventBody(body, true) ?? checkKey(call.query.idempotency_key);
      if (problem) return this.refuse(invalid, problem);
      const key = call.query.idempotency_key;
      const seen = key ? this.events.find((e) => e.calendarId === calendarId && e.idempotencyKey === key) : undefined;
      if (seen) {
        ok({ event: { event_id: seen.eventId } });
        return true;
      }
      this.counter += 1;
      const event: FakeCalendarEvent = {
        eventId: `fake-event-${this.counter}_0`,
        calendarId,
        summary: body.summary,
        description: body.description ?? '',
        location: body.location?.name,
        start: body.start_time,
        end: body.end_time,
        attendees: [],
        deleted: false,
        idempotencyKey: key,
      };
      this.events.push(event);
      ok({ event: { event_id: event.eventId, summary: event.summary } });
      return true;
    }

    const eventId = decodeURIComponent((attendees ?? one)![2]);
    const event = this.events.find((e) => e.calendarId === calendarId && e.eventId === eventId);
    if (!event) return this.refuse(invalid, `event '${eventId}' does not exist in '${calendarId}'`);
    if (event.deleted) return this.refuse(invalid, `event '${eventId}' was deleted`);

    if (attendees) {
      if (call.method !== 'POST') return this.refuse(invalid, `${call.method} on attendees`);
      if (call.query.user_id_type !== 'open_id') return this.refuse(invalid, `attendees with user_id_type '${call.query.user_id_type}'`);
      const list = attendees[3] ? body.delete_ids : body.attendees;
      if (!Array.isArray(list) || list.length === 0) return this.refuse(invalid, attendees[3] ? 'batch_delete needs delete_ids' : 'attendees needs a list');
      if (!list.every((a: any) => a?.type === 'user' && typeof a.user_id === 'string' && OPEN_ID.test(a.user_id))) {
        return this.refuse(invalid, 'attendees must be {type:"user", user_id:<open_id>}');
      }
      const ids: string[] = list.map((a: any) => a.user_id);
      event.attendees = attendees[3] ? event.attendees.filter((id) => !ids.includes(id)) : [...new Set([...event.attendees, ...ids])];
      ok({ attendees: ids.map((id) => ({ type: 'user', user_id: id })) });
      return true;
    }
    if (call.method === 'PATCH') {
      const problem = checkEventBody(body, false);
      if (problem) return this.refuse(invalid, problem);
      if (body.summary !== undefined) event.summary = body.summary;
      if (body.description !== undefined) event.description = body.description;
      if (body.location !== undefined) event.location = body.location?.name;
      if (body.start_time !== undefined) event.start = body.start_time;
      if (body.end_time !== undefined) event.end = body.end_time;
      const span = checkSpan(event.start, event.end);
      if (span) return this.refuse(invalid, span);
      ok({ event: { event_id: event.eventId } });
      return true;
    }
    if (call.method === 'DELETE') {
      event.deleted = true;
      ok({});
      return true;
    }
    return this.refuse(invalid, `${call.method} on an event`);
  }

  private refuse(invalid: (reason: string) => void, reason: string): true {
    invalid(reason);
    return true;
  }

  private checkUserIdType(call: RecordedCall): string | undefined {
    const t = call.query.user_id_type;
    return t === undefined || ['open_id', 'union_id', 'user_id'].includes(t) ? undefined : `user_id_type '${t}'`;
  }
}

function checkTime(t: any, name: string): string | undefined {
  if (!t || typeof t !== 'object') return `${name} must be an object`;
  if (t.timestamp !== undefined) {
    if (typeof t.timestamp !== 'string' || !/^\d{9,11}$/.test(t.timestamp)) return `${name}.timestamp must be Unix seconds as a string`;
    if (t.timezone !== undefined && typeof t.timezone !== 'string') return `${name}.timezone must be a string`;
    return undefined;
  }
  if (typeof t.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(t.date)) return undefined;
  return `${name} needs a timestamp or a date`;
}

function checkSpan(start: any, end: any): string | undefined {
  const at = (t: any) => (t.timestamp !== undefined ? Number(t.timestamp) : Date.parse(`${t.date}T00:00:00Z`) / 1000);
  return at(end) > at(start) ? undefined : 'end_time must be after start_time';
}

function checkEventBody(body: any, creating: boolean): string | undefined {
  if (!body || typeof body !== 'object') return 'the body must be a JSON object';
  if (creating || body.summary !== undefined) {
    if (typeof body.summary !== 'string' || body.summary.trim() === '' || [...body.summary].length > 1000) return 'summary must be 1–1000 characters';
  }
  if (body.description !== undefined && (typeof body.description !== 'string' || [...body.description].length > 40_960)) return 'description must be a string of at most 40960 characters';
  if (body.location !== undefined && (typeof body.location !== 'object' || typeof body.location.name !== 'string')) return 'location must be {name}';
  if (creating || body.start_time !== undefined) {
    const problem = checkTime(body.start_time, 'start_time') ?? checkTime(body.end_time, 'end_time') ?? checkSpan(body.start_time, body.end_time);
    if (problem) return problem;
  }
  for (const key of Object.keys(body)) {
    if (!['summary', 'description', 'need_notification', 'start_time', 'end_time', 'location', 'visibility', 'attendee_ability', 'free_busy_status', 'reminders', 'color'].includes(key)) return `unknown field '${key}'`;
  }
  return undefined;
}

function checkKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  return /^[\w-]{1,64}$/.test(key) ? undefined : `idempotency_key '${key}'`;
}
