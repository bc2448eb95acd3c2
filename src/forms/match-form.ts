import { MAX_NEED_NOTE_LENGTH, needNoteError, type NeedAction } from '../domain/need-status';
import type { FormOption, FormSpec } from './form-spec';

/**
 * 对接专家 (a need matched with an expert), described once: the expert, chosen from the pool
 * (those of the need's industry first), and a note to both sides. The Feishu matching card
 * (cards/need-match-card.ts) is rendered from it and the DingTalk wizard walks it
 * (`对接 <需求编号>`). A need is matched with one expert (Need.expertId).
 */

export const MATCH_FIELDS = ['expert', 'note'] as const;

export interface MatchFormOptions {
  /** The experts to choose from, as options (value: the expert's id), in the order shown. */
  experts: readonly FormOption[];
  /** match (待对接) or rematch: which note rule applies. */
  action: NeedAction;
}

export const MATCH_EXPERT_MISSING = '请选择对接的专家';

export function matchFormSpec(opts: MatchFormOptions): FormSpec<void> {
  return {
    id: 'match',
    title: '对接专家',
    fields: [
      { name: 'expert', label: '对接专家', placeholder: '请选择专家（相符领域的专家在前）', input: { kind: 'select', options: opts.experts } },
      {
        name: 'note',
        label: '对接说明',
        optional: true,
        placeholder: '给企业和专家的说明，如对接方式、时间（选填）',
        input: { kind: 'text', maxLength: MAX_NEED_NOTE_LENGTH, multiline: { rows: 2 } },
      },
    ],
    check: (values) => {
      const errors: Record<string, string> = {};
      const expert = typeof values.expert === 'string' ? values.expert.trim() : '';
      // One of those offered; the server still checks that the expert exists (a card may offer one since deleted).
      if (!opts.experts.some((o) => o.value === expert)) errors.expert = MATCH_EXPERT_MISSING;
      const problem = needNoteError(opts.action, typeof values.note === 'string' ? values.note : '');
      if (problem) errors.note = problem;
      return errors;
    },
  };
}
