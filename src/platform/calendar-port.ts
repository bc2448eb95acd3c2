/**
 * What the calendar sync needs from a platform (issue 13 item 5): events in one calendar and
 * their attendees. Feishu implements it (feishu/feishu-calendar.ts); without credentials there
 * is none, and the sync does not run.
 */

/** An event as the bot writes it: instants as Unix seconds, shown in `timezone`. */
export interface CalendarEventSpec {
  summary: string;
  description: string;
  location: string;
  startSeconds: number;
  endSeconds: number;
  timezone: string;
}

export interface CalendarPort {
  /** Creates the event; the same `idempotencyKey` again returns the same event. Returns its event_id. */
  createEvent(calendarId: string, event: CalendarEventSpec, idempotencyKey: string): Promise<string>;
  updateEvent(calendarId: string, eventId: string, event: CalendarEventSpec): Promise<void>;
  deleteEvent(calendarId: string, eventId: string): Promise<void>;
  addAttendees(calendarId: string, eventId: string, openIds: string[]): Promise<void>;
  removeAttendees(calendarId: string, eventId: string, openIds: string[]): Promise<void>;
}
