import type { DataSource } from 'typeorm';
import { CARD_ACTIONS } from '../../../handlers/registry';
import type { CardActionResult, HandlerDeps, StoredEvent } from '../../../handlers/types';
import { withOrigin } from '../../db/origin';
import type { FormValue } from '../../domain/application-fields';
import { isFormId, type FormId } from '../../forms/form-spec';
import type { Logger } from '../../logger';
import { BindingService } from '../../services/binding-service';
import type { InboxService } from '../../services/inbox-service';
import { idempotencyKeyOf } from '../../services/outbox-service';
import type { OutboundMessage } from '../port';
import type { DingTalkPlatform } from './dingtalk-platform';
import { CardResponse, formCardMessage, formCardParams, noticeResponse, reasonsText, refusedResponse, submittedResponse, valuesFromCard } from './form-card';
import { FormCardStore, parsedOr } from './form-card-store';
import { DINGTALK_PLATFORM } from './intake';
import { dingtalkDeps } from './message-handler';
import { startWizard, type WizardCall } from './wizard/wizard';
import { submitValue, wizardFormOf, type WizardSubject } from './wizard/wizard-forms';

/**
 * Forms as DingTalk form cards (issue 12 item 6, DINGTALK_FORM_TEMPLATE_ID):
 * - sending: the form command records the card (outTrackId = the idempotency key of the outbox
 *   row that sends it, tied to the form, its subject and the person) and queues it;
 * - a callback (Stream, /v1.0/card/instances/callback) is accepted only from that person, runs
 *   the SAME card action as the Feishu form's submit button and the wizard's 提交, and is answered
 *   in its ack: locked with 已提交 on success, the values kept and the reasons shown otherwise;
 * - a repeated callback frame (same messageId) or any callback after the submission is answered
 *   as before and changes nothing;
 * - a card that cannot be sent hands the person to the wizard, saying why.
 */

export const FORM_CARD_FALLBACK_EVENT = 'dingtalk.formcard.fallback';

const GONE = '这张表单卡片已失效，请重新发送指令获取新的表单。';
const NOT_YOURS = '这张表单是发给其他人的，只有收到它的人才能提交。';
const HANDED_OVER = '这张表单卡片未能正常发送，已改为在与我的私聊中逐项回复填写，请按私聊中的提示继续。';
const UNREADABLE = '没能读取这次提交的内容，请稍后再点「提交」。';
const FAILED = '提交未成功，请稍后再点「提交」。';

/** The form command's card instead of the wizard: recorded, then queued (both idempotent, in this order). */
export async function sendFormCard(call: WizardCall, ds: DataSource, form: FormId, subject: WizardSubject, preset: FormValue): Promise<void> {
  const deps = call.deps;
  const ref = { tenantKey: call.tenantKey, key: `${call.keyRoot}:formcard` };
  const wizard = await wizardFormOf(deps, call.tenantKey, form, subject);
  if (typeof wizard === 'string') {
    await deps.messenger.sendToUser({ ...ref, key: `${ref.key}:gone` }, call.staffId, { type: 'text', text: wizard });
    return;
  }
  const outTrackId = idempotencyKeyOf(ref.tenantKey, ref.key);
  await new FormCardStore(ds, deps.now).create({ outTrackId, tenantKey: call.tenantKey, staffId: call.staffId, form, subject, preset });
  call.log.info({ form, outTrackId }, 'form card queued');
  await deps.messenger.sendToUser(ref, call.staffId, formCardMessage(formCardParams({ title: wizard.title, intro: wizard.intro, fields: wizard.fields, values: preset })));
}

interface CardCallback {
  outTrackId: string;
  userId: string;
  corpId: string;
  form: unknown;
}

/** The fields of a card callback the bot relies on (DINGTALK.md §4): `content` is a JSON string. */
export function parseCardCallback(data: unknown): CardCallback | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 256;
  if (!str(d.outTrackId) || !str(d.userId)) return undefined;
  let content: any = d.content;
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content);
    } catch {
      return undefined;
    }
  }
  const form = content?.cardPrivateData?.params?.form;
  if (!form || typeof form !== 'object') return undefined;
  return { outTrackId: String(d.outTrackId), userId: String(d.userId), corpId: typeof d.corpId === 'string' ? d.corpId : '', form };
}

