import type { DataSource, Repository } from 'typeorm';
import { DingTalkFormCard } from '../../db/entities/dingtalk-form-card.entity';
import type { FormValue } from '../../domain/application-fields';

/** DingTalk form cards sent (see DingTalkFormCard): created before the card is queued, found by outTrackId. */
export class FormCardStore {
  private readonly repo: Repository<DingTalkFormCard>;

  constructor(
    ds: DataSource,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = ds.getRepository(DingTalkFormCard);
  }

  /** Records a card about to be queued; the same outTrackId again (a redelivered message) changes nothing. */
  async create(input: { outTrackId: string; tenantKey: string; staffId: string; form: string; subject: unknown; preset: FormValue }): Promise<void> {
    const now = this.now();
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        outTrackId: input.outTrackId,
        tenantKey: input.tenantKey,
        staffId: input.staffId,
        form: input.form,
        subject: JSON.stringify(input.subject),
        preset: JSON.stringify(input.preset),
        status: 'sent',
        lastMessageId: null,
        lastResponse: null,
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .execute();
  }

  find(outTrackId: string): Promise<DingTalkFormCard | null> {
    return this.repo.findOneBy({ outTrackId });
  }

  /** Keeps the answer given to callback `messageId`; `submitted` locks the card for good. */
  async answered(card: DingTalkFormCard, messageId: string, response: unknown, status: 'sent' | 'submitted'): Promise<void> {
    await this.repo.update({ id: card.id }, { status, lastMessageId: messageId.slice(0, 256), lastResponse: JSON.stringify(response), updatedAt: this.now() });
  }

  /** The card could not be sent: the wizard took over. False when it was already answered or handed over. */
  async handOver(card: DingTalkFormCard): Promise<boolean> {
    const result = await this.repo.update({ id: card.id, status: 'sent' }, { status: 'fallback', updatedAt: this.now() });
    return (result.affected ?? 0) > 0;
  }
}

export function parsedOr<T>(json: string | null, fallback: T): T {
  if (!json) return fallback;
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}
