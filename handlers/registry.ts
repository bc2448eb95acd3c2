/**
 * Every chat command, event handler and card action, in one place. Adding a command means a
 * handler file and one line here; the help card lists commands from this registry.
 */
import { APPLICATION_ACTIONS } from './application-actions';
import { CHANGE_ACTIONS } from './application-change';
import { cancelCommand, changeCommand } from './change-commands';
import { applyCommand } from './apply-command';
import { bindCommand, unbindCommand } from './bind-command';
import { onBotAdded } from './bot-added';
import { helpCommand } from './help-command';
import { messageHandler } from './message-received';
import { pendingCommand } from './pending-command';
import { queryCommand } from './query-command';
import { upcomingCommand } from './upcoming-command';
import { SUMMARY_ACTIONS } from './summary-actions';
import { summaryCommand } from './summary-command';
import { NEED_ACTIONS } from './need-actions';
import { needCommand, needListCommand } from './need-command';
import { EXPERT_ACTIONS, expertCommand } from './expert-command';
import { linkCommand } from './link-command';
import { progressCommand, publishCommand, REPORT_ACTIONS } from './report-actions';
import { reportCommand } from './report-command';
import { exportCommand } from './export-command';
import { circularCommand } from './circular-command';
import { yearEndCommand } from './year-end-command';
import { approveCommand, confirmApproveCommand, editCommand, matchCommand, rejectCommand, returnCommand, withdrawCommand } from './decision-commands';
import { agreeChangeCommand, refuseChangeCommand } from './change-decision-commands';
import { TEAM_ACTIONS } from './team-actions';
import { ledgerCommand } from './ledger-command';
import type { CardActionHandler, Command, EventHandler } from './types';

/** In the order the help card lists them: everyone's first, then the centre's. */
export const COMMANDS: readonly Command[] = [
  helpCommand,
  applyCommand,
  needCommand,
  queryCommand,
  changeCommand,
  cancelCommand,
  editCommand,
  withdrawCommand,
  upcomingCommand,
  summaryCommand,
  reportCommand,
  needListCommand,
  pendingCommand,
  approveCommand,
  confirmApproveCommand,
  returnCommand,
  rejectCommand,
  agreeChangeCommand,
  refuseChangeCommand,
  matchCommand,
  expertCommand,
  linkCommand,
  publishCommand,
  progressCommand,
  exportCommand,
  circularCommand,
  yearEndCommand,
  ledgerCommand,
  bindCommand,
  unbindCommand,
];

export const EVENT_HANDLERS: Readonly<Record<string, EventHandler>> = {
  'im.message.receive_v1': messageHandler(COMMANDS),
  'im.chat.member.bot.added_v1': onBotAdded,
};

/** Keyed by the `action` field of a button's callback value, named `noun.verb`. */
export const CARD_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  ...APPLICATION_ACTIONS,
  ...CHANGE_ACTIONS,
  ...SUMMARY_ACTIONS,
  ...NEED_ACTIONS,
  ...EXPERT_ACTIONS,
  ...REPORT_ACTIONS,
  ...TEAM_ACTIONS,
};
