import { CARD_ACTIONS } from '../../../../handlers/registry';
import type { CardActionResult, HandlerDeps } from '../../../../handlers/types';
import type { FormDraft } from '../../../db/entities/form-draft.entity';
import type { FormValue } from '../../../domain/application-fields';
import { isFormId, type FormId } from '../../../forms/form-spec';
import type { Logger } from '../../../logger';
import { answersOf, subjectOf } from '../../../services/form-draft-service';
import type { OutboundMessage } from '../../port';
import { answer, promptFor, WIZARD_WORDS, type WizardForm } from './conversation';
import { currentVersion } from './record-forms';
import { CARD_FORM_NAMES, START_WORDS, submitValue, wizardFormOf, type WizardSubject } from './wizard-forms';

/**
 * The DingTalk wizard's moves, each in one transaction with what it sends: a draft that changed
 * and the messages about it commit together, and a message applied once (its msgId is kept on
 * the draft) changes nothing when the inbox hands it over again after a crash.
 */

export const WIZARD_PLATFORM = 'dingtalk';

export const FORM_TITLES: Readonly<Record<FormId, string>> = {
  application: '活动申请表',
  need: '企业需求登记',
  summary: '活动评估总结',
  report: '报送',
  expert: '添加专家',
  task: '发起报送任务',
  change: '申请改期',
  cancel: '取消活动',
  match: '对接专家',
};

/** Who is talking, about which message; `deps` deliver on DingTalk. */
export interface WizardCall {
  deps: HandlerDeps;
  tenantKey: string;
  staffId: string;
  /** The robot message's msgId. */
  messageId: string;
  /** Root of the outbox keys of what this message sends (the inbox event's dedup key). */
  keyRoot: string;
  isAdmin: boolean;
  log: Logger;
  /** With DINGTALK_FORM_TEMPLATE_ID: sends the form as a form card instead of starting the wizard. */
  formCard?: (form: FormId, subject: WizardSubject, preset: FormValue) => Promise<void>;
}

function sender(call: WizardCall, tx: HandlerDeps) {
  let n = 0;
  return (message: OutboundMessage | string) =>
    tx.messenger.sendToUser({ tenantKey: call.tenantKey, key: `${call.keyRoot}:wizard:${n++}` }, call.staffId, typeof message === 'string' ? { type: 'text', text: message } : message);
}

function findDraft(call: WizardCall, tx: HandlerDeps): Promise<FormDraft | null> {
  return tx.drafts.find(WIZARD_PLATFORM, call.tenantKey, call.staffId);
}

/**
 * How long a draft may lie untouched before it is put aside (issue 12): the person's next
 * message is then a message like any other, with one line saying the form is kept and
 * 继续填写 resumes it. The draft stays until the yearly retention removes it.
 */
export const WIZARD_IDLE_MS = 2 * 60 * 60 * 1000;

/** This person's draft, if any, as the router sees it. */
export function draftOf(call: WizardCall): Promise<FormDraft | null> {
  return findDraft(call, call.deps);
}

/** Whether the draft is put aside: marked so, or untouched for WIZARD_IDLE_MS (by the deps' clock). */
export function isDormant(call: WizardCall, draft: FormDraft): boolean {
  return draft.dormantAt !== null || call.deps.drafts.isIdle(draft, WIZARD_IDLE_MS);
}

/** Puts an idle draft aside and says so, once (a message redelivered finds it marked already). */
export async function putAside(call: WizardCall): Promise<void> {
  await call.deps.atomically(async (tx) => {
    const draft = await findDraft(call, tx);
    // Resumed meanwhile (the message was the form's own command), or marked already: nothing to say.
    if (!draft || draft.dormantAt !== null || !tx.drafts.isIdle(draft, WIZARD_IDLE_MS)) return;
    await tx.drafts.setDormant(draft);
    call.log.info({ form: draft.form }, 'wizard put aside after being idle');
    const title = isFormId(draft.form) ? FORM_TITLES[draft.form] : '表单';
    const hours = Math.round(WIZARD_IDLE_MS / 3_600_000);
    await tx.messenger.sendToUser({ tenantKey: call.tenantKey, key: `${call.keyRoot}:wizard:aside` }, call.staffId, {
      type: 'text',
      text: `您未填完的「${title}」超过 ${hours} 小时没有填写，已为您保存；需要时发送「${WIZARD_WORDS.resume}」接着填写，发送「${WIZARD_WORDS.cancel}」放弃。`,
    });
  });
}

