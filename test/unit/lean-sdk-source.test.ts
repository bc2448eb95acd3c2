import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { asciiSource } from '../../src/front/lean-sdk-source';

/**
 * The Feishu SDK's bundle is loaded as ASCII source (src/front/lean-sdk-source.ts, issue 14 item 9:
 * V8 would keep its Chinese comments, and with them all 6 MB of it, as UTF-16). The rewrite must
 * not change what the program means.
 */

const run = (source: string) => vm.runInNewContext(source) as unknown;

describe('asciiSource', () => {
  it('keeps the meaning of strings, templates, regular expressions, identifiers and comments', () => {
    const program = [
      '// 注释：飞书开放平台',
      '/* 多行 — 注释 */',
      "const 名字 = '审批通过';",
      'const tpl = `模板 ${名字} ✓`;',
      'const re = /^[一-龥]+$/;',
      'const reU = /😀|é/u;',
      'const astral = "😀 𠮷";',
      'JSON.stringify([名字, tpl, re.test("中文"), re.test("abc"), reU.test("😀"), reU.test("é"), astral, astral.length, "é".length]);',
    ].join('\n');
    const ascii = asciiSource(Buffer.from(program, 'utf8'));
    expect(ascii).toBeDefined();
    expect(/[^\x00-\x7f]/.test(ascii!)).toBe(false);
    expect(run(ascii!)).toBe(run(program));
    expect(JSON.parse(run(ascii!) as string)).toEqual(['审批通过', '模板 审批通过 ✓', true, false, true, true, '😀 𠮷', 5, 1]);
  });

  it('gives up (the file is loaded unchanged) where an escape would change the meaning', () => {
    // "\é" is an identity escape for é; "\\u00e9" would be a backslash and "u00e9".
    expect(asciiSource(Buffer.from('const s = "\\é";', 'utf8'))).toBeUndefined();
    // Not UTF-8 (a lone continuation byte, a truncated sequence).
    expect(asciiSource(Buffer.from([0x61, 0x80, 0x62]))).toBeUndefined();
    expect(asciiSource(Buffer.from([0x61, 0xe4, 0xb8]))).toBeUndefined();
  });

  it('rewrites the SDK bundle the project depends on, which then exports the same API', () => {
    const entry = require.resolve('@larksuiteoapi/node-sdk');
    const bytes = readFileSync(entry);
    const ascii = asciiSource(bytes);
    // If a new SDK version breaks the rewrite's condition, the loader falls back to the plain
    // file and the RSS budget (bench/README.md) no longer holds: this says so.
    expect(ascii).toBeDefined();
    expect(/[^\x00-\x7f]/.test(ascii!)).toBe(false);
    const load = (source: string) => {
      const module = { exports: {} as Record<string, unknown> };
      const wrapped = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: entry });
      wrapped(module.exports, require, module, entry, entry);
      return module.exports;
    };
    const plain = load(bytes.toString('utf8'));
    const lean = load(ascii!);
    expect(Object.keys(lean).sort()).toEqual(Object.keys(plain).sort());
    expect(Object.keys(lean)).toEqual(expect.arrayContaining(['Client', 'EventDispatcher', 'CardActionHandler', 'WSClient']));
    // The generated API tree, e.g. what the bot calls to send and reply.
    const Client = lean.Client as new (o: { appId: string; appSecret: string; loggerLevel?: number }) => any;
    const client = new Client({ appId: 'cli_test', appSecret: 'secret', loggerLevel: 1 });
    expect(typeof client.im.v1.message.create).toBe('function');
    expect(typeof client.im.v1.message.reply).toBe('function');
    expect(typeof client.bitable.v1.appTableRecord.create).toBe('function');
  });
});
