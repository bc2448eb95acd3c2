import { clipAtWord, escapeMarkdown, sanitizeForText } from '../../cards/markdown';

/** What Feishu's card markdown interprets anywhere in a line. */
const ALWAYS = '&<>*~[]`$|\\';
const decode = (s: string) => s.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));

describe('escapeMarkdown', () => {
  it.each([...ALWAYS].map((ch) => [ch, `&#${ch.charCodeAt(0)};`]))('%j → %s anywhere', (ch, entity) => {
    expect(escapeMarkdown(`a${ch}b`)).toBe(`a${entity}b`);
  });

  it.each([
    ['zhangmin@btkx.cn', 'zhangmin@btkx.cn'],
    ['zhang_min@btkx.cn', 'zhang_min@btkx.cn'],
    ['申请表盖章.pdf', '申请表盖章.pdf'],
    ['scan_01-final (2).pdf', 'scan_01-final (2).pdf'],
    ['2027-06-10 10:05', '2027-06-10 10:05'],
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['0471-6939381', '0471-6939381'],
    ['1+1=2! 好：是', '1+1=2! 好：是'],
  ])('leaves %j as typed', (text, out) => {
    expect(escapeMarkdown(text)).toBe(out);
  });

  it('escapes an underscore at a word edge (emphasis) but not inside a word', () => {
    expect(escapeMarkdown('_斜体_')).toBe('&#95;斜体&#95;');
    expect(escapeMarkdown('__粗__')).toBe('&#95;&#95;粗&#95;&#95;');
    expect(escapeMarkdown('a_b')).toBe('a_b');
    expect(escapeMarkdown('a_ b')).toBe('a&#95; b');
  });

  it('escapes # at the start of a line (a heading), not inside one', () => {
    expect(escapeMarkdown('# 标题')).toBe('&#35; 标题');
    expect(escapeMarkdown('第一行\n  ## 二')).toBe('第一行\n  &#35;# 二');
    expect(escapeMarkdown('编号 #3')).toBe('编号 #3');
  });

  it('escapes & once: "a&b" → "a&#38;b"', () => {
    expect(escapeMarkdown('a&b')).toBe('a&#38;b');
  });

  it('escapes an entity the user typed, so it shows as typed', () => {
    expect(escapeMarkdown('&lt;')).toBe('&#38;lt;');
    expect(escapeMarkdown('&#60;')).toBe('&#38;#60;');
    expect(decode(escapeMarkdown('&#60;'))).toBe('&#60;');
  });

  it('leaves Chinese text, letters, digits and spaces unchanged', () => {
    const text = '包头市 企业创新能力提升行动 2027 abc，。！（）【】';
    expect(escapeMarkdown(text)).toBe(text);
  });

  it('keeps links, mentions, tags, emphasis and code inert: none of their syntax survives raw', () => {
    const text = "**bold** [link](https://evil.example) ![img](img_v2) <at id=all></at> <font color='red'>x</font> ~~x~~ `c` $x$ a|b";
    const outsideEntities = escapeMarkdown(text).replace(/&#\d+;/g, '');
    for (const ch of ALWAYS) expect(outsideEntities).not.toContain(ch);
  });

  it('round-trips: decoding the entities gives the original text', () => {
    const text = `用户输入 ${ALWAYS} _x_ # h <font color='red'>x</font> &amp; &#38; a@b.cn`;
    expect(decode(escapeMarkdown(text))).toBe(text);
  });

  it('"<at id=all></at>" cannot survive as a mention', () => {
    const escaped = escapeMarkdown('<at id=all></at>');
    expect(escaped).not.toContain('<');
    expect(escaped).not.toContain('>');
    expect(escaped).toBe('&#60;at id=all&#62;&#60;/at&#62;');
  });

  it('returns an empty string for an empty string', () => {
    expect(escapeMarkdown('')).toBe('');
  });
});

describe('sanitizeForText', () => {
  it('turns angle and square brackets into their full-width forms', () => {
    expect(sanitizeForText('<at user_id="all"></at>')).toBe('＜at user_id="all"＞＜/at＞');
    expect(sanitizeForText('[点我](https://evil.example)')).toBe('［点我］(https://evil.example)');
    expect(sanitizeForText('<b>x</b>')).not.toMatch(/[<>[\]]/);
  });

  it('leaves other text unchanged', () => {
    expect(sanitizeForText('包头市 & "quotes" *stars*')).toBe('包头市 & "quotes" *stars*');
  });

  it('keeps text of exactly 40 characters whole', () => {
    const text = '包'.repeat(40);
    expect(sanitizeForText(text)).toBe(text);
  });

  it('cuts longer text to 40 characters and adds …', () => {
    const text = '包'.repeat(39) + 'ABCDE';
    expect(sanitizeForText(text)).toBe('包'.repeat(39) + 'A…');
  });

  it('honours a custom maximum', () => {
    expect(sanitizeForText('abcdefgh', 3)).toBe('abc…');
    expect(sanitizeForText('abc', 3)).toBe('abc');
  });

  it('cuts before replacing brackets, so the result is at most max + 1 characters', () => {
    const out = sanitizeForText('<'.repeat(50), 10);
    expect(out).toBe('＜'.repeat(10) + '…');
    expect(out.length).toBe(11);
  });
});

describe('clipAtWord', () => {
  it('keeps short text whole', () => {
    expect(clipAtWord('年度总结', 14)).toBe('年度总结');
  });

  it('cuts at a word boundary with an ellipsis, not mid-word', () => {
    // 2026|年|企业|创新|能力|提升|行动|… : 14 characters would end inside 行动.
    expect(clipAtWord('2026年企业创新能力提升行动年度总结', 14)).toBe('2026年企业创新能力提升…');
    expect([...clipAtWord('2026年企业创新能力提升行动年度总结', 14)].length).toBeLessThanOrEqual(14);
  });

  it('cuts inside a single word longer than the limit', () => {
    expect(clipAtWord('abcdefghijklmnopqrstuvwxyz', 10)).toBe('abcdefghi…');
  });
});
