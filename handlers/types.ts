import type { Logger } from '../src/logger';
import type { ChatPlatform, OutboundMessage } from '../src/platform/port';
import type { ApplicationRulesOverride } from '../src/domain/application-rule-config';
import type { CentreContact, ScanRequired } from '../src/config/centre';
import type { ApplicationService } from '../src/services/application-service';
import type { BindingService } from '../src/services/binding-service';
import type { SummaryService } from '../src/services/summary-service';
import type { NeedService } from '../src/services/need-service';
import type { ExpertService } from '../src/services/expert-service';
import type { ReportService } from '../src/services/report-service';
import type { Messenger } from '../src/services/outbox-service';
import type { FormDraftService } from '../src/services/form-draft-service';
import type { CardJson } from '../cards/card-kit';
import type { LedgerState } from '../src/services/ledger/ledger-worker';

/** What every handler may use. Handlers stay thin: parse, call a service, build a card, reply. */
export interface HandlerDeps {
  messenger: Messenger;
  bindings: BindingService;
  applications: ApplicationService;
  summaries: SummaryService;
  needs: NeedService;
  experts: ExpertService;
  reports: ReportService;
  /** Forms being filled in as a conversation (the DingTalk wizard). */
  drafts: FormDraftService;
  settings: Settings;
  platform: Pick<ChatPlatform, 'botIdentity' | 'downloadResource' | 'uploadFile'>;
  admins: ReadonlySet<string>;
  now: () => number;
  /**
   * Runs `fn` in one database transaction, with deps whose services and messenger write through
   * it: a change, its audit row and the messages it owes commit together or not at all
   * (src/db/unit-of-work.ts). Inside, it joins the open transaction.
   */
  atomically<T>(fn: (tx: HandlerDeps) => Promise<T>): Promise<T>;
  /** The 台账 in the centre's 多维表格, when FEISHU_BITABLE_APP_TOKEN is set (issue 13 item 1). */
  ledger?: LedgerView;
}

/** What `台账` shows: the Base's link and how its queue stands. */
export interface LedgerView {
  url: string;
  state(): Promise<LedgerState>;
}

/** The deployment's settings that handlers need (from the configuration). */
export interface Settings {
  /** CAMPAIGN_YEAR when set; else it follows the clock (see campaignYearOf in application-flow.ts). */
  campaignYear?: number;
  /** SCHEDULE_TIMEZONE: which calendar day "today" is, and how instants are shown. */
  timezone: string;
  rules?: ApplicationRulesOverride;
  /** CIRCULAR_TO_REGIONS and YEAR_END_FIGURES_DATE (issue 13); absent: off and '12-01'. */
  figures?: { circularToRegions: boolean; yearEndDate: string };
  /** CENTRE_CONTACT_*: shown on the help card and on returned or rejected applications. */
  contact?: CentreContact;
  /** SCAN_REQUIRED (issue 11); absent: 'confirm'. */
  scanRequired?: ScanRequired;
  /** URGENT_ESCALATION (issue 13 item 6); absent: off. */
  urgentEscalation?: boolean;
}

/** A verified, recorded event, as the inbox hands it to its handler. */
export interface StoredEvent {
  tenantKey: string;
  eventId: string;
  eventType: string;
  /** Stable across redeliveries: the root of every idempotency key the handler derives. */
  dedupKey: string;
  event: Record<string, any>;
}

export type EventHandler = (evt: StoredEvent, deps: HandlerDeps, log: Logger) => Promise<void>;

/** A text message addressed to the bot. */
export interface ChatMessage {
  tenantKey: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string;
  /** The text with @-mentions removed and spaces normalised. */
  text: string;
}

export interface CommandContext {
  message: ChatMessage;
  /** What follows the command word, trimmed. */
  args: string;
  isAdmin: boolean;
  deps: HandlerDeps;
  commands: readonly Command[];
  log: Logger;
  /** Replies to the message; several replies from one handler each get their own key. */
  reply(message: OutboundMessage): Promise<void>;
}

export interface Command {
  /** The command word users type, e.g. 帮助. */
  word: string;
  aliases?: string[];
  /** How it is typed, for the help card, e.g. "绑定 <盟市名>". */
  usage: string;
  description: string;
  /** Shown as admin-only on the help card; the handler itself enforces it. */
  adminOnly?: boolean;
  run(ctx: CommandContext): Promise<void>;
}

export interface CardActionContext {
  tenantKey: string;
  /** The callback's id: the same for a replay, new for each click (keys what a click sends anew). */
  eventId?: string;
  operatorOpenId: string;
  chatId: string | undefined;
  messageId: string | undefined;
  value: Record<string, unknown>;
  formValue: Record<string, string | string[]> | undefined;
  isAdmin: boolean;
  deps: HandlerDeps;
  log: Logger;
}

export interface CardActionResult {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: CardJson;
}

export type CardActionHandler = (ctx: CardActionContext) => Promise<CardActionResult>;
