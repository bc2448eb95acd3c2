import type * as lark from '@larksuiteoapi/node-sdk';
import type { CalendarEventSpec, CalendarPort } from '../calendar-port';
import { PlatformError } from '../port';
import { classifyFeishuError, fromFeishuCode } from './errors';

/**
 * The calendar through the SDK (`calendar.v4.calendarEvent`, `calendarEventAttendee`; FEISHU.md
 * §9): the app, with writer rights on the calendar, is the organiser of the events it makes.
 * Attendees are told by Feishu (need_notification); the bot sends no message of its own.
 */
export class FeishuCalendar implements CalendarPort {
  constructor(private readonly client: lark.Client) {}

  async createEvent(calendarId: string, event: CalendarEventSpec, idempotencyKey: string): Promise<string> {
    const res = await call(() =>
      this.client.calendar.v4.calendarEvent.create({
        path: { calendar_id: calendarId },
        params: { idempotency_key: idempotencyKey, user_id_type: 'open_id' },
        data: { ...body(event), need_notification: true, visibility: 'default', attendee_ability: 'can_see_others', free_busy_status: 'busy' },
      }),
    );
    const eventId = (res.data as { event?: { event_id?: string } } | undefined)?.event?.event_id;
    if (!eventId) throw new PlatformError('calendar event create answered without an event_id', { retryable: true });
    return eventId;
  }

  async updateEvent(calendarId: string, eventId: string, event: CalendarEventSpec): Promise<void> {
    await call(() =>
      this.client.calendar.v4.calendarEvent.patch({
        path: { calendar_id: calendarId, event_id: eventId },
        params: { user_id_type: 'open_id' },
        data: { ...body(event), need_notification: true },
      }),
    );
  }

  async deleteEvent(calendarId: string, eventId: string): Promise<void> {
    await call(() => this.client.calendar.v4.calendarEvent.delete({ path: { calendar_id: calendarId, event_id: eventId }, params: { need_notification: 'true' } }));
  }

  async addAttendees(calendarId: string, eventId: string, openIds: string[]): Promise<void> {
    await call(() =>
      this.client.calendar.v4.calendarEventAttendee.create({
        path: { calendar_id: calendarId, event_id: eventId },
        params: { user_id_type: 'open_id' },
        data: { attendees: openIds.map((id) => ({ type: 'user' as const, user_id: id, is_optional: false })), need_notification: true },
      }),
    );
  }

  async removeAttendees(calendarId: string, eventId: string, openIds: string[]): Promise<void> {
    await call(() =>
      this.client.calendar.v4.calendarEventAttendee.batchDelete({
        path: { calendar_id: calendarId, event_id: eventId },
        params: { user_id_type: 'open_id' },
        data: { delete_ids: openIds.map((id) => ({ type: 'user' as const, user_id: id })), need_notification: true },
      }),
    );
  }
}

function body(event: CalendarEventSpec) {
  return {
    summary: event.summary,
    description: event.description,
    start_time: { timestamp: String(event.startSeconds), timezone: event.timezone },
    end_time: { timestamp: String(event.endSeconds), timezone: event.timezone },
    location: { name: event.location },
  };
}

/** One SDK call; a reply with code ≠ 0 resolves in the SDK, so it is checked here. */
async function call(fn: () => Promise<{ code?: number; msg?: string; data?: unknown } | undefined>): Promise<{ data?: unknown }> {
  let res: { code?: number; msg?: string; data?: unknown };
  try {
    res = (await fn()) ?? {};
  } catch (err) {
    throw classifyFeishuError(err);
  }
  if (typeof res.code === 'number' && res.code !== 0) throw fromFeishuCode(res.code, res.msg ?? '');
  return res;
}
