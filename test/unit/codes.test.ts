import { formatCode, parseCodeWith } from '../../src/domain/codes';

/** The codes people quote (SQ2027-0001) as they type them. */

describe('parseCodeWith', () => {
  it('reads a code written with a dash of any kind, or none', () => {
    for (const text of ['SQ2027-0001', 'sq2027 0001', 'ＳＱ２０２７－１', 'SQ2027—1', 'SQ2027–1', 'SQ20271']) {
      expect(parseCodeWith('SQ', text)).toEqual({ year: 2027, seq: 1 });
    }
  });

  it('refuses a code with two dashes, of any kind, as one that is not a code', () => {
    for (const text of ['SQ2027—1—2', 'SQ2027–1–2', 'SQ2027——12', 'SQ2027-1-2']) {
      expect(parseCodeWith('SQ', text)).toBeUndefined();
    }
  });

  it('reads back what formatCode writes', () => {
    expect(parseCodeWith('XQ', formatCode('XQ', 2027, 42))).toEqual({ year: 2027, seq: 42 });
  });
});
