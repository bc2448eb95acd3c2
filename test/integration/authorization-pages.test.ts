import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, YEAR } from '../helpers/application-driver';
import { BAOTOU_CHAT, CENTRE_CHAT, CHIFENG_CHAT, goodNeed, startCentre, IN, OTHER, P2P, STAFF } from '../helpers/ledger-flow';
import { NEED_LIST_ACTION } from '../../cards/need-cards';

/**
 * The 查询 / 需求列表 page buttons name their scope in the button's value; the server decides
 * again on each click, from the clicker and the chat, whether that scope may be shown.
 */

let h: Harness;
let d: Driver;

beforeEach(async () => {
  ({ h, d } = await startCentre());
});
afterEach(async () => {
  await h.close();
});

describe('a list page button, checked again when clicked (its value can be forged)', () => {
  const page = (action: string, scope: string, region?: string) => ({ action, scope, page: 0, ...(region ? { region } : {}) });
  const seen = async (value: Record<string, unknown>, who: string, chatId: string) => {
    const answer = await d.click(value, who, undefined, { chatId });
    return answer.toast?.type === 'error' ? 'refused' : visibleText(answer.card.data);
  };

  it('pages needs: 全部 for admins and the centre group, a 盟市 for its group, the centre and admins', async () => {
    for (const [who, over] of [[STAFF, {}], [OTHER, { enterprise_name: '赤峰乳业有限公司', region: '赤峰市', industry: 'dairy-agri', need_type: '人才' }]] as const) {
      const [form] = await d.ask('需求', P2P(who));
      await d.click(buttonValue(form.content, '提交需求'), who, goodNeed(over));
    }
    const BAOTOU_NEED = `**XQ${YEAR}-0001**`;
    const CHIFENG_NEED = `**XQ${YEAR}-0002**`;
    const all = page(NEED_LIST_ACTION, 'all');
    const baotou = page(NEED_LIST_ACTION, 'region', '包头市');
    expect(await seen(all, STAFF, `oc_p2p_${STAFF}`)).toBe('refused');
    expect(await seen(all, STAFF, CHIFENG_CHAT)).toBe('refused');
    expect(await seen(all, ADMIN_OPEN_ID, `oc_p2p_${ADMIN_OPEN_ID}`)).toContain(CHIFENG_NEED);
    expect(await seen(all, STAFF, CENTRE_CHAT)).toContain(CHIFENG_NEED);
    expect(await seen(baotou, OTHER, CHIFENG_CHAT)).toBe('refused');
    for (const [who, chat] of [[OTHER, CENTRE_CHAT], [ADMIN_OPEN_ID, `oc_p2p_${ADMIN_OPEN_ID}`], [OTHER, BAOTOU_CHAT]]) {
      const text = await seen(baotou, who, chat);
      expect(text).toContain(BAOTOU_NEED);
      expect(text).not.toContain(CHIFENG_NEED);
    }
    const mine = await seen(page(NEED_LIST_ACTION, 'mine'), OTHER, `oc_p2p_${OTHER}`);
    expect(mine).toContain(CHIFENG_NEED);
    expect(mine).not.toContain(BAOTOU_NEED);
    // 需求列表 in the centre group: every 盟市's.
    const centre = visibleText((await d.ask('需求列表', IN(CENTRE_CHAT, STAFF)))[0].content);
    expect(centre).toContain(BAOTOU_NEED);
    expect(centre).toContain(CHIFENG_NEED);
  });

  it('pages applications: 全部 for admins and the centre group, a 盟市 for its group, the centre and admins', async () => {
    await d.file(STAFF); // SQ-0001 包头市
    await d.file(OTHER, { org_name: '赤峰市科协', region: '赤峰市' }); // SQ-0002 赤峰市
    const BAOTOU_APP = `**SQ${YEAR}-0001**`;
    const CHIFENG_APP = `**SQ${YEAR}-0002**`;
    const all = page('application.list', 'all');
    const baotou = page('application.list', 'region', '包头市');
    expect(await seen(all, STAFF, `oc_p2p_${STAFF}`)).toBe('refused');
    expect(await seen(all, STAFF, CHIFENG_CHAT)).toBe('refused');
    expect(await seen(all, ADMIN_OPEN_ID, `oc_p2p_${ADMIN_OPEN_ID}`)).toContain(CHIFENG_APP);
    expect(await seen(all, STAFF, CENTRE_CHAT)).toContain(CHIFENG_APP);
    expect(await seen(baotou, OTHER, CHIFENG_CHAT)).toBe('refused');
    for (const [who, chat] of [[OTHER, CENTRE_CHAT], [ADMIN_OPEN_ID, `oc_p2p_${ADMIN_OPEN_ID}`], [OTHER, BAOTOU_CHAT]]) {
      const text = await seen(baotou, who, chat);
      expect(text).toContain(BAOTOU_APP);
      expect(text).not.toContain(CHIFENG_APP);
    }
    const mine = await seen(page('application.list', 'mine'), OTHER, `oc_p2p_${OTHER}`);
    expect(mine).toContain(CHIFENG_APP);
    expect(mine).not.toContain(BAOTOU_APP);
  });
});
