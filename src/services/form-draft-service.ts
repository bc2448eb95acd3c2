import type { Repository } from 'typeorm';
import { isUniqueViolation } from '../db/data-source';
import { FormDraft } from '../db/entities/form-draft.entity';
import type { Db } from '../db/unit-of-work';
import type { FormValue } from '../domain/application-fields';

/** Forms being filled in as a conversation: one draft per person and platform (see FormDraft). */
export class FormDraftService {
  private readonly repo: Repository<FormDraft>;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = db.getRepository(FormDraft);
  }

  find(platform: string, tenantKey: string, userId: string): Promise<FormDraft | null> {
    return this.repo.findOneBy({ platform, tenantKey, userId });
  }

  /** A new draft (none may exist for this person: the caller checked, a race loses here). */
  async create(input: { platform: string; tenantKey: string; userId: string; form: string; subject: unknown; messageId: string }): Promise<FormDraft | undefined> {
    const now = this.now();
    try {
      await this.repo.insert({
        platform: input.platform,
        tenantKey: input.tenantKey,
        userId: input.userId,
        form: input.form,
        subject: JSON.stringify(input.subject),
        answers: '{}',
        step: 0,
        lastMessageId: input.messageId,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (isUniqueViolation(err)) return undefined;
      throw err;
    }
    return (await this.find(input.platform, input.tenantKey, input.userId)) ?? undefined;
  }

  /** A move of the wizard: the draft is in use again (not dormant) and no question is pending. */
  async save(draft: FormDraft, state: { step: number; answers: FormValue }, messageId: string): Promise<void> {
    await this.repo.update({ id: draft.id }, { step: state.step, answers: JSON.stringify(state.answers), lastMessageId: messageId, updatedAt: this.now(), dormantAt: null, pendingText: null });
  }

  /** Puts an idle draft aside (its last touch stays what retention goes by). */
  async setDormant(draft: FormDraft): Promise<void> {
    await this.repo.update({ id: draft.id }, { dormantAt: this.now() });
  }

  /** Keeps a command-like answer while the person is asked what it is (null: the question is settled). */
  async setPending(draft: FormDraft, text: string | null, messageId: string): Promise<void> {
    await this.repo.update({ id: draft.id }, { pendingText: text, lastMessageId: messageId, updatedAt: this.now() });
  }

  /** Whether the draft was last touched more than `idleMs` ago (by the service's clock). */
  isIdle(draft: FormDraft, idleMs: number): boolean {
    return this.now() - draft.updatedAt > idleMs;
  }

  async remove(draft: FormDraft): Promise<void> {
    await this.repo.delete({ id: draft.id });
  }
}

export function answersOf(draft: FormDraft): FormValue {
  try {
    const parsed = JSON.parse(draft.answers);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as FormValue) : {};
  } catch {
    return {};
  }
}

export function subjectOf<T>(draft: FormDraft): T | undefined {
  try {
    return JSON.parse(draft.subject) as T;
  } catch {
    // Not JSON: no subject.
  }
  return undefined;
}
