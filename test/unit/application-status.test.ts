import {
  actionLabel,
  allowedActions,
  APPLICATION_ACTIONS,
  APPLICATION_STATUSES,
  canTransition,
  FILER_ACTIONS,
  filerActions,
  IllegalTransitionError,
  isApplicationAction,
  isApplicationStatus,
  isFinalStatus,
  MAX_REASON_LENGTH,
  nextStatus,
  reasonError,
  requiresReason,
  REVIEW_BUTTONS,
  type ApplicationAction,
  type ApplicationStatus,
} from '../../src/domain/application-status';

/** The expected machine, written out independently of the implementation's table. */
const EXPECTED: Record<ApplicationStatus, Partial<Record<ApplicationAction, ApplicationStatus>>> = {
  草稿: { submit: '待审核', withdraw: '已撤回' },
  待审核: { resubmit: '待审核', approve: '已通过', return: '已退回', reject: '未通过', withdraw: '已撤回', cancel: '已取消' },
  已退回: { resubmit: '待审核', withdraw: '已撤回', cancel: '已取消' },
  已通过: { hold: '已举办', request_change: '已通过', approve_change: '已通过', refuse_change: '已通过', cancel: '已取消' },
  未通过: {},
  已撤回: {},
  已举办: { summarise: '已总结' },
  已总结: {},
  已取消: {},
};

const PAIRS = APPLICATION_STATUSES.flatMap((status) => APPLICATION_ACTIONS.map((action) => [status, action] as const));

describe('statuses and actions', () => {
  it('has the contract’s status words, in lifecycle order', () => {
    expect(APPLICATION_STATUSES).toEqual(['草稿', '待审核', '已退回', '已通过', '未通过', '已撤回', '已举办', '已总结', '已取消']);
  });

  it('has the named transitions', () => {
    expect(APPLICATION_ACTIONS).toEqual(['submit', 'resubmit', 'approve', 'return', 'reject', 'withdraw', 'hold', 'summarise', 'request_change', 'approve_change', 'refuse_change', 'cancel']);
  });

  it.each([...APPLICATION_STATUSES])('recognises %s', (s) => expect(isApplicationStatus(s)).toBe(true));
  it.each(['', '审核中', '通过', 'submitted', '待审核 '])('does not recognise %j as a status', (s) => expect(isApplicationStatus(s)).toBe(false));
  it.each([...APPLICATION_ACTIONS])('recognises action %s', (a) => expect(isApplicationAction(a)).toBe(true));
  it.each(['', 'Submit', 'delete', '撤回', 'summarize'])('does not recognise %j as an action', (a) => expect(isApplicationAction(a)).toBe(false));
});

describe('every (status, action) pair', () => {
  it('covers all 108 pairs', () => expect(PAIRS).toHaveLength(108));

  it.each(PAIRS.filter(([s, a]) => EXPECTED[s][a] !== undefined).map(([s, a]) => [s, a, EXPECTED[s][a]]))(
    '%s --%s--> %s',
    (status, action, to) => {
      expect(canTransition(status, action)).toBe(true);
      expect(nextStatus(status, action)).toBe(to);
    },
  );

  it.each(PAIRS.filter(([s, a]) => EXPECTED[s][a] === undefined))('%s --%s--> forbidden', (status, action) => {
    expect(canTransition(status, action)).toBe(false);
    expect(() => nextStatus(status, action)).toThrow(IllegalTransitionError);
    try {
      nextStatus(status, action);
    } catch (e) {
      const err = e as IllegalTransitionError;
      expect(err.name).toBe('IllegalTransitionError');
      expect(err.status).toBe(status);
      expect(err.action).toBe(action);
      expect(err.message).toBe(`该申请当前状态为「${status}」，不能${actionLabel(action)}`);
    }
  });

  it('allowedActions agrees with the table', () => {
    for (const s of APPLICATION_STATUSES) {
      expect(allowedActions(s)).toEqual(APPLICATION_ACTIONS.filter((a) => EXPECTED[s][a] !== undefined));
    }
  });
});