/**
 * Whether the field asked now takes free text, so that a message reading as a command (通过
 * SQ2027-0001) might be meant as its answer. Selects, dates and the summary cannot take it.
 */
export async function asksForText(call: WizardCall, draft: FormDraft): Promise<boolean> {
  const wizard = await formOf(call, call.deps, draft);
  return typeof wizard !== 'string' && wizard.fields[draft.step]?.input.kind === 'text';
}

/** The question asked when an answer reads as a command: 1 fills it in, 2 runs it. */
export async function askFillOrRun(call: WizardCall, text: string): Promise<void> {
  await call.deps.atomically(async (tx) => {
    const draft = await findDraft(call, tx);
    if (!draft || draft.lastMessageId === call.messageId) return;
    const wizard = await formOf(call, tx, draft);
    const label = typeof wizard === 'string' ? '当前项目' : (wizard.fields[draft.step]?.label ?? '当前项目');
    await tx.drafts.setPending(draft, text, call.messageId);
    const shown = [...text.replace(/\s+/g, ' ')].slice(0, 40).join('');
    await sender(call, tx)(`是要填写内容还是执行命令？\n回复「1」：把「${shown}」填作「${label}」；\n回复「2」：执行指令「${shown}」。\n发送其他内容则不作处理，照常回复。`);
  });
}

/**
 * Settles the question of askFillOrRun without filling it in: 2 (`applied`: this message is
 * the draft's last, so a redelivery of it is not taken as an answer), or another message.
 */
export async function dropPending(call: WizardCall, draft: FormDraft, applied: boolean): Promise<void> {
  await call.deps.drafts.setPending(draft, null, applied ? call.messageId : (draft.lastMessageId ?? call.messageId));
}

async function formOf(call: WizardCall, tx: HandlerDeps, draft: FormDraft): Promise<WizardForm | string> {
  const subject = subjectOf<WizardSubject>(draft);
  if (!isFormId(draft.form) || !subject) return '这份草稿已无法继续，已删除。请重新开始填写。';
  return wizardFormOf(tx, call.tenantKey, draft.form, subject);
}

/**
 * Starts a form as a conversation, or resumes the one in progress when it is the same form
 * (申请 again). A different form in progress is not thrown away: the person is asked to finish
 * or cancel it first. `preset`: answers known already (e.g. the only report task).
 */
