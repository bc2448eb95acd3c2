import { LessThan, Repository } from 'typeorm';
import type { LeasedWork } from '../db/entities/leased-work';

/**
 * Claims one row for this worker: moves it from `from` to `to` and counts an attempt, if no
 * other worker (in this process or another) got there first. `dueBy`: only if its retry is due.
 */
export async function claim<T extends LeasedWork & { status: string }>(
  repo: Repository<T>,
  id: number,
  transition: { from: T['status']; to: T['status'] },
  leaseUntil: number,
  dueBy?: number,
): Promise<boolean> {
  const query = repo
    .createQueryBuilder()
    .update()
    .set({ status: transition.to, leaseUntil, attempts: () => 'attempts + 1' } as any)
    .where('id = :id AND status = :from', { id, from: transition.from });
  if (dueBy !== undefined) query.andWhere('next_attempt_at <= :dueBy', { dueBy });
  return (await query.execute()).affected === 1;
}

/** Gives rows whose claim has run out (their worker died) back to the queue. Returns how many. */
export async function releaseExpired<T extends LeasedWork & { status: string }>(
  repo: Repository<T>,
  transition: { from: T['status']; to: T['status'] },
  now: number,
): Promise<number> {
  const result = await repo.update({ status: transition.from, leaseUntil: LessThan(now) } as any, {
    status: transition.to,
    leaseUntil: null,
  } as any);
  return result.affected ?? 0;
}
