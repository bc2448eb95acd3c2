import { helpCard, HelpCardView } from '../../cards/help-card';
import { COMMANDS } from '../../handlers/registry';
import { buttons, expectValidCard, MAX_CARD_BYTES, type Node } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { validOutline } from '../helpers/card-outline';

/** Under 40 characters, so that the card shows it whole. */
const UNRECOGNISED = '**粗** [链](u) <at id=all></at> `c`#_~|';

const views: Array<[string, HelpCardView]> = [
  ['p2p', { commands: COMMANDS, isAdmin: true, chatType: 'p2p' }],
  ['group bound to 包头市', { commands: COMMANDS, isAdmin: true, chatType: 'group', binding: '包头市' }],
  ['group unbound', { commands: COMMANDS, isAdmin: true, chatType: 'group' }],
  ['unrecognised text with markdown specials', { commands: COMMANDS, isAdmin: true, chatType: 'group', unrecognised: UNRECOGNISED }],
];

/** Every markdown element's content. */
const markdownContents = (card: Record<string, any>): string[] =>
  (card.body.elements as Array<Record<string, any>>).filter((e) => e.tag === 'markdown').map((e) => String(e.content));

describe('helpCard', () => {
  // One outline of the whole card; the other views differ by a line, asserted below.
  it('matches the snapshot: p2p', () => {
    expect(validOutline(helpCard(views[0][1]))).toMatchSnapshot();
  });

  it.each(views)('is a valid shared JSON 2.0 card under 30 KB: %s', (_name, view) => {
    const card = helpCard(view) as Node;
    expectValidCard(card);
    expect(card.body.elements.length).toBeGreaterThan(0);
    expect(buttons(card)).toHaveLength(0);
  });

  it('lists every registered command with its usage and description', () => {
    const text = visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'p2p' }));
    for (const c of COMMANDS) {
      expect(text).toContain(c.usage);
      expect(text).toContain(c.description);
    }
  });

  it('marks admin-only commands', () => {
    const text = visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'p2p' }));
    const adminLine = text.split('\n').find((l) => l.includes('绑定 <盟市名>'));
    expect(adminLine).toContain('限中心管理员');
    const helpLine = text.split('\n').find((l) => l.includes('查看可用指令'));
    expect(helpLine).not.toContain('限中心管理员');
  });

  it('names the centre in full when the group is the centre\'s', () => {
    expect(visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'group', binding: '中心' }))).toContain('绑定：**科创服务中心**');
  });

  it('shows the group binding, or that there is none', () => {
    expect(visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'group', binding: '包头市' }))).toContain('绑定：**包头市**');
    expect(visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'group' }))).toContain('尚未绑定盟市或中心');
    expect(visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'p2p' }))).not.toContain('绑定：');
  });

  it('shows the unrecognised text escaped: no markdown, link or mention survives', () => {
    const card = helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'group', unrecognised: UNRECOGNISED });
    const first = markdownContents(card)[0];
    expect(first).toContain('没有识别「');
    const userPart = first.slice(first.indexOf('「') + 1, first.lastIndexOf('」'));
    expect(userPart.replace(/&#\d+;/g, '')).not.toMatch(/[<>*[\]`~&]/);
    expect(JSON.stringify(card)).not.toContain('<at id=all>');
    // What the person sees is exactly what they typed.
    expect(visibleText(card)).toContain(`没有识别「${UNRECOGNISED}」`);
  });

  it('cuts a long unrecognised text to 40 characters and shows …', () => {
    const long = '请问这个机器人能不能帮我查一下今年的活动安排和截止日期，谢谢！另外还想问问申报材料要准备哪些';
    expect(long.length).toBeGreaterThan(40);
    const text = visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'p2p', unrecognised: long }));
    expect(text).toContain(`没有识别「${long.slice(0, 40)}…」`);
  });

  it('cuts before escaping, so no entity is broken', () => {
    const long = '<'.repeat(100);
    const first = markdownContents(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'p2p', unrecognised: long }))[0];
    expect(first).toContain(`「${'&#60;'.repeat(40)}…」`);
  });

  it('shows no "not recognised" line without unrecognised text', () => {
    expect(visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'p2p' }))).not.toContain('没有识别');
  });

  it('escapes the binding name too', () => {
    const text = JSON.stringify(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'group', binding: '<at id=all></at>' }));
    expect(text).not.toContain('<at');
  });

  it('stays under 30 KB with a worst-case unrecognised text', () => {
    const card = helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'group', binding: '锡林郭勒盟', unrecognised: '"'.repeat(10_000) });
    expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThan(MAX_CARD_BYTES);
  });
});

describe('helpCard by role and with the centre contact', () => {
  it('shows a non-admin only the commands they may use', () => {
    const text = visibleText(helpCard({ commands: COMMANDS, isAdmin: false, chatType: 'p2p' }));
    for (const c of COMMANDS) {
      if (c.adminOnly) expect(text).not.toContain(c.description);
      else expect(text).toContain(c.description);
    }
    expect(text).not.toContain('限中心管理员');
  });

  it('shows an admin every command, 解绑 among them', () => {
    const text = visibleText(helpCard({ commands: COMMANDS, isAdmin: true, chatType: 'p2p' }));
    for (const c of COMMANDS) expect(text).toContain(c.description);
    expect(text).toContain('解绑');
  });

  it('shows the centre contact when set, and nothing when not', () => {
    const contact = { name: '师丽丽', phone: '0471-6939381', email: 'zzqkczx@126.com' };
    const text = visibleText(helpCard({ commands: COMMANDS, isAdmin: false, chatType: 'p2p', contact }));
    expect(text).toContain('科创服务中心联系人：师丽丽 · 电话 0471-6939381 · 邮箱 zzqkczx@126.com');
    expect(visibleText(helpCard({ commands: COMMANDS, isAdmin: false, chatType: 'p2p', contact: { phone: '0471-6939381' } }))).toContain(
      '科创服务中心联系人：电话 0471-6939381',
    );
    expect(visibleText(helpCard({ commands: COMMANDS, isAdmin: false, chatType: 'p2p', contact: {} }))).not.toContain('联系人');
  });
});
