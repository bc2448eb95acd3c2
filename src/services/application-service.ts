import { isUniqueViolation } from '../db/data-source';
import type { Application } from '../db/entities/application.entity';
import { withSavepoint } from '../db/unit-of-work';
import { pickFormValues, type FormValue } from '../domain/application-fields';
import type { CheckedApplication } from '../domain/application-rules';
import { canTransition, type ApplicationAction } from '../domain/application-status';
import { parseFeishuDate } from '../domain/calendar';
import { parseRegion } from '../domain/regions';
import { changeRequestOf, changeValuesOf, reviewKeysOf, type ChangeRequest, type ChangeValues, type TeamMember } from './application-record';
import { ApplicationStore, type ChangeResult } from './application-store';

/**
 * Applications in the database: drafts, submissions, decisions, attachments, the audit trail.
 * Every change is one conditional UPDATE on (id, version), so of two concurrent changes exactly
 * one wins and the other learns what happened instead. Built over a transaction's manager
 * (HandlerDeps.atomically, see src/db/unit-of-work.ts) the change, its audit row and the
 * messages queued with it commit together. What an application row says (its code, checked
 * values, topics, …) is read by application-record.ts; the reads and the conditional UPDATE
 * itself are ApplicationStore's (application-store.ts).
 */

export type { ChangeResult, ListFilter } from './application-store';

export interface Attachment {
  kind: 'image' | 'file';
  key: string;
  name: string | null;
  messageId: string;
}

const DECISIONS: readonly ApplicationAction[] = ['approve', 'return', 'reject'];

export class ApplicationService extends ApplicationStore {
  /**
   * Keeps a form that failed its checks as a draft: a new one for a fresh 申请 card (found
   * again by its token when submitted twice), or the values of an existing draft updated.
   */
  async saveDraft(input: { tenantKey: string; filerOpenId: string; formToken: string | null; app: Application | null; form: FormValue }): Promise<ChangeResult> {
    const typed = pickFormValues(input.form);
    const columns = {
      draftForm: JSON.stringify(typed),
      orgName: text(typed.org_name, 200),
      // Stryker disable next-line StringLiteral: parseRegion reads no region in '' nor in any other non-region text, so the fallback text changes nothing.
      region: parseRegion(typeof typed.region === 'string' ? typed.region : '') ?? null,
      startDate: typeof typed.start_date === 'string' ? (parseFeishuDate(typed.start_date) ?? null) : null,
      endDate: typeof typed.end_date === 'string' ? (parseFeishuDate(typed.end_date) ?? null) : null,
    };
    const app = input.app ?? (await this.createDraft(input.tenantKey, input.filerOpenId, input.formToken, true));
    // Somebody else's draft, or no longer a draft (a stale card): leave it as it is.
    if (app.status !== '草稿' || app.filerOpenId !== input.filerOpenId) return { ok: false, current: app };
    return this.update(app, { ...columns, updatedAt: this.now() }, { action: 'draft', actorOpenId: input.filerOpenId });
  }

  /** A new empty draft for a fresh card, or the one that card already made (submitted twice at once). */
  private async createDraft(tenantKey: string, filerOpenId: string, formToken: string | null, audited: boolean): Promise<Application> {
    const now = this.now();
    try {
      // insert, not save: save wraps itself in a transaction, and on SQLite's one shared
      // connection a failing one would roll back other requests' statements with it.
      const inserted = await withSavepoint(this.repo.manager, () =>
        this.repo.insert({ tenantKey, formToken, codeYear: null, codeSeq: null, filerOpenId, status: '草稿', version: 1, createdAt: now, updatedAt: now }),
      );
      const draft = await this.repo.findOneByOrFail({ id: inserted.identifiers[0].id });
      if (audited) await this.audit(draft.id, 'draft', null, '草稿', filerOpenId, null);
      return draft;
    } catch (err) {
      if (!isUniqueViolation(err) || !formToken) throw err;
      const existing = await this.findByFormToken(tenantKey, formToken);
      if (!existing) throw err;
      return existing;
    }
  }