describe('the lifecycle, walked', () => {
  it('draft → review → returned → resubmitted → approved → held → summarised', () => {
    const path: ApplicationAction[] = ['submit', 'return', 'resubmit', 'resubmit', 'approve', 'hold', 'summarise'];
    const seen = path.reduce<ApplicationStatus[]>((acc, a) => [...acc, nextStatus(acc[acc.length - 1], a)], ['草稿']);
    expect(seen).toEqual(['草稿', '待审核', '已退回', '待审核', '待审核', '已通过', '已举办', '已总结']);
  });

  it('an approved activity can be changed or cancelled; a cancelled one is final', () => {
    const seen = (['request_change', 'refuse_change', 'request_change', 'approve_change', 'cancel'] as ApplicationAction[]).reduce<ApplicationStatus[]>(
      (acc, a) => [...acc, nextStatus(acc[acc.length - 1], a)],
      ['已通过'],
    );
    expect(seen).toEqual(['已通过', '已通过', '已通过', '已通过', '已通过', '已取消']);
    expect(APPLICATION_STATUSES.filter((s) => canTransition(s, 'cancel'))).toEqual(['待审核', '已退回', '已通过']);
    expect(allowedActions('已取消')).toEqual([]);
  });

  it('withdrawal is possible before approval only', () => {
    expect(APPLICATION_STATUSES.filter((s) => canTransition(s, 'withdraw'))).toEqual(['草稿', '待审核', '已退回']);
  });

  it.each([
    ['未通过', true],
    ['已撤回', true],
    ['已总结', true],
    ['已取消', true],
    ['草稿', false],
    ['待审核', false],
    ['已退回', false],
    ['已通过', false],
    ['已举办', false],
  ] as const)('%s is final: %s', (status, final) => expect(isFinalStatus(status)).toBe(final));
});

describe('reasons', () => {
  it('return and reject need a reason; nothing else does', () => {
    expect(APPLICATION_ACTIONS.filter(requiresReason)).toEqual(['return', 'reject', 'refuse_change', 'cancel']);
  });

  it.each([
    ['return', undefined, '请填写退回修改的原因'],
    ['return', '', '请填写退回修改的原因'],
    ['return', ' \n\u3000', '请填写退回修改的原因'],
    ['reject', undefined, '请填写不予受理的原因'],
    ['return', '人数比例不符合要求', undefined],
    ['reject', '非本年度活动', undefined],
    ['approve', undefined, undefined],
    ['approve', '', undefined],
    ['approve', '同意，请按时举办', undefined],
    ['cancel', '  ', '请填写取消活动的原因'],
    ['cancel', '场地临时无法使用', undefined],
    ['refuse_change', '', '请填写不同意改期的原因'],
    ['approve_change', '', undefined],
    ['request_change', '', undefined],
  ] as const)('%s with %j → %j', (action, reason, message) => {
    expect(reasonError(action, reason)).toBe(message);
  });

  it('limits a reason to MAX_REASON_LENGTH characters', () => {
    expect(reasonError('return', '因'.repeat(MAX_REASON_LENGTH))).toBeUndefined();
    expect(reasonError('return', '因'.repeat(MAX_REASON_LENGTH + 1))).toBe(`审核意见不能超过 ${MAX_REASON_LENGTH} 字`);
    expect(reasonError('approve', '好'.repeat(MAX_REASON_LENGTH + 1))).toBe(`审核意见不能超过 ${MAX_REASON_LENGTH} 字`);
  });
});

describe('buttons', () => {
  it('review buttons read 通过 / 退回修改 / 不予受理 and lead to approve / return / reject', () => {
    expect(REVIEW_BUTTONS.map((b) => [b.text, b.action])).toEqual([
      ['通过', 'approve'],
      ['退回修改', 'return'],
      ['不予受理', 'reject'],
    ]);
    for (const b of REVIEW_BUTTONS) expect(actionLabel(b.action)).toBe(b.text);
  });

  it.each([
    ['草稿', ['继续填写', '撤回']],
    ['待审核', ['修改', '撤回']],
    ['已退回', ['修改', '撤回']],
    ['已通过', ['申请改期', '取消活动']],
    ['未通过', []],
    ['已撤回', []],
    ['已举办', []],
    ['已总结', []],
    ['已取消', []],
  ] as const)('the filer may, in %s: %j', (status, actions) => {
    expect(filerActions(status)).toEqual(actions);
  });

  it('filer buttons lead to submit / resubmit / withdraw', () => {
    expect(FILER_ACTIONS).toEqual({ 继续填写: 'submit', 修改: 'resubmit', 撤回: 'withdraw', 申请改期: 'request_change', 取消活动: 'cancel' });
  });

  it('every action has a Chinese label', () => {
    for (const a of APPLICATION_ACTIONS) expect(actionLabel(a)).toMatch(/^[\u4e00-\u9fff]+$/);
  });
});