export interface FormCardCallbackOptions {
  ds: DataSource;
  /** The handlers' deps (Feishu's); the callback's are made DingTalk's here. */
  deps: HandlerDeps;
  platform: DingTalkPlatform;
  adminStaffIds: ReadonlySet<string>;
  logger: Logger;
}

/** The Stream card callback: resolves with the card update the ack carries. */
export function formCardCallbacks(opts: FormCardCallbackOptions): (data: unknown, messageId: string) => Promise<CardResponse> {
  const store = new FormCardStore(opts.ds, opts.deps.now);
  const bindings = new BindingService(opts.ds, opts.deps.now, DINGTALK_PLATFORM);
  // One callback of a card at a time (a double tap): the second sees the first one's outcome.
  const running = new Map<string, Promise<unknown>>();
  return async (data, messageId) => {
    const cb = parseCardCallback(data);
    if (!cb) {
      opts.logger.warn({ messageId }, 'dingtalk: card callback without the expected fields');
      return noticeResponse(UNREADABLE);
    }
    const before = running.get(cb.outTrackId) ?? Promise.resolve();
    const turn = before.catch(() => undefined).then(() => answer(cb, messageId));
    running.set(cb.outTrackId, turn);
    try {
      return await turn;
    } finally {
      if (running.get(cb.outTrackId) === turn) running.delete(cb.outTrackId);
    }
  };

  async function answer(cb: CardCallback, messageId: string): Promise<CardResponse> {
    const log = opts.logger.child({ outTrackId: cb.outTrackId, messageId });
    const card = await store.find(cb.outTrackId);
    if (!card || !isFormId(card.form)) return noticeResponse(GONE);
    if (card.staffId !== cb.userId) {
      log.warn({ staffId: cb.userId }, 'dingtalk: form card submitted by someone it was not sent to; refused');
      return noticeResponse(NOT_YOURS);
    }
    // A repeated frame, or a submit after the submission: the same answer, nothing changes.
    if (card.lastResponse && (card.status === 'submitted' || card.lastMessageId === messageId)) return parsedOr(card.lastResponse, noticeResponse(GONE));
    if (card.status === 'fallback') return noticeResponse(HANDED_OVER);
    const form = card.form as FormId;
    const subject = parsedOr<WizardSubject | null>(card.subject, null);
    if (!subject) return noticeResponse(GONE);
    const deps = dingtalkDeps(opts.deps, bindings, opts.platform, { group: false, conversationId: '', staffId: card.staffId });
    return withOrigin({ platform: DINGTALK_PLATFORM, tenant: cb.corpId || card.tenantKey }, async () => {
      const wizard = await wizardFormOf(deps, card.tenantKey, form, subject);
      if (typeof wizard === 'string') return noticeResponse(wizard);
      const values = valuesFromCard(wizard.fields, cb.form, deps.settings.timezone);
      const value = submitValue(form, subject, values);
      const formValue = Object.fromEntries(Object.entries(values).filter((e): e is [string, string | string[]] => e[1] !== undefined));
      const handler = CARD_ACTIONS[String(value.action)];
      const outcome = await deps.atomically(async (tx) => {
        const result: CardActionResult = await handler({
          tenantKey: card.tenantKey,
          eventId: `dingtalk-card:${messageId}`,
          operatorOpenId: card.staffId,
          chatId: undefined,
          messageId: undefined,
          value,
          formValue,
          isAdmin: opts.adminStaffIds.has(card.staffId),
          deps: tx,
          log: log.child({ action: value.action, via: 'form card' }),
        });
        // A form coming back: the server's check failed; nothing was filed.
        const returned = result.card !== undefined && JSON.stringify(result.card).includes('"tag":"form"');
        const done = !returned && !(result.toast?.type === 'error' && !result.card);
        if (done) {
          // The same confirmations as the wizard's 提交, once per card (keyed by its outTrackId).
          let n = 0;
          const say = (m: OutboundMessage) => tx.messenger.sendToUser({ tenantKey: card.tenantKey, key: `formcard:${card.outTrackId}:done:${n++}` }, card.staffId, m);
          if (result.toast && (result.toast.type !== 'success' || !result.card)) await say({ type: 'text', text: result.toast.content });
          if (result.card) await say({ type: 'card', card: result.card });
        }
        return { result, returned, done };
      });
      if (outcome.done) {
        const status = outcome.result.toast?.type === 'success' ? outcome.result.toast.content : '已提交';
        const response = submittedResponse(status, wizard.fields, values);
        await store.answered(card, messageId, response, 'submitted');
        log.info({ form }, 'form card submitted');
        return response;
      }
      const errors = wizard.check(values);
      const reasons = Object.keys(errors).length ? reasonsText(wizard.fields, errors) : (outcome.result.toast?.content ?? FAILED);
      const response = refusedResponse(reasons, wizard.fields, values);
      await store.answered(card, messageId, response, 'sent');
      log.info({ form, failing: Object.keys(errors) }, 'form card submission refused by the checks');
      return response;
    });
  }
}

