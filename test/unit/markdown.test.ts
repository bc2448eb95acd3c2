import { escapeMarkdown, sanitizeForText } from '../../cards/markdown';

const SPECIALS = '&<>*~-!/\\[]()#:+"\'`$_|{}.@';
const decode = (s: string) => s.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));

describe('escapeMarkdown', () => {
  it.each([...SPECIALS].map((ch) => [ch, `&#${ch.charCodeAt(0)};`]))('%j → %s', (ch, entity) => {
    expect(escapeMarkdown(ch)).toBe(entity);
  });

  it('escapes & once: "a&b" → "a&#38;b"', () => {
    expect(escapeMarkdown('a&b')).toBe('a&#38;b');
  });

  it('escapes an entity the user typed, so it shows as typed', () => {
    expect(escapeMarkdown('&lt;')).toBe('&#38;lt;');
    expect(escapeMarkdown('&#60;')).toBe('&#38;&#35;60;');
    expect(decode(escapeMarkdown('&#60;'))).toBe('&#60;');
  });

  it('leaves Chinese text, letters, digits and spaces unchanged', () => {
    const text = '包头市 企业创新能力提升行动 2027 abc，。！（）【】';
    expect(escapeMarkdown(text)).toBe(text);
  });

  it('leaves no special character raw: everything outside entities is plain', () => {
    const text = `**bold** [link](https://evil.example) <at id=all></at> ${SPECIALS} ~~x~~ # h`;
    const escaped = escapeMarkdown(text);
    const outsideEntities = escaped.replace(/&#\d+;/g, '');
    for (const ch of SPECIALS) expect(outsideEntities).not.toContain(ch);
  });

  it('round-trips: decoding the entities gives the original text', () => {
    const text = `用户输入 ${SPECIALS} <font color='red'>x</font> &amp; &#38;`;
    expect(decode(escapeMarkdown(text))).toBe(text);
  });

  it('"<at id=all></at>" cannot survive as a mention', () => {
    const escaped = escapeMarkdown('<at id=all></at>');
    expect(escaped).not.toContain('<at');
    expect(escaped).not.toContain('<');
    expect(escaped).not.toContain('>');
    expect(escaped).toBe('&#60;at id=all&#62;&#60;&#47;at&#62;');
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