export async function startWizard(call: WizardCall, form: FormId, subject: WizardSubject, preset: FormValue = {}, opts: { atSummary?: boolean } = {}): Promise<void> {
  await call.deps.atomically(async (tx) => {
    const say = sender(call, tx);
    const existing = await findDraft(call, tx);
    if (existing?.lastMessageId === call.messageId) return;
    if (existing) {
      // A fresh form (a new token each time) resumes the one in progress; a form about a record only for that record.
      const fresh = (json: string) => /^\{"form":/.test(json);
      const sameSubject = existing.subject === JSON.stringify(subject) || (fresh(existing.subject) && fresh(JSON.stringify(subject)));
      if (existing.form === form && sameSubject) {
        const wizard = await formOf(call, tx, existing);
        if (typeof wizard === 'string') {
          await tx.drafts.remove(existing);
          return void (await say(wizard));
        }
        const state = { step: existing.step, answers: answersOf(existing) };
        await tx.drafts.save(existing, state, call.messageId);
        return void (await say(`您有一份未填完的${wizard.title}，接着填写：\n\n${promptFor(wizard, state)}`));
      }
      const title = isFormId(existing.form) ? FORM_TITLES[existing.form] : '表单';
      await tx.drafts.save(existing, { step: existing.step, answers: answersOf(existing) }, call.messageId);
      return void (await say(`您还有一份未填完的「${title}」。请发送「${WIZARD_WORDS.resume}」接着填写，或发送「${WIZARD_WORDS.cancel}」放弃后再发送「${START_WORDS[form].split(' <')[0]}」。`));
    }
    const wizard = await wizardFormOf(tx, call.tenantKey, form, subject);
    if (typeof wizard === 'string') return void (await say(wizard));
    const draft = await tx.drafts.create({ platform: WIZARD_PLATFORM, tenantKey: call.tenantKey, userId: call.staffId, form, subject, messageId: call.messageId });
    if (!draft) return; // Another message of this person started one at the same moment: it answers.
    // 修改 starts at the summary: everything is filled; a field's number changes it.
    const state = { step: opts.atSummary ? wizard.fields.length : 0, answers: preset };
    if (Object.keys(preset).length || opts.atSummary) await tx.drafts.save(draft, state, call.messageId);
    call.log.info({ form }, 'wizard started');
    const words = `逐项回复即可；随时可发送「${WIZARD_WORDS.back}」「${WIZARD_WORDS.show}」「${WIZARD_WORDS.cancel}」，中途离开后发送「${WIZARD_WORDS.resume}」接着填写。`;
    await say(`${wizard.intro ? `${wizard.intro}\n` : ''}${words}\n\n${promptFor(wizard, state)}`);
  });
}

/**
 * A private message while a form is in progress: an answer or a wizard word. False when there
 * is no form in progress (the message is for the commands).
 */
export async function continueWizard(call: WizardCall, text: string): Promise<boolean> {
  return call.deps.atomically(async (tx) => {
    const draft = await findDraft(call, tx);
    if (!draft) return false;
    if (draft.lastMessageId === call.messageId) return true;
    const say = sender(call, tx);
    const wizard = await formOf(call, tx, draft);
    if (typeof wizard === 'string') {
      await tx.drafts.remove(draft);
      await say(wizard);
      return true;
    }
    const outcome = answer(wizard, { step: draft.step, answers: answersOf(draft) }, text);
    if (outcome.kind === 'cancel') {
      await tx.drafts.remove(draft);
      call.log.info({ form: draft.form }, 'wizard cancelled');
      await say(`${outcome.text}需要时请重新发送「${START_WORDS[draft.form as FormId].split(' <')[0]}」。`);
      return true;
    }
    if (outcome.kind === 'reply') {
      await tx.drafts.save(draft, outcome.state, call.messageId);
      await say(outcome.text);
      return true;
    }
    await submit(call, tx, draft, outcome.state.answers, say);
    return true;
  });
}

/** 提交: the same card action a Feishu form's submit button calls, as this person. */
async function submit(call: WizardCall, tx: HandlerDeps, draft: FormDraft, answers: FormValue, say: (m: OutboundMessage | string) => Promise<void>): Promise<void> {
  const form = draft.form as FormId;
  const subject = subjectOf<WizardSubject>(draft) as WizardSubject;
  // 改期 / 取消 / 对接 act on the record as it is now (the checks and who may run again in the action).
  const version = (form === 'change' || form === 'cancel' || form === 'match') && 'id' in subject ? await currentVersion(tx, call.tenantKey, form, subject.id) : undefined;
  const value = submitValue(form, subject, answers, version);
  const formValue = Object.fromEntries(Object.entries(answers).filter((e): e is [string, string | string[]] => e[1] !== undefined));
  const handler = CARD_ACTIONS[String(value.action)];
  const result: CardActionResult = await handler({
    tenantKey: call.tenantKey,
    operatorOpenId: call.staffId,
    chatId: undefined,
    messageId: undefined,
    value,
    formValue,
    isAdmin: call.isAdmin,
    deps: tx,
    log: call.log.child({ action: value.action, via: 'wizard' }),
  });
  // A form coming back means the server's check failed after all (e.g. the day changed): keep the draft.
  const returned = result.card !== undefined && JSON.stringify(result.card).includes(`"name":"${CARD_FORM_NAMES[form]}"`);
  if (returned) {
    const wizard = await formOf(call, tx, draft);
    if (typeof wizard === 'string') {
      await tx.drafts.remove(draft);
      return void (await say(wizard));
    }
    const outcome = answer(wizard, { step: Number.MAX_SAFE_INTEGER, answers }, WIZARD_WORDS.submit);
    const state = outcome.kind === 'reply' ? outcome.state : { step: draft.step, answers };
    await tx.drafts.save(draft, state, call.messageId);
    await say(outcome.kind === 'reply' ? outcome.text : (result.toast?.content ?? '提交未成功，请稍后再发送「提交」。'));
    return;
  }
  await tx.drafts.remove(draft);
  call.log.info({ form, ok: result.toast?.type === 'success' }, 'wizard submitted');
  if (result.toast && (result.toast.type !== 'success' || !result.card)) await say(result.toast.content);
  if (result.card) await say({ type: 'card', card: result.card });
}
