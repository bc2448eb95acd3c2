import { matchCommand, normaliseText } from '../../handlers/message-received';
import { COMMANDS } from '../../handlers/registry';

const HELP = COMMANDS.find((c) => c.word === '帮助')!;
const BIND = COMMANDS.find((c) => c.word === '绑定')!;

describe('normaliseText', () => {
  it('finds the real commands in the registry', () => {
    expect(HELP).toBeDefined();
    expect(BIND).toBeDefined();
  });

  it('removes the mention placeholders listed in mentions', () => {
    expect(normaliseText('@_user_1 帮助')).toBe('帮助');
    expect(normaliseText('@_user_1 绑定 包头市')).toBe('绑定 包头市');
  });

  it('removes placeholders in the middle or at the end', () => {
    expect(normaliseText('绑定 @_user_1 包头市 @_user_2')).toBe('绑定 包头市');
  });

  it('removes @_all and unlisted @_user_N placeholders', () => {
    expect(normaliseText('@_all 帮助')).toBe('帮助');
    expect(normaliseText('@_user_1 @_all 帮助')).toBe('帮助');
    expect(normaliseText('@_user_3 帮助')).toBe('帮助');
  });

  it('folds full-width spaces, tabs, newlines and repeated spaces into one space', () => {
    expect(normaliseText('绑定\u3000包头市')).toBe('绑定 包头市');
    expect(normaliseText('  绑定 \u3000\t\n  包头市  ')).toBe('绑定 包头市');
  });

  it('gives an empty string for a bare mention', () => {
    expect(normaliseText('@_user_1')).toBe('');
    expect(normaliseText('@_user_1\u3000')).toBe('');
  });

  it('ignores mentions without a key', () => {
    expect(normaliseText('帮助')).toBe('帮助');
  });

  it('removes @_user_10 whole, not as @_user_1 followed by 0 (ten or more mentions)', () => {
    expect(normaliseText('@_user_10 帮助')).toBe('帮助');
    expect(normaliseText('@_user_1 绑定 包头市 @_user_10')).toBe('绑定 包头市');
  });
});

describe('matchCommand', () => {
  it.each([
    ['帮助', HELP, ''],
    ['help', HELP, ''],
    ['HELP', HELP, ''],
    ['Help', HELP, ''],
    ['？', HELP, ''],
    ['?', HELP, ''],
    ['菜单', HELP, ''],
    ['help me', HELP, 'me'],
    ['绑定 包头市', BIND, '包头市'],
    ['绑定包头市', BIND, '包头市'],
    ['绑定   中心', BIND, '中心'],
    ['绑定', BIND, ''],
  ])('%j → %s', (text, command, args) => {
    const match = matchCommand(text, COMMANDS);
    expect(match).toBeDefined();
    expect(match!.command).toBe(command);
    expect(match!.args).toBe(args);
  });

  it.each(['helpme', 'helper', '你好', 'hello', '', '帮', '请绑定 包头市', 'bind 包头市'])('%j matches nothing', (text) => {
    expect(matchCommand(text, COMMANDS)).toBeUndefined();
  });

  it('works on what normaliseText leaves of a group message', () => {
    const text = normaliseText('@_user_1\u3000绑定\u3000包头市');
    const match = matchCommand(text, COMMANDS);
    expect(match?.command).toBe(BIND);
    expect(match?.args).toBe('包头市');
  });

  it('prefers the longest matching word', () => {
    const short = { ...HELP, word: '绑', aliases: [] };
    const match = matchCommand('绑定 包头市', [short, BIND]);
    expect(match?.command).toBe(BIND);
    expect(match?.args).toBe('包头市');
  });

  it('tells 报送 (anyone) from 报送进度 (the centre) in the real registry', () => {
    expect(matchCommand('报送', COMMANDS)?.command.word).toBe('报送');
    expect(matchCommand('报送进度', COMMANDS)?.command.word).toBe('报送进度');
    expect(matchCommand('报送进度 BS2027-0001', COMMANDS)).toMatchObject({ command: { word: '报送进度' }, args: 'BS2027-0001' });
  });

  it('matches nothing with no commands', () => {
    expect(matchCommand('帮助', [])).toBeUndefined();
  });
});
