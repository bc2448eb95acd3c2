import { fileTypeOf, toFeishuContent } from '../../src/platform/feishu/feishu-platform';

describe('fileTypeOf', () => {
  it.each([
    ['report.pdf', 'pdf'],
    ['REPORT.PDF', 'pdf'],
    ['申请表.doc', 'doc'],
    ['申请表.docx', 'doc'],
    ['汇总.xls', 'xls'],
    ['汇总.XLSX', 'xls'],
    ['export.csv', 'xls'],
    ['slides.ppt', 'ppt'],
    ['slides.pptx', 'ppt'],
    ['clip.mp4', 'stream'],
    ['voice.opus', 'stream'],
    ['archive.tar.gz', 'stream'],
    ['photo.jpeg', 'stream'],
    ['notes.txt', 'stream'],
    ['README', 'stream'],
    ['trailing-dot.', 'stream'],
    ['my.pdf.zip', 'stream'],
  ])('%s → %s', (name, type) => {
    expect(fileTypeOf(name)).toBe(type);
  });

  it('a name without a dot has no extension → stream', () => {
    expect(fileTypeOf('pdf')).toBe('stream');
    expect(fileTypeOf('doc')).toBe('stream');
  });
});

describe('toFeishuContent', () => {
  it('text → msg_type text with content a JSON string', () => {
    const out = toFeishuContent({ type: 'text', text: '你好 "world"\n<at user_id="all"></at>' });
    expect(out.msg_type).toBe('text');
    expect(typeof out.content).toBe('string');
    expect(JSON.parse(out.content)).toEqual({ text: '你好 "world"\n<at user_id="all"></at>' });
  });

  it('card → msg_type interactive with the card serialised', () => {
    const card = { schema: '2.0', config: { update_multi: true }, body: { elements: [{ tag: 'markdown', content: '**hi**' }] } };
    const out = toFeishuContent({ type: 'card', card });
    expect(out.msg_type).toBe('interactive');
    expect(JSON.parse(out.content)).toEqual(card);
  });

  it('image → msg_type image with image_key', () => {
    expect(toFeishuContent({ type: 'image', imageKey: 'img_v2_abc' })).toEqual({
      msg_type: 'image',
      content: JSON.stringify({ image_key: 'img_v2_abc' }),
    });
  });

  it('file → msg_type file with file_key', () => {
    expect(toFeishuContent({ type: 'file', fileKey: 'file_v3_abc' })).toEqual({
      msg_type: 'file',
      content: JSON.stringify({ file_key: 'file_v3_abc' }),
    });
  });
});
