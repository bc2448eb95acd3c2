import {
  canNeedTransition,
  INITIAL_NEED_STATUS,
  isFinalNeedStatus,
  isNeedAction,
  isNeedStatus,
  MAX_NEED_NOTE_LENGTH,
  NEED_ACTIONS,
  NEED_CODE_PREFIX,
  NEED_STATUSES,
  needActionLabel,
  needActionsFor,
  needCodeOf,
  needNoteError,
  needsNote,
  NeedTransitionError,
  nextNeedStatus,
  parseNeedCode,
  type NeedAction,
  type NeedStatus,
} from '../../src/domain/need-status';

/** The expected machine, written out independently of the implementation's table. */
const EXPECTED: Record<NeedStatus, Partial<Record<NeedAction, NeedStatus>>> = {
  待对接: { match: '已对接', close: '已关闭' },
  已对接: { follow: '跟进中', resolve: '已解决', close: '已关闭', rematch: '已对接' },
  跟进中: { resolve: '已解决', close: '已关闭', rematch: '已对接' },
  已解决: {},
  已关闭: {},
};

const PAIRS = NEED_STATUSES.flatMap((status) => NEED_ACTIONS.map((action) => [status, action] as const));

describe('statuses and actions', () => {
  it('has the contract’s status words, in lifecycle order', () => {
    expect(NEED_STATUSES).toEqual(['待对接', '已对接', '跟进中', '已解决', '已关闭']);
    expect(INITIAL_NEED_STATUS).toBe('待对接');
  });

  it('has the actions', () => {
    expect(NEED_ACTIONS).toEqual(['match', 'follow', 'resolve', 'close', 'rematch']);
  });

  it('status words fit the 16-character column', () => {
    for (const s of NEED_STATUSES) expect(s.length).toBeLessThanOrEqual(16);
  });

  it('recognises its own words only', () => {
    expect(NEED_STATUSES.every(isNeedStatus)).toBe(true);
    expect(isNeedStatus('待审核')).toBe(false);
    expect(isNeedStatus('')).toBe(false);
    expect(NEED_ACTIONS.every(isNeedAction)).toBe(true);
    expect(isNeedAction('approve')).toBe(false);
    expect(isNeedAction('Match')).toBe(false);
  });

  it('labels each action for buttons and messages', () => {
    expect(Object.fromEntries(NEED_ACTIONS.map((a) => [a, needActionLabel(a)]))).toEqual({
      match: '对接',
      follow: '开始跟进',
      resolve: '标记已解决',
      close: '关闭',
      rematch: '重新对接',
    });
  });
});

