import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { messageEvent } from '../helpers/events';
import { buildZip } from '../helpers/zip-builder';

/** Issue 14: hostile expert lists sent to the bot cost a Chinese answer, never the process. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const repliesTo = (messageId: string) => h.fake.delivered.filter((m) => m.kind === 'reply' && m.parentId === messageId);

async function send(evt: Record<string, any>): Promise<string> {
  expect((await h.post('/feishu/events', evt)).status).toBe(200);
  const id = evt.event.message.message_id as string;
  await h.fake.waitFor(() => repliesTo(id).length === 1, 'the answer');
  const [reply] = repliesTo(id);
  return reply.msgType === 'text' ? reply.content.text : visibleText(reply.content);
}

async function sendSheet(name: string, bytes: Buffer): Promise<string> {
  const key = `file_v3_${name.replace(/\W/g, '_')}_${bytes.length}`;
  h.fake.resources.set(key, bytes);
  const evt = messageEvent({ text: '', chatType: 'p2p', chatId: `oc_p2p_${ADMIN_OPEN_ID}`, senderOpenId: ADMIN_OPEN_ID, messageType: 'file' });
  evt.event.message.content = JSON.stringify({ file_key: key, file_name: name });
  return send(evt);
}

const stillAnswers = async () => expect(await send(messageEvent({ text: '帮助', chatType: 'p2p' }))).toContain('帮助');

it('stops downloading a CSV larger than 5 MB and says so', async () => {
  const big = Buffer.alloc(12 * 1024 * 1024, 'a,b,c\n');
  expect(await sendSheet('专家名单.csv', big)).toBe('「专家名单.csv」未导入：文件超过 5 MB，请删去无关内容或分批导入。');
  await stillAnswers();
});

it('refuses an .xlsx of 10 million empty rows (under 1 MB packed) in seconds', async () => {
  const sheet = {
    name: 'xl/worksheets/sheet1.xml',
    *pieces() {
      yield Buffer.from('<worksheet><sheetData>');
      const rows = Buffer.from('<row/>'.repeat(100_000));
      for (let i = 0; i < 100; i += 1) yield rows;
      yield Buffer.from('</sheetData></worksheet>');
    },
  };
  const text = await sendSheet('专家名单.xlsx', buildZip([sheet]));
  expect(text).toContain('该 Excel 文件解压后超过 10 MB，内容太多');
  await stillAnswers();
});
