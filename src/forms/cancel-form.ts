import { MAX_REASON_LENGTH, reasonError } from '../domain/application-status';
import type { FormSpec } from './form-spec';

/**
 * 取消活动, described once: the reason, required (reasonError's messages). The Feishu cancel card
 * (cards/change-cards.ts) is rendered from it and the DingTalk wizard walks it (`取消 <编号>`).
 */
export function cancelFormSpec(): FormSpec<void> {
  return {
    id: 'cancel',
    title: '取消活动',
    fields: [
      {
        name: 'reason',
        label: '取消原因',
        placeholder: '请填写取消原因（必填）',
        input: { kind: 'text', maxLength: MAX_REASON_LENGTH, multiline: { rows: 2, maxRows: 6 } },
      },
    ],
    check: (values) => {
      const problem = reasonError('cancel', typeof values.reason === 'string' ? values.reason : '');
      return problem ? { reason: problem } : ({} as Record<string, string>);
    },
  };
}

/** What cancelling means, said on the card and at the start of the conversation. */
export const CANCEL_NOTICE = '取消后活动状态变为「已取消」，不再提醒、不再要求提交活动评估总结；科创服务中心和所在盟市群会收到通知。此操作不能撤销。';
