import { atMentions, isMentionableOpenId } from '../../cards/mentions';

/** Issue 13 item 6: only open_ids the bot holds become @-mentions; nothing else passes. */
describe('atMentions', () => {
  it('mentions each open_id once, in card 2.0 markdown', () => {
    expect(atMentions(['ou_abc123', 'ou_def_456', 'ou_abc123'])).toBe('<at id=ou_abc123></at> <at id=ou_def_456></at>');
  });

  it('never mentions everyone, and lets no markup or stranger ids through', () => {
    for (const hostile of ['all', 'ou_x></at><at id=all', 'ou_x y', '<at id=all></at>', 'on_union_id', 'staff123', '', null, undefined]) {
      expect(isMentionableOpenId(hostile)).toBe(false);
      expect(atMentions([hostile])).toBe('');
    }
    expect(atMentions(['all', 'ou_ok1'])).toBe('<at id=ou_ok1></at>');
  });
});