/** The platform's hook: a card that could not be sent is handed to the wizard, through the inbox (persisted). */
export function recordFormCardFailure(ds: DataSource, inbox: InboxService, log: Logger) {
  const store = new FormCardStore(ds);
  return async (outTrackId: string, staffId: string, reason: string): Promise<void> => {
    const card = await store.find(outTrackId);
    if (!card) {
      log.warn({ outTrackId }, 'dingtalk: a form card that was never recorded failed to send');
      return;
    }
    const recorded = await inbox.record(
      { schema: '2.0', eventId: `dingtalk:formcard-fallback:${outTrackId}`, eventType: FORM_CARD_FALLBACK_EVENT, tenantKey: card.tenantKey, event: { outTrackId, staffId, reason } },
      DINGTALK_PLATFORM,
    );
    if (recorded.status === 'new') setImmediate(() => inbox.schedule(recorded.id));
  };
}

/** Why the card did not arrive, as the person is told. */
function reasonText(reason: string): string {
  if (/answered 40[13]/.test(reason)) return '机器人没有发送表单卡片的权限';
  if (/answered 4\d\d/.test(reason)) return '钉钉拒绝了表单卡片，可能是卡片模板编号有误或模板未发布';
  if (/not delivered/.test(reason)) return '钉钉未能把卡片投递到您的私聊';
  if (/no longer set/.test(reason)) return '表单卡片已停用';
  return '暂时无法连接钉钉';
}

/** The recorded fallback: the wizard of the same form, with the card's values, and why. */
export async function handleFormCardFallback(evt: StoredEvent, base: HandlerDeps, ctx: { ds: DataSource; platform: DingTalkPlatform; adminStaffIds: ReadonlySet<string> }, log: Logger): Promise<void> {
  const { outTrackId, reason } = evt.event as { outTrackId?: string; reason?: string };
  const store = new FormCardStore(ctx.ds, base.now);
  const card = outTrackId ? await store.find(outTrackId) : null;
  if (!card || !isFormId(card.form)) return;
  if (!(await store.handOver(card))) return; // answered already, or handed over before
  const subject = parsedOr<WizardSubject | null>(card.subject, null);
  if (!subject) return;
  const bindings = new BindingService(ctx.ds, base.now, DINGTALK_PLATFORM);
  const deps = dingtalkDeps(base, bindings, ctx.platform, { group: false, conversationId: '', staffId: card.staffId });
  const call: WizardCall = { deps, tenantKey: card.tenantKey, staffId: card.staffId, messageId: `formcard-fallback:${card.outTrackId}`, keyRoot: evt.dedupKey, isAdmin: ctx.adminStaffIds.has(card.staffId), log: log.child({ outTrackId: card.outTrackId }) };
  await deps.messenger.sendToUser({ tenantKey: card.tenantKey, key: `${evt.dedupKey}:why` }, card.staffId, {
    type: 'text',
    text: `表单卡片未能发送（${reasonText(String(reason ?? ''))}），已改为在私聊中逐项回复填写。`,
  });
  const preset = parsedOr<FormValue>(card.preset, {});
  await withOrigin({ platform: DINGTALK_PLATFORM, tenant: card.tenantKey }, () => startWizard(call, card.form as FormId, subject, preset, { atSummary: 'id' in subject && card.form === 'application' }));
}
