import { card, CardJson, markdown, note } from './card-kit';
import { REGIONS } from '../src/domain/regions';

/** Posted when the bot joins a group: who it is and how the centre binds the group. */
export function welcomeCard(): CardJson {
  return card({
    title: '大家好，我是企业创新助手',
    colour: 'turquoise',
    summary: '企业创新助手已加入本群',
    elements: [
      markdown(
        '我协助开展**企业创新能力提升行动**：接收活动申请和企业需求、提醒截止日期、每周推送工作小结。',
      ),
      markdown(
        '**第一步：绑定本群**\n请科创服务中心管理员在本群 @我 并发送：\n' +
          '· **绑定 包头市**（把本群设为某个盟市的工作群）\n' +
          '· **绑定 中心**（把本群设为中心工作群）',
      ),
      note(`可绑定的盟市：${REGIONS.join('、')}。发送「帮助」查看全部指令。`),
    ],
  });
}
