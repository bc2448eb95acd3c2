import type { DataSource } from 'typeorm';
import type { LedgerView } from '../../handlers/types';
import type { Config } from '../config';
import { UnitOfWork, type Db } from '../db/unit-of-work';
import type { JobDeps } from '../jobs/job-runner';
import { DEFAULT_REMINDER_SCHEDULE } from '../jobs/schedule-config';
import { adminsOf } from '../platform/admins';
import type { ChatPlatform } from '../platform/port';
import { routeByTarget } from '../platform/router';
import { ApplicationService } from '../services/application-service';
import { BindingService } from '../services/binding-service';
import { ExpertService } from '../services/expert-service';
import { FormDraftService } from '../services/form-draft-service';
import { NeedService } from '../services/need-service';
import type { Messenger, OutboxService } from '../services/outbox-service';
import { ReportService } from '../services/report-service';
import { SummaryService } from '../services/summary-service';

/**
 * The services handlers and jobs use, over one database and one outbox. `now` is the services'
 * clock (audit trail, "today"); `npm run job --now` passes its own, while the outbox keeps the
 * real one so that what a job queues is sent right away.
 */
export function createJobDeps(config: Config, ds: DataSource, platform: ChatPlatform, outbox: OutboxService, now: () => number, ledger?: LedgerView): JobDeps {
  const uow = new UnitOfWork(ds);
  // With DingTalk on, each message goes out on the platform of its target (issue 12, item 7).
  const routed = (m: Messenger) => (config.dingtalk ? routeByTarget(m) : m);
  const services = (db: Db, messenger: Messenger) => {
    const applications = new ApplicationService(db, now);
    return {
      messenger,
      bindings: new BindingService(db, now),
      applications,
      summaries: new SummaryService(db, applications, now),
      needs: new NeedService(db, now),
      experts: new ExpertService(db, now),
      reports: new ReportService(db, now),
      drafts: new FormDraftService(db, now),
    };
  };
  const deps: JobDeps = {
    ...services(ds, routed(outbox)),
    atomically: (fn) =>
      uow.run((tx) => {
        const txDeps: JobDeps = { ...deps, ...services(tx.manager, routed(outbox.within(tx))) };
        txDeps.atomically = (inner) => inner(txDeps);
        return fn(txDeps);
      }),
    settings: { ...(config.campaignYear ? { campaignYear: config.campaignYear } : {}), timezone: config.timezone, contact: config.centreContact, scanRequired: config.scanRequired, figures: { circularToRegions: config.circularToRegions, yearEndDate: config.yearEndFiguresDate }, urgentEscalation: config.urgentEscalation },
    schedule: { ...DEFAULT_REMINDER_SCHEDULE, hour: config.reminderHour, weeklyHour: config.reminderHour },
    platform,
    admins: adminsOf(config),
    now,
    ...(ledger ? { ledger } : {}),
    ops: { ds, databaseUrl: config.databaseUrl, backupDir: config.backupDir, backupKeep: config.backupKeep, dataRetentionYears: config.dataRetentionYears },
  };
  return deps;
}
