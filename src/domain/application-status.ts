/**
 * The life of an activity application. The status words are a contract: they are stored, shown
 * to users and matched in tests, so they are the notice's Chinese words rather than codes.
 *
 * Only the transitions live here; who may trigger them (filer, admin, scheduler) and what is
 * recorded and sent is the service's business.
 */

export const APPLICATION_STATUSES = ['草稿', '待审核', '已退回', '已通过', '未通过', '已撤回', '已举办', '已总结', '已取消'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const APPLICATION_ACTIONS = ['submit', 'resubmit', 'approve', 'return', 'reject', 'withdraw', 'hold', 'summarise', 'request_change', 'approve_change', 'refuse_change', 'cancel'] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];

interface Transition {
  readonly from: readonly ApplicationStatus[];
  readonly to: ApplicationStatus;
  /** Returning and rejecting tell the filer why; approving may, but need not. */
  readonly needsReason: boolean;
  /** The action as a user reads it, for messages. */
  readonly label: string;
}

const TRANSITIONS: Readonly<Record<ApplicationAction, Transition>> = {
  submit: { from: ['草稿'], to: '待审核', needsReason: false, label: '提交' },
  // Editing while it waits for review puts it back in the queue as it is now.
  resubmit: { from: ['待审核', '已退回'], to: '待审核', needsReason: false, label: '重新提交' },
  approve: { from: ['待审核'], to: '已通过', needsReason: false, label: '通过' },
  return: { from: ['待审核'], to: '已退回', needsReason: true, label: '退回修改' },
  reject: { from: ['待审核'], to: '未通过', needsReason: true, label: '不予受理' },
  // Once approved the centre has committed an expert team; cancelling then is a conversation.
  withdraw: { from: ['草稿', '待审核', '已退回'], to: '已撤回', needsReason: false, label: '撤回' },
  hold: { from: ['已通过'], to: '已举办', needsReason: false, label: '标记为已举办' },
  summarise: { from: ['已举办'], to: '已总结', needsReason: false, label: '提交活动评估总结' },
  // After approval plans may still change: new dates (venue, head count) go back to the centre
  // as a change request while the activity stays approved; the centre agrees or refuses it.
  request_change: { from: ['已通过'], to: '已通过', needsReason: false, label: '申请改期' },
  approve_change: { from: ['已通过'], to: '已通过', needsReason: false, label: '同意改期' },
  refuse_change: { from: ['已通过'], to: '已通过', needsReason: true, label: '不同意改期' },
  // Cancelling ends it for good: no reminders, no summary; the centre and the 盟市 group are told.
  cancel: { from: ['待审核', '已退回', '已通过'], to: '已取消', needsReason: true, label: '取消活动' },
};

export function isApplicationStatus(value: string): value is ApplicationStatus {
  return (APPLICATION_STATUSES as readonly string[]).includes(value);
}

export function isApplicationAction(value: string): value is ApplicationAction {
  return (APPLICATION_ACTIONS as readonly string[]).includes(value);
}

export class IllegalTransitionError extends Error {
  constructor(readonly status: ApplicationStatus, readonly action: ApplicationAction) {
    // Worded for the user: a stale card's button is the usual way to get here.
    super(`该申请当前状态为「${status}」，不能${TRANSITIONS[action].label}`);
    this.name = 'IllegalTransitionError';
  }
}

export function canTransition(status: ApplicationStatus, action: ApplicationAction): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** The status after `action`; throws IllegalTransitionError when `action` is not allowed in `status`. */
export function nextStatus(status: ApplicationStatus, action: ApplicationAction): ApplicationStatus {
  if (!canTransition(status, action)) throw new IllegalTransitionError(status, action);
  return TRANSITIONS[action].to;
}

/** Every action allowed in `status`, in APPLICATION_ACTIONS order. */
export function allowedActions(status: ApplicationStatus): ApplicationAction[] {
  return APPLICATION_ACTIONS.filter((a) => canTransition(status, a));
}

/** No action leads anywhere from here. */
export function isFinalStatus(status: ApplicationStatus): boolean {
  return allowedActions(status).length === 0;
}

export function actionLabel(action: ApplicationAction): string {
  return TRANSITIONS[action].label;
}

export function requiresReason(action: ApplicationAction): boolean {
  return TRANSITIONS[action].needsReason;
}

/** Ours: long enough to explain a return, short enough for a card. */
export const MAX_REASON_LENGTH = 500;

/**
 * The message for the review card's `reason` field, or undefined when the reason will do.
 * Whitespace alone is no reason.
 */
export function reasonError(action: ApplicationAction, reason: string | undefined): string | undefined {
  const text = (reason ?? '').trim();
  if (requiresReason(action) && text === '') return `请填写${TRANSITIONS[action].label}的原因`;
  if ([...text].length > MAX_REASON_LENGTH) return `审核意见不能超过 ${MAX_REASON_LENGTH} 字`;
  return undefined;
}

/** The review card's buttons, as the contract words them. */
export const REVIEW_BUTTONS = [
  { text: '通过', action: 'approve' },
  { text: '退回修改', action: 'return' },
  { text: '不予受理', action: 'reject' },
] as const satisfies readonly { text: string; action: ApplicationAction }[];

export type FilerAction = '继续填写' | '修改' | '撤回' | '申请改期' | '取消活动';

/**
 * The buttons a filer gets on their own application, each with the transition it leads to, in
 * the order they are shown. 修改 reopens the form and its submission is a resubmit; 继续填写
 * resumes a draft whose checks failed, and its submission is the first submit.
 */
export const FILER_ACTIONS: Readonly<Record<FilerAction, ApplicationAction>> = {
  继续填写: 'submit',
  修改: 'resubmit',
  撤回: 'withdraw',
  申请改期: 'request_change',
  取消活动: 'cancel',
};

/**
 * What the filer may do in `status`: 修改 while 待审核 or 已退回, 撤回 before approval, 继续填写 a
 * draft, 申请改期 and 取消活动 once approved. Before approval 撤回 is the simpler way out, so the
 * card offers 取消活动 only when 撤回 is no longer possible (the command 取消 works either way).
 */
export function filerActions(status: ApplicationStatus): FilerAction[] {
  return (Object.keys(FILER_ACTIONS) as FilerAction[]).filter(
    (text) => canTransition(status, FILER_ACTIONS[text]) && !(text === '取消活动' && canTransition(status, 'withdraw')),
  );
}
