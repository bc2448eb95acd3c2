import type { Config } from '../config';

/**
 * The centre's administrators on every platform the deployment runs: Feishu's ADMIN_OPEN_IDS
 * (open ids, `ou_…`) and DingTalk's DINGTALK_ADMIN_STAFF_IDS (staff ids). The centre is one:
 * with no centre group bound, what the centre is told privately (review cards, reminders,
 * overdue lists, backup failures) goes to each admin on their own platform (the outbox routes
 * by the id, see routeByTarget). Whether somebody IS an admin is still decided per platform:
 * a Feishu sender by open id, a DingTalk sender by staff id (handleRobotMessage), and the two
 * kinds of id cannot be confused (staff ids never carry Feishu's `ou_` prefix: see
 * DINGTALK_ADMIN_STAFF_IDS's check in config/dingtalk.ts).
 */
export function adminsOf(config: Pick<Config, 'adminOpenIds' | 'dingtalk'>): ReadonlySet<string> {
  if (!config.dingtalk) return config.adminOpenIds;
  return new Set([...config.adminOpenIds, ...config.dingtalk.adminStaffIds]);
}
