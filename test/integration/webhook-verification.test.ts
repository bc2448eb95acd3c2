import { InboundEvent } from '../../src/db/entities/inbound-event.entity';
import { Harness, startHarness, TEST_ENCRYPT_KEY, TEST_TOKEN } from '../helpers/bot-harness';
import { messageEvent } from '../helpers/events';
import { buildFeishuRequest, loadFixture, payloadFixture, sign } from '../helpers/feishu-signer';

/** Forged, unsigned, stale and malformed requests: rejected, nothing stored, server healthy. */

let h: Harness;
afterEach(async () => {
  await h.close();
});

const storedEvents = () => h.bot.ds.getRepository(InboundEvent).count();

async function expectNothingHappened(): Promise<void> {
  // A genuine event sent afterwards is the marker: its reply is the only message there may be,
  // and its row the only stored event (a wrongly accepted event would have come before it).
  const marker = messageEvent({ text: '帮助', chatType: 'p2p' });
  expect((await h.post('/feishu/events', marker)).status).toBe(200);
  await h.fake.waitFor(() => h.fake.delivered.some((m) => m.parentId === marker.event.message.message_id), 'the marker’s reply');
  expect(await storedEvents()).toBe(1);
  expect(h.fake.messageCalls()).toHaveLength(1);
  const health = await fetch(`${h.url}/healthz`);
  expect(health.status).toBe(200);
}

describe('with an Encrypt Key (the recommended set-up)', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it('answers the card callback URL verification too', async () => {
    const req = buildFeishuRequest({ ...payloadFixture('url_verification.card_legacy.json'), token: TEST_TOKEN }, { encryptKey: TEST_ENCRYPT_KEY, unsigned: true });
    const res = await h.postRaw('/feishu/cards', req.body, req.headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: '1b6aef1a-401f-406a-be41-f48911e00be7' });
  });

  it('rejects a url_verification carrying the wrong token', async () => {
    const res = await h.post('/feishu/events', payloadFixture('url_verification.plain.json'), { unsigned: true });
    expect(res.status).toBe(401);
  });

  it('accepts a signed, encrypted event and records it once', async () => {
    const res = await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(await storedEvents()).toBe(1);
  });

  it('rejects a forged signature with 401 and stores nothing', async () => {
    const req = buildFeishuRequest(messageEvent({ text: '帮助', chatType: 'p2p' }), { encryptKey: TEST_ENCRYPT_KEY });
    req.headers['x-lark-signature'] = 'f'.repeat(64);
    const res = await h.postRaw('/feishu/events', req.body, req.headers);
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects a payload signed with another key', async () => {
    const req = buildFeishuRequest(messageEvent({ text: '帮助', chatType: 'p2p' }), { encryptKey: 'another key' });
    const res = await h.postRaw('/feishu/events', req.body, req.headers);
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects a body altered after signing (the signature covers the exact bytes)', async () => {
    const req = buildFeishuRequest(messageEvent({ text: '帮助', chatType: 'p2p' }), { encryptKey: TEST_ENCRYPT_KEY });
    const reformatted = JSON.stringify(JSON.parse(req.body), null, 2);
    const res = await h.postRaw('/feishu/events', reformatted, req.headers);
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects an unsigned event with 401', async () => {
    const res = await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }), { unsigned: true });
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects a stale timestamp (replay) with 401', async () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const res = await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }), { timestamp: tenMinutesAgo });
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects the recorded fixture of 2023 as stale: a captured request cannot be replayed', async () => {
    const fixture = loadFixture('im.message.receive_v1.encrypted_signed.http.json');
    const res = await h.postRaw('/feishu/events', fixture._raw_body, fixture._headers);
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects a signed event whose token is wrong', async () => {
    const evt = messageEvent({ text: '帮助', chatType: 'p2p' });
    evt.header.token = 'not-the-token';
    const res = await h.post('/feishu/events', evt);
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('answers malformed JSON with 400', async () => {
    const body = '{"encrypt": ';
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await h.postRaw('/feishu/events', body, {
      'x-lark-request-timestamp': ts,
      'x-lark-request-nonce': 'n1',
      'x-lark-signature': sign(ts, 'n1', TEST_ENCRYPT_KEY, body),
    });
    expect(res.status).toBe(400);
    await expectNothingHappened();
  });

  it('answers an oversized body with 413', async () => {
    const res = await h.postRaw('/feishu/events', JSON.stringify({ encrypt: 'A'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    await expectNothingHappened();
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await fetch(`${h.url}/nope`)).status).toBe(404);
    expect((await fetch(`${h.url}/feishu/events`)).status).toBe(405);
  });
});

describe('url_verification fixtures, with their own keys and tokens', () => {
  it.each([
    ['url_verification.encrypted.json'],
    ['url_verification.encrypted.sdk_test.json'],
  ])('answers %s with its challenge, unsigned as Feishu sends it', async (name) => {
    const fixture = loadFixture(name);
    h = await startHarness({
      env: { FEISHU_ENCRYPT_KEY: fixture._encrypt_key, FEISHU_VERIFICATION_TOKEN: fixture._decrypted.token },
    });
    const res = await h.postRaw('/feishu/events', JSON.stringify({ encrypt: fixture.encrypt }));
    expect(res).toEqual({ status: 200, body: { challenge: fixture._decrypted.challenge } });
  });
});

describe('the recorded fixture at the time it was made', () => {
  it('accepts the encrypted, signed fixture when the clock says 2023-11-14', async () => {
    const fixture = loadFixture('im.message.receive_v1.encrypted_signed.http.json');
    const offset = 1700000000 * 1000 - Date.now();
    // The app the recorded event was sent to (events for other apps are ignored).
    h = await startHarness({ bot: { now: () => Date.now() + offset }, env: { FEISHU_APP_ID: 'cli_9f5343c580712544' } });
    const res = await h.postRaw('/feishu/events', fixture._raw_body, fixture._headers);
    expect(res.status).toBe(200);
    expect(await storedEvents()).toBe(1);
  });
});

describe('with only a Verification Token (no Encrypt Key)', () => {
  beforeEach(async () => {
    h = await startHarness({ env: { FEISHU_ENCRYPT_KEY: '' } });
  });

  it('answers the plain url_verification when the token matches', async () => {
    const res = await h.post('/feishu/events', { ...payloadFixture('url_verification.plain.json'), token: TEST_TOKEN });
    expect(res).toEqual({ status: 200, body: { challenge: 'ajls384kdjxxxx' } });
  });

  it('accepts a plain event with the right token', async () => {
    const res = await h.post('/feishu/events', messageEvent({ text: '帮助', chatType: 'p2p' }));
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.fake.delivered.length === 1, 'the reply');
  });

  it('rejects a plain event with a wrong or missing token', async () => {
    const wrong = messageEvent({ text: '帮助', chatType: 'p2p' });
    wrong.header.token = 'guess';
    expect((await h.post('/feishu/events', wrong)).status).toBe(401);
    const missing = messageEvent({ text: '帮助', chatType: 'p2p' });
    delete missing.header.token;
    expect((await h.post('/feishu/events', missing)).status).toBe(401);
    await expectNothingHappened();
  });

  it('rejects an encrypted body it cannot decrypt with 400', async () => {
    const res = await h.postRaw('/feishu/events', JSON.stringify({ encrypt: loadFixture('url_verification.encrypted.json').encrypt }));
    expect(res.status).toBe(400);
  });
});