describe('transitions', () => {
  it.each(PAIRS)('%s + %s', (status, action) => {
    const to = EXPECTED[status][action];
    expect(canNeedTransition(status, action)).toBe(to !== undefined);
    if (to !== undefined) expect(nextNeedStatus(status, action)).toBe(to);
    else expect(() => nextNeedStatus(status, action)).toThrow(NeedTransitionError);
  });

  it('words the refusal for the user, naming the status and the action', () => {
    const cases: [NeedStatus, NeedAction, string][] = [
      ['已解决', 'close', '该需求当前状态为「已解决」，不能关闭'],
      ['待对接', 'follow', '该需求当前状态为「待对接」，不能开始跟进'],
      ['待对接', 'resolve', '该需求当前状态为「待对接」，不能标记已解决'],
      ['已对接', 'match', '该需求当前状态为「已对接」，不能对接'],
      ['待对接', 'rematch', '该需求当前状态为「待对接」，不能重新对接'],
      ['跟进中', 'follow', '该需求当前状态为「跟进中」，不能开始跟进'],
    ];
    for (const [status, action, message] of cases) {
      let caught: unknown;
      try {
        nextNeedStatus(status, action);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(NeedTransitionError);
      expect(caught).toBeInstanceOf(Error);
      expect((caught as NeedTransitionError).message).toBe(message);
      expect((caught as NeedTransitionError).name).toBe('NeedTransitionError');
      expect((caught as NeedTransitionError).status).toBe(status);
      expect((caught as NeedTransitionError).action).toBe(action);
    }
  });

  it('lists the allowed actions in NEED_ACTIONS order', () => {
    expect(needActionsFor('待对接')).toEqual(['match', 'close']);
    expect(needActionsFor('已对接')).toEqual(['follow', 'resolve', 'close', 'rematch']);
    expect(needActionsFor('跟进中')).toEqual(['resolve', 'close', 'rematch']);
    expect(needActionsFor('已解决')).toEqual([]);
    expect(needActionsFor('已关闭')).toEqual([]);
  });

  it('ends at 已解决 and 已关闭 only', () => {
    expect(NEED_STATUSES.filter(isFinalNeedStatus)).toEqual(['已解决', '已关闭']);
  });

  it('reaches every status from 待对接', () => {
    const seen = new Set<NeedStatus>([INITIAL_NEED_STATUS]);
    for (let size = 0; size !== seen.size; ) {
      size = seen.size;
      for (const s of [...seen]) for (const a of needActionsFor(s)) seen.add(nextNeedStatus(s, a));
    }
    expect([...seen].sort()).toEqual([...NEED_STATUSES].sort());
  });
});

describe('notes', () => {
  it('follow, resolve and close need one; match and rematch may have one', () => {
    expect(NEED_ACTIONS.filter(needsNote)).toEqual(['follow', 'resolve', 'close']);
  });

  it.each([
    ['follow', '请填写开始跟进的说明'],
    ['resolve', '请填写标记已解决的说明'],
    ['close', '请填写关闭的说明'],
  ] as const)('%s without a note: %s', (action, message) => {
    expect(needNoteError(action, undefined)).toBe(message);
    expect(needNoteError(action, '')).toBe(message);
    expect(needNoteError(action, ' \n\u3000')).toBe(message);
    expect(needNoteError(action, '已与专家电话沟通')).toBeUndefined();
  });

  it.each(['match', 'rematch'] as const)('%s needs none', (action) => {
    expect(needNoteError(action, undefined)).toBeUndefined();
    expect(needNoteError(action, '  ')).toBeUndefined();
    expect(needNoteError(action, '请于本周内联系企业')).toBeUndefined();
  });

  it(`limits any note to ${MAX_NEED_NOTE_LENGTH} characters, counted after trimming`, () => {
    expect(MAX_NEED_NOTE_LENGTH).toBe(500);
    for (const action of NEED_ACTIONS) {
      expect(needNoteError(action, '说'.repeat(500))).toBeUndefined();
      expect(needNoteError(action, ` ${'说'.repeat(500)} `)).toBeUndefined();
      expect(needNoteError(action, '说'.repeat(501))).toBe('说明不能超过 500 字');
    }
    expect(needNoteError('match', '𠀀'.repeat(500))).toBeUndefined();
  });
});

describe('codes', () => {
  it('are XQ, the year and a 4-digit sequence', () => {
    expect(NEED_CODE_PREFIX).toBe('XQ');
    expect(needCodeOf({ codeYear: 2027, codeSeq: 1 })).toBe('XQ2027-0001');
    expect(needCodeOf({ codeYear: 2027, codeSeq: 42 })).toBe('XQ2027-0042');
    expect(needCodeOf({ codeYear: 2027, codeSeq: 9999 })).toBe('XQ2027-9999');
    expect(needCodeOf({ codeYear: 2027, codeSeq: 10000 })).toBe('XQ2027-10000');
  });

  it.each([
    ['XQ2027-0001', { year: 2027, seq: 1 }],
    ['xq2027-0001', { year: 2027, seq: 1 }],
    ['Xq2027-1', { year: 2027, seq: 1 }],
    [' XQ2027-0042 ', { year: 2027, seq: 42 }],
    ['XQ20270042', { year: 2027, seq: 42 }],
    ['XQ 2027 0042', { year: 2027, seq: 42 }],
    ['XQ2027 - 0042', { year: 2027, seq: 42 }],
    ['XQ２０２７－００４２', { year: 2027, seq: 42 }],
    ['ＸＱ２０２７－００４２', { year: 2027, seq: 42 }],
    ['XQ2027—0042', { year: 2027, seq: 42 }],
    ['XQ2027-123456', { year: 2027, seq: 123456 }],
    ['XQ2027-10000', { year: 2027, seq: 10000 }],
  ])('parses %j', (text, code) => {
    expect(parseNeedCode(text)).toEqual(code);
  });

  it.each(['', 'XQ', 'XQ2027', 'XQ2027-', 'XQ2027-0000', 'XQ2027-1234567', 'XQ27-0001', 'SQ2027-0001', 'X Q2027-0001', 'XQ2027-00a1', 'XQ2027--0001', '需求 XQ2027-0001'])(
    'rejects %j',
    (text) => {
      expect(parseNeedCode(text)).toBeUndefined();
    },
  );

  it('round-trips', () => {
    for (const [codeYear, codeSeq] of [[2026, 1], [2027, 9999], [2030, 123]]) {
      expect(parseNeedCode(needCodeOf({ codeYear, codeSeq }))).toEqual({ year: codeYear, seq: codeSeq });
    }
  });
});
