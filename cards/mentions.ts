/**
 * @-mentions of the responsible person in group reminders (issue 13 item 6). Card JSON 2.0
 * markdown names a person with `<at id=open_id></at>` (FEISHU.md §4 and §9, the rich-text
 * component's doc); Feishu shows the name and notifies them. Only an open_id the bot holds
 * passes (`ou_` and word characters): never `all` (which needs the group owner's permission and
 * would buzz everyone), and never user text, which stays escaped wherever it is shown.
 */

const OPEN_ID = /^ou_[A-Za-z0-9_]{1,100}$/;

export function isMentionableOpenId(id: string | null | undefined): id is string {
  return typeof id === 'string' && OPEN_ID.test(id);
}

/** `<at id=…></at>` for each mentionable open_id (once each), joined by a space; '' when none. */
export function atMentions(openIds: ReadonlyArray<string | null | undefined>): string {
  return [...new Set(openIds.filter(isMentionableOpenId))].map((id) => `<at id=${id}></at>`).join(' ');
}
