import { Repository } from 'typeorm';
import { withSavepoint, type Db } from '../db/unit-of-work';
import { isUniqueViolation } from '../db/data-source';
import { ActivityFile } from '../db/entities/activity-file.entity';
import { ActivitySummary } from '../db/entities/activity-summary.entity';
import type { Application } from '../db/entities/application.entity';
import type { ApplicationRulesOverride } from '../domain/application-rule-config';
import { checkSummaryForm, type CheckedSummary } from '../domain/summary-rules';
import { markLedger } from './ledger/ledger-marks';
import type { ApplicationService, Attachment, ChangeResult } from './application-service';

/**
 * After the activity: the evaluation summary (filing one moves the application 已举办 → 已总结)
 * and the photos or sign-in sheets sent with it.
 */
export class SummaryService {
  private readonly repo: Repository<ActivitySummary>;
  private readonly files: Repository<ActivityFile>;

  constructor(db: Db, private readonly applications: ApplicationService, private readonly now: () => number = Date.now) {
    this.repo = db.getRepository(ActivitySummary);
    this.files = db.getRepository(ActivityFile);
  }

  /** Keeps a photo or sign-in sheet; the same message twice is kept once. Returns how many the activity has. */
  async addFile(applicationId: number, file: Attachment, sentBy: string): Promise<number> {
    try {
      await withSavepoint(this.files.manager, () => this.files.insert({ applicationId, kind: file.kind, fileKey: file.key, name: file.name, messageId: file.messageId, sentBy, at: this.now() }));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    return this.files.countBy({ applicationId });
  }

  fileCount(applicationId: number): Promise<number> {
    return this.files.countBy({ applicationId });
  }

  get(applicationId: number): Promise<ActivitySummary | null> {
    return this.repo.findOneBy({ applicationId });
  }

  /** The stored summary with its ratios measured again (for cards). */
  checked(summary: ActivitySummary, rules?: ApplicationRulesOverride): CheckedSummary | undefined {
    const result = checkSummaryForm(
      {
        actual_headcount: String(summary.headcount),
        actual_core_count: String(summary.coreCount),
        actual_enterprise_count: String(summary.enterpriseCount),
        actual_key_industry_count: String(summary.keyIndustryCount),
        satisfaction: String(summary.satisfaction),
        outcomes: summary.outcomes,
        followup_needs: summary.followupNeeds,
      },
      rules,
    );
    return result.ok ? result.summary : undefined;
  }

  /**
   * Moves the application to 已总结 first (one conditional update: of two submissions one wins),
   * then stores the summary; a crash between the two leaves 已总结 without text, which the next
   * submission of the same card fills in.
   */
  async file(app: Application, summary: CheckedSummary, actorOpenId: string): Promise<ChangeResult> {
    let result: ChangeResult = { ok: true, app, from: app.status };
    if (app.status !== '已总结') {
      result = await this.applications.transition(app, 'summarise', actorOpenId);
      if (!result.ok) return result;
    }
    // Already 已总结 with its summary stored: the insert meets the unique index on application_id and answers
    // { ok: false, current: app } below, marking nothing.
    try {
      await withSavepoint(this.repo.manager, () => this.repo.insert({
        applicationId: app.id,
        headcount: summary.actualHeadcount,
        coreCount: summary.actualCoreCount,
        enterpriseCount: summary.actualEnterpriseCount,
        keyIndustryCount: summary.actualKeyIndustryCount,
        satisfaction: summary.satisfaction,
        outcomes: summary.outcomes,
        followupNeeds: summary.followupNeeds,
        filedBy: actorOpenId,
        filedAt: this.now(),
      }));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return { ok: false, current: result.ok ? result.app : app };
    }
    // The 台账 shows the summary's actual figures.
    await markLedger(this.repo.manager, app.tenantKey, 'application', app.id, this.now());
    return result;
  }
}
