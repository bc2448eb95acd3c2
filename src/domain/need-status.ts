import { formatCode, parseCodeWith } from './codes';

/**
 * The life of an enterprise need. The status words are a contract: they are stored, shown to
 * users and matched in tests, so they are the Chinese words rather than codes.
 *
 * Only the transitions live here; that only admins trigger them, which expert a need is matched
 * with (and that 重新对接 picks a different one), and what is recorded and sent is the service's
 * business.
 */

export const NEED_STATUSES = ['待对接', '已对接', '跟进中', '已解决', '已关闭'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** The status a need is filed in. */
export const INITIAL_NEED_STATUS: NeedStatus = '待对接';

export const NEED_ACTIONS = ['match', 'follow', 'resolve', 'close', 'rematch'] as const;
export type NeedAction = (typeof NEED_ACTIONS)[number];

interface Transition {
  readonly from: readonly NeedStatus[];
  readonly to: NeedStatus;
  /** Following up, resolving and closing say what happened; a match may carry a note to both sides. */
  readonly needsNote: boolean;
  /** The action as a user reads it, for buttons and messages. */
  readonly label: string;
}

const TRANSITIONS: Readonly<Record<NeedAction, Transition>> = {
  match: { from: ['待对接'], to: '已对接', needsNote: false, label: '对接' },
  follow: { from: ['已对接'], to: '跟进中', needsNote: true, label: '开始跟进' },
  // A matched need may be solved at the first meeting, without a follow-up stage.
  resolve: { from: ['已对接', '跟进中'], to: '已解决', needsNote: true, label: '标记已解决' },
  close: { from: ['待对接', '已对接', '跟进中'], to: '已关闭', needsNote: true, label: '关闭' },
  // Another expert takes over; the need starts again from the match.
  rematch: { from: ['已对接', '跟进中'], to: '已对接', needsNote: false, label: '重新对接' },
};

export function isNeedStatus(value: string): value is NeedStatus {
  return (NEED_STATUSES as readonly string[]).includes(value);
}

export function isNeedAction(value: string): value is NeedAction {
  return (NEED_ACTIONS as readonly string[]).includes(value);
}

export class NeedTransitionError extends Error {
  constructor(readonly status: NeedStatus, readonly action: NeedAction) {
    // Worded for the user: a stale card's button is the usual way to get here.
    super(`该需求当前状态为「${status}」，不能${TRANSITIONS[action].label}`);
    this.name = 'NeedTransitionError';
  }
}

export function canNeedTransition(status: NeedStatus, action: NeedAction): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** The status after `action`; throws NeedTransitionError when `action` is not allowed in `status`. */
export function nextNeedStatus(status: NeedStatus, action: NeedAction): NeedStatus {
  if (!canNeedTransition(status, action)) throw new NeedTransitionError(status, action);
  return TRANSITIONS[action].to;
}

/** Every action allowed in `status`, in NEED_ACTIONS order. */
export function needActionsFor(status: NeedStatus): NeedAction[] {
  return NEED_ACTIONS.filter((a) => canNeedTransition(status, a));
}

/** No action leads anywhere from here (已解决, 已关闭). */
export function isFinalNeedStatus(status: NeedStatus): boolean {
  return needActionsFor(status).length === 0;
}

export function needActionLabel(action: NeedAction): string {
  return TRANSITIONS[action].label;
}

export function needsNote(action: NeedAction): boolean {
  return TRANSITIONS[action].needsNote;
}

/** Ours: long enough to say what was done, short enough for a card. */
export const MAX_NEED_NOTE_LENGTH = 500;

/**
 * The message for the action card's `note` field, or undefined when the note will do.
 * Whitespace alone is no note.
 */
export function needNoteError(action: NeedAction, note: string | undefined): string | undefined {
  const text = (note ?? '').trim();
  if (needsNote(action) && text === '') return `请填写${TRANSITIONS[action].label}的说明`;
  if ([...text].length > MAX_NEED_NOTE_LENGTH) return `说明不能超过 ${MAX_NEED_NOTE_LENGTH} 字`;
  return undefined;
}

export const NEED_CODE_PREFIX = 'XQ';

/** 'XQ2027-0001': the prefix, the year and the year's sequence number (at least 4 digits). */
export function needCodeOf(need: { codeYear: number; codeSeq: number }): string {
  return formatCode(NEED_CODE_PREFIX, need.codeYear, need.codeSeq);
}

/**
 * A need code as people type it: any case, full-width characters, spaces, a missing or
 * different dash ('xq2027 0001', 'ＸＱ２０２７－１'). Undefined unless it is one.
 */
export function parseNeedCode(text: string): { year: number; seq: number } | undefined {
  return parseCodeWith(NEED_CODE_PREFIX, text);
}