  /**
   * Submits checked values: a fresh card or a draft becomes 待审核 with the next code of the
   * campaign year; an application being changed (待审核 or 已退回) goes back to 待审核.
   */
  async submit(input: {
    tenantKey: string;
    actorOpenId: string;
    formToken: string | null;
    app: Application | null;
    checked: CheckedApplication;
    year: number;
  }): Promise<ChangeResult> {
    // A fresh card starts as a draft row, so that the code is given by the one UPDATE below.
    const app = input.app ?? (await this.createDraft(input.tenantKey, input.actorOpenId, input.formToken, false));
    // A fresh card submitted twice at once: the other submission made it, and it is not ours to change again.
    if (!input.app && (app.status !== '草稿' || app.filerOpenId !== input.actorOpenId)) return { ok: false, current: app };
    const action: ApplicationAction = app.status === '草稿' ? 'submit' : 'resubmit';
    if (!canTransition(app.status, action)) return { ok: false, current: app };
    const c = input.checked;
    const now = this.now();
    const values: Record<string, unknown> = {
      kind: c.kind,
      orgName: c.orgName,
      region: c.region,
      venue: c.venue,
      startDate: c.startDate,
      endDate: c.endDate,
      headcount: c.headcount,
      coreCount: c.coreCount,
      enterpriseCount: c.enterpriseCount,
      keyIndustryCount: c.keyIndustryCount,
      audience: c.audience,
      needs: c.needs,
      topics: JSON.stringify(c.topics),
      contactName: c.contactName,
      mobile: c.mobile,
      email: c.email,
      remarks: c.remarks,
      draftForm: null,
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      submittedAt: now,
      updatedAt: now,
    };
    for (let attempt = 0; ; attempt++) {
      const sequence =
        app.codeSeq === null
          ? {
              codeYear: input.year,
              // The next number of the year, in the same statement: no gaps, and two submissions
              // racing for one number collide on the unique index and the loser takes the next.
              codeSeq: () => '(SELECT COALESCE(MAX(s.code_seq), 0) + 1 FROM applications s WHERE s.code_year = :codeYear)',
            }
          : {};
      try {
        // In a transaction the savepoint lets a lost race be retried (PostgreSQL would abort it all).
        return await withSavepoint(this.repo.manager, () =>
          this.update(app, { ...values, ...sequence }, { action, actorOpenId: input.actorOpenId, params: { codeYear: input.year } }),
        );
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 20) throw err;
      }
    }
  }

  /** A decision (approve/return/reject), a withdrawal, or a later step (hold/summarise). */
  async transition(app: Application, action: ApplicationAction, actorOpenId: string, reason: string | null = null): Promise<ChangeResult> {
    if (!canTransition(app.status, action)) return { ok: false, current: app };
    const now = this.now();
    const values: Record<string, unknown> = { updatedAt: now };
    if (DECISIONS.includes(action)) Object.assign(values, { decidedBy: actorOpenId, decidedAt: now, decisionReason: reason });
    return this.update(app, values, { action, actorOpenId, reason });
  }

  /**
   * A change after approval goes to the centre: the activity stays 已通过 with its dates as
   * they are until the centre agrees. A newer request replaces one still waiting.
   */
  async requestChange(app: Application, values: ChangeValues, note: string | null, actorOpenId: string): Promise<ChangeResult> {
    if (!canTransition(app.status, 'request_change')) return { ok: false, current: app };
    const now = this.now();
    const request: ChangeRequest = {
      round: (changeRequestOf(app)?.round ?? 0) + 1,
      state: '待审核',
      old: changeValuesOf(app),
      new: values,
      note,
      requestedBy: actorOpenId,
      requestedAt: now,
    };
    return this.update(app, { changeRequest: JSON.stringify(request), updatedAt: now }, { action: 'request_change', actorOpenId, reason: note ?? describeChange(request) });
  }

  /** The centre's answer to the waiting change request: agreeing moves the dates, venue and head count. */
  async decideChange(app: Application, agree: boolean, actorOpenId: string, reason: string | null): Promise<ChangeResult> {
    const action: ApplicationAction = agree ? 'approve_change' : 'refuse_change';
    const request = changeRequestOf(app);
    if (!canTransition(app.status, action) || request?.state !== '待审核') return { ok: false, current: app };
    const now = this.now();
    const decided: ChangeRequest = { ...request, state: agree ? '已同意' : '不同意', decidedBy: actorOpenId, decidedAt: now, reason };
    const values: Record<string, unknown> = { changeRequest: JSON.stringify(decided), updatedAt: now };
    if (agree) {
      Object.assign(values, { startDate: request.new.startDate, endDate: request.new.endDate, venue: request.new.venue, headcount: request.new.headcount });
      if (request.new.startDate !== request.old.startDate || request.new.endDate !== request.old.endDate) values.dateChanges = app.dateChanges + 1;
    }
    return this.update(app, values, { action, actorOpenId, reason: agree ? describeChange(request) : reason });
  }

  /** 取消活动: ends it (a change request still waiting is withdrawn with it). */
  async cancel(app: Application, actorOpenId: string, reason: string): Promise<ChangeResult> {
    if (!canTransition(app.status, 'cancel')) return { ok: false, current: app };
    const now = this.now();
    const request = changeRequestOf(app);
    const values: Record<string, unknown> = { cancelReason: reason, cancelledBy: actorOpenId, cancelledAt: now, updatedAt: now };
    if (request?.state === '待审核') values.changeRequest = JSON.stringify({ ...request, state: '已撤销' });
    return this.update(app, values, { action: 'cancel', actorOpenId, reason });
  }

  /**
   * Sets the expert team of an approved activity (none: the team is cleared). Like every change
   * it is conditional on the version the admin saw, and it is audited with the team in words.
   */
  async assignTeam(app: Application, team: { experts: TeamMember[]; note: string | null } | null, actorOpenId: string, audit: string): Promise<ChangeResult> {
    if (app.status !== '已通过') return { ok: false, current: app };
    const now = this.now();
    const values: Record<string, unknown> = team?.experts.length
      ? { teamExperts: JSON.stringify(team.experts), teamNote: team.note, teamBy: actorOpenId, teamAt: now, updatedAt: now }
      : { teamExperts: null, teamNote: null, teamBy: actorOpenId, teamAt: now, updatedAt: now };
    return this.update(app, values, { action: 'team', actorOpenId, reason: audit });
  }

  async attach(app: Application, attachment: Attachment, actorOpenId: string): Promise<ChangeResult> {
    const now = this.now();
    return this.update(
      app,
      {
        attachmentKind: attachment.kind,
        attachmentKey: attachment.key,
        attachmentName: attachment.name,
        attachmentMessageId: attachment.messageId,
        attachedAt: now,
        updatedAt: now,
      },
      { action: 'attach', actorOpenId, reason: attachment.name },
    );
  }

  /**
   * Keeps a failed 修改 of a submitted application as typed, so it can be resumed. It changes
   * neither the status nor the version: the submitted application stands as it is, and review
   * cards stay valid. A successful resubmission clears it.
   */
  async keepEdit(app: Application, form: FormValue): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ draftForm: JSON.stringify(pickFormValues(form)) })
      .where('id = :id AND status IN (:...statuses)', { id: app.id, statuses: ['待审核', '已退回'] })
      .execute();
  }

  /** Remembers where review cards went, so a decision can update every copy. */
  async addReviewKeys(app: Application, keys: string[]): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.repo.findOneBy({ id: app.id });
      if (!current) return;
      const merged = [...new Set([...reviewKeysOf(current), ...keys])];
      const res = await this.repo
        .createQueryBuilder()
        .update()
        .set({ reviewKeys: JSON.stringify(merged) })
        .where(current.reviewKeys === null ? 'id = :id AND review_keys IS NULL' : 'id = :id AND review_keys = :old', { id: app.id, old: current.reviewKeys })
        .execute();
      if (res.affected === 1) return;
    }
    throw new Error(`addReviewKeys: application ${app.id} kept changing`);
  }

}

/** The change in one line, for the audit trail. */
export function describeChange(request: Pick<ChangeRequest, 'old' | 'new'>): string {
  const parts: string[] = [];
  const { old: a, new: b } = request;
  if (a.startDate !== b.startDate || a.endDate !== b.endDate) parts.push(`日期 ${a.startDate}~${a.endDate} → ${b.startDate}~${b.endDate}`);
  if (a.venue !== b.venue) parts.push(`地点 ${a.venue} → ${b.venue}`);
  if (a.headcount !== b.headcount) parts.push(`人数 ${a.headcount} → ${b.headcount}`);
  return parts.join('；') || '内容不变';
}

function text(v: string | string[] | undefined, max: number): string | null {
  return typeof v === 'string' && v.trim() !== '' ? [...v.trim()].slice(0, max).join('') : null;
}

