import type { FeishuEnvelope } from '../../src/platform/feishu/inbound';
import { dedupKeyOf } from '../../src/services/inbox-service';
import { payloadFixture } from '../helpers/feishu-signer';

/** An envelope as verifyInbound produces it from a v2 fixture. */
function envelopeFrom(fixture: string, eventId?: string): FeishuEnvelope {
  const p = payloadFixture(fixture);
  return {
    schema: '2.0',
    eventId: eventId ?? p.header.event_id,
    eventType: p.header.event_type,
    tenantKey: p.header.tenant_key,
    event: p.event,
  };
}

describe('dedupKeyOf', () => {
  it('keys a message event by its message_id', () => {
    const envelope = envelopeFrom('im.message.receive_v1.group_at_bot.captured.json');
    expect(dedupKeyOf(envelope)).toBe('msg:om_7d2a30e34eddaee786167d98f499f7f0');
  });

  it('gives the same key to one message delivered under two event ids', () => {
    const first = envelopeFrom('im.message.receive_v1.group_mention.doc.json', 'event-id-first');
    const again = envelopeFrom('im.message.receive_v1.group_mention.doc.json', 'event-id-second');
    expect(dedupKeyOf(first)).toBe(dedupKeyOf(again));
    expect(dedupKeyOf(first)).toBe('msg:om_5ce6d572455d361153b7cb51da133945');
  });

  it('gives different messages different keys', () => {
    const a = envelopeFrom('im.message.receive_v1.group_at_bot.captured.json');
    const b = envelopeFrom('im.message.receive_v1.p2p_text.captured_ws.json');
    expect(dedupKeyOf(a)).not.toBe(dedupKeyOf(b));
  });

  it('keys other events by their event id', () => {
    const added = envelopeFrom('im.chat.member.bot.added_v1.doc.json');
    expect(dedupKeyOf(added)).toBe('evt:5e3702a84e847582be8db7fb73283c02');
    expect(dedupKeyOf({ ...added, eventId: 'another' })).toBe('evt:another');
  });

  it('keys a card action by its event id', () => {
    const action = envelopeFrom('card.action.trigger.form_submit.doc.json');
    expect(dedupKeyOf(action)).toBe(`evt:${action.eventId}`);
  });

  it('keys a v1 envelope by its uuid (the eventId)', () => {
    const p = payloadFixture('p2p_chat_create.v1.doc.json');
    const v1: FeishuEnvelope = { schema: '1.0', eventId: p.uuid, eventType: p.event.type, tenantKey: p.event.tenant_key, event: p.event };
    expect(dedupKeyOf(v1)).toBe('evt:bc447199585340d1f3728d26b1c0297a');
  });

  it('falls back to the event id for a message event without a message_id', () => {
    const envelope = envelopeFrom('im.message.receive_v1.group_at_bot.captured.json', 'evt-no-message');
    const { message_id: _dropped, ...message } = envelope.event.message;
    expect(dedupKeyOf({ ...envelope, event: { ...envelope.event, message } })).toBe('evt:evt-no-message');
    expect(dedupKeyOf({ ...envelope, event: { ...envelope.event, message: { ...message, message_id: '' } } })).toBe('evt:evt-no-message');
    expect(dedupKeyOf({ ...envelope, event: {} })).toBe('evt:evt-no-message');
  });

  it('keys an event without a body, or with a message_id that is not a string, by its event id', () => {
    expect(dedupKeyOf({ schema: '2.0', eventId: 'evt-bare', eventType: 'im.message.receive_v1', tenantKey: 't' } as FeishuEnvelope)).toBe('evt:evt-bare');
    const numbered = { schema: '2.0', eventId: 'evt-number', eventType: 'im.message.receive_v1', tenantKey: 't', event: { message: { message_id: 42 } } };
    expect(dedupKeyOf(numbered as unknown as FeishuEnvelope)).toBe('evt:evt-number');
  });

  it('does not key a non-message event by a message_id it happens to carry', () => {
    const envelope = envelopeFrom('im.chat.member.bot.added_v1.doc.json');
    const withMessage = { ...envelope, event: { ...envelope.event, message: { message_id: 'om_x' } } };
    expect(dedupKeyOf(withMessage)).toBe(`evt:${envelope.eventId}`);
  });

  it('fits the 160-character dedup_key column for realistic ids', () => {
    const envelope = envelopeFrom('im.message.receive_v1.p2p_text.captured_ws.json');
    expect(dedupKeyOf(envelope).length).toBeLessThanOrEqual(160);
  });
});
