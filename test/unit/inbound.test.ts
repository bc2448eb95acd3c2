import { FeishuEnvelope, InboundResult, MAX_JSON_DEPTH, nestedDeeperThan, verifyInbound, VerifyOptions } from '../../src/platform/feishu/inbound';
import { buildFeishuRequest, encrypt, loadFixture, payloadFixture, sign } from '../helpers/feishu-signer';

const KEY = 'test key';
const TOKEN = 'rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV';
const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000;
const SKEW = 300;

type Headers = Record<string, string | string[] | undefined>;
interface Req {
  body: Buffer;
  headers: Headers;
}

const opts = (o: Partial<VerifyOptions> = {}): VerifyOptions => ({
  encryptKey: KEY,
  verificationToken: TOKEN,
  maxClockSkewSeconds: SKEW,
  nowMs: NOW_MS,
  ...o,
});

/** A v2 event as Feishu sends it, with our token. */
const botAdded = (): Record<string, any> => payloadFixture('im.chat.member.bot.added_v1.doc.json');

/** Encrypted and signed with KEY at NOW (unless overridden). */
function signedReq(payload: unknown, o: { timestamp?: number; plain?: boolean; unsigned?: boolean } = {}): Req {
  const r = buildFeishuRequest(payload, { encryptKey: KEY, timestamp: NOW_S, ...o });
  return { body: Buffer.from(r.body), headers: r.headers };
}

/** Signs an arbitrary raw body with KEY (to test what happens after a valid signature). */
function signRaw(body: string, timestamp = String(NOW_S), nonce = 'nonce-0001'): Req {
  return {
    body: Buffer.from(body),
    headers: {
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': sign(timestamp, nonce, KEY, body),
    },
  };
}

const plainReq = (payload: unknown): Req => ({ body: Buffer.from(JSON.stringify(payload)), headers: {} });

const withHeaders = (r: Req, change: (h: Headers) => void): Req => {
  const headers = { ...r.headers };
  change(headers);
  return { body: r.body, headers };
};

function verify(r: Req, o: VerifyOptions): InboundResult {
  return verifyInbound(r.body, r.headers, o);
}

function envelopeOf(result: InboundResult): FeishuEnvelope {
  if (result.kind !== 'envelope') throw new Error(`expected an envelope, got ${JSON.stringify(result)}`);
  return result.envelope;
}

type Expected = { kind: 'challenge'; challenge: string } | { kind: 'envelope' } | { kind: 'rejected'; status: 400 | 401 };

interface Case {
  name: string;
  req: () => Req;
  opts: VerifyOptions;
  expected: Expected;
}

const tokenOnly = opts({ encryptKey: undefined });
const plainChallenge = payloadFixture('url_verification.plain.json'); // token "xxxxxx"
const encryptedChallenge = payloadFixture('url_verification.encrypted.json'); // key "test key", token "xxxxxx"
const sdkChallenge = loadFixture('url_verification.encrypted.sdk_test.json');

const cases: Case[] = [
  // url_verification
  {
    name: 'plain challenge with the right token',
    req: () => plainReq(plainChallenge),
    opts: opts({ encryptKey: undefined, verificationToken: 'xxxxxx' }),
    expected: { kind: 'challenge', challenge: 'ajls384kdjxxxx' },
  },
  {
    name: 'plain challenge with a wrong token',
    req: () => plainReq({ ...plainChallenge, token: 'not-the-token' }),
    opts: opts({ encryptKey: undefined, verificationToken: 'xxxxxx' }),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'plain challenge without a token',
    req: () => plainReq({ challenge: 'c', type: 'url_verification' }),
    opts: opts({ encryptKey: undefined, verificationToken: 'xxxxxx' }),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'encrypted challenge without signature headers',
    req: () => plainReq(encryptedChallenge),
    opts: opts({ verificationToken: 'xxxxxx' }),
    expected: { kind: 'challenge', challenge: 'ajls384kdjxxxx' },
  },
  {
    name: 'encrypted challenge from the SDK test (key "mazhe.nerd")',
    req: () => plainReq({ encrypt: sdkChallenge.encrypt }),
    opts: opts({ encryptKey: 'mazhe.nerd', verificationToken: sdkChallenge._decrypted.token }),
    expected: { kind: 'challenge', challenge: sdkChallenge._decrypted.challenge },
  },
  {
    name: 'encrypted challenge whose token is wrong',
    req: () => plainReq(encryptedChallenge),
    opts: opts({ verificationToken: 'another-token' }),
    expected: { kind: 'rejected', status: 401 },
  },

  // signed and encrypted events
  {
    name: 'signed and encrypted event',
    req: () => signedReq(botAdded()),
    opts: opts(),
    expected: { kind: 'envelope' },
  },
  {
    name: 'signed and encrypted event, no verification token configured',
    req: () => signedReq(botAdded()),
    opts: opts({ verificationToken: undefined }),
    expected: { kind: 'envelope' },
  },
  {
    name: 'bad signature',
    req: () => withHeaders(signedReq(botAdded()), (h) => (h['x-lark-signature'] = 'a'.repeat(64))),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'signature of another body',
    req: () => ({ ...signedReq(botAdded()), body: signedReq(botAdded()).body }),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'signature in uppercase hex',
    req: () => withHeaders(signedReq(botAdded()), (h) => (h['x-lark-signature'] = String(h['x-lark-signature']).toUpperCase())),
    opts: opts(),
    expected: { kind: 'envelope' },
  },
  {
    name: 'headers given as arrays (first value counts)',
    req: () =>
      withHeaders(signedReq(botAdded()), (h) => {
        for (const k of ['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature']) h[k] = [String(h[k])];
      }),
    opts: opts(),
    expected: { kind: 'envelope' },
  },
  {
    name: 'timestamp exactly at the clock-skew limit (past)',
    req: () => signedReq(botAdded(), { timestamp: NOW_S - SKEW }),
    opts: opts(),
    expected: { kind: 'envelope' },
  },
  {
    name: 'stale timestamp (past, beyond maxClockSkewSeconds)',
    req: () => signedReq(botAdded(), { timestamp: NOW_S - SKEW - 1 }),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'stale timestamp (future, beyond maxClockSkewSeconds)',
    req: () => signedReq(botAdded(), { timestamp: NOW_S + SKEW + 1 }),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'non-numeric timestamp (correctly signed)',
    req: () => signRaw(signedReq(botAdded()).body.toString(), 'yesterday'),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'missing nonce',
    req: () => withHeaders(signedReq(botAdded()), (h) => delete h['x-lark-request-nonce']),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'missing timestamp',
    req: () => withHeaders(signedReq(botAdded()), (h) => delete h['x-lark-request-timestamp']),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'unsigned encrypted event while an encrypt key is set',
    req: () => signedReq(botAdded(), { unsigned: true }),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'unsigned plain event while an encrypt key is set',
    req: () => plainReq(botAdded()),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'encrypted body but no encrypt key configured',
    req: () => plainReq({ encrypt: encrypt(JSON.stringify(botAdded()), KEY) }),
    opts: tokenOnly,
    expected: { kind: 'rejected', status: 400 },
  },
  {
    name: 'malformed JSON, correctly signed',
    req: () => signRaw('{"encrypt": '),
    opts: opts(),
    expected: { kind: 'rejected', status: 400 },
  },
  {
    name: 'JSON array body',
    req: () => signRaw('[{"encrypt":"x"}]'),
    opts: opts(),
    expected: { kind: 'rejected', status: 400 },
  },
  {
    name: 'JSON array body (token-only mode)',
    req: () => plainReq([botAdded()]),
    opts: tokenOnly,
    expected: { kind: 'rejected', status: 400 },
  },
  {
    name: 'garbage `encrypt`, unsigned',
    req: () => plainReq({ encrypt: 'bm90IGEgcmVhbCBjaXBoZXJ0ZXh0IGF0IGFsbCEhISEhIQ==' }),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'garbage `encrypt`, signed',
    req: () => signRaw(JSON.stringify({ encrypt: 'bm90IGEgcmVhbCBjaXBoZXJ0ZXh0IGF0IGFsbCEhISEhIQ==' })),
    opts: opts(),
    expected: { kind: 'rejected', status: 400 },
  },
  {
    name: 'signed payload whose header.token is wrong',
    req: () => signedReq({ ...botAdded(), header: { ...botAdded().header, token: 'wrong-token' } }),
    opts: opts(),
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'valid JSON object that is not an envelope (signed)',
    req: () => signedReq({ hello: 'world', token: TOKEN }),
    opts: opts(),
    expected: { kind: 'rejected', status: 400 },
  },
  {
    name: 'v2 envelope without event_id (signed)',
    req: () => signedReq({ ...botAdded(), header: { ...botAdded().header, event_id: '' } }),
    opts: opts(),
    expected: { kind: 'rejected', status: 400 },
  },

  // token-only mode (no encrypt key)
  {
    name: 'token-only: right token',
    req: () => plainReq(botAdded()),
    opts: tokenOnly,
    expected: { kind: 'envelope' },
  },
  {
    name: 'token-only: wrong token',
    req: () => plainReq({ ...botAdded(), header: { ...botAdded().header, token: 'wrong-token' } }),
    opts: tokenOnly,
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'token-only: missing token',
    req: () => {
      const { token: _dropped, ...header } = botAdded().header;
      return plainReq({ ...botAdded(), header });
    },
    opts: tokenOnly,
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'token-only: empty-string token',
    req: () => plainReq({ ...botAdded(), header: { ...botAdded().header, token: '' } }),
    opts: tokenOnly,
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'token-only: signature headers are ignored, the token still counts',
    req: () => signedReq({ ...botAdded(), header: { ...botAdded().header, token: 'wrong-token' } }, { plain: true }),
    opts: tokenOnly,
    expected: { kind: 'rejected', status: 401 },
  },
  {
    name: 'token-only: valid JSON that is not an envelope',
    req: () => plainReq({ token: TOKEN, something: 'else' }),
    opts: tokenOnly,
    expected: { kind: 'rejected', status: 400 },
  },
];

describe('verifyInbound (table)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = verify(c.req(), c.opts);
    expect(result.kind).toBe(c.expected.kind);
    if (c.expected.kind === 'rejected') {
      expect(result).toMatchObject({ kind: 'rejected', status: c.expected.status });
      expect((result as { reason: string }).reason).toEqual(expect.any(String));
    }
    if (c.expected.kind === 'challenge') expect(result).toEqual({ kind: 'challenge', challenge: c.expected.challenge });
  });
});

describe('verifyInbound envelopes', () => {
  it('turns a v2 envelope into eventId, eventType, tenantKey and event', () => {
    const payload = botAdded();
    const envelope = envelopeOf(verify(signedReq(payload), opts()));
    expect(envelope).toEqual({
      schema: '2.0',
      eventId: '5e3702a84e847582be8db7fb73283c02',
      eventType: 'im.chat.member.bot.added_v1',
      tenantKey: '2ca1d211f64f6438',
      appId: payload.header.app_id,
      event: payload.event,
    });
  });

  it('turns the v1 envelope (p2p_chat_create) into schema 1.0 keyed by uuid', () => {
    const payload = payloadFixture('p2p_chat_create.v1.doc.json');
    const envelope = envelopeOf(verify(plainReq(payload), opts({ encryptKey: undefined, verificationToken: payload.token })));
    expect(envelope).toEqual({
      schema: '1.0',
      eventId: 'bc447199585340d1f3728d26b1c0297a',
      eventType: 'p2p_chat_create',
      tenantKey: '736588c9260f175c',
      appId: 'cli_9c8609450f78d102',
      event: payload.event,
    });
  });

  it('accepts the v1 envelope encrypted and signed as well', () => {
    const payload = payloadFixture('p2p_chat_create.v1.doc.json');
    const envelope = envelopeOf(verify(signedReq(payload), opts({ verificationToken: payload.token })));
    expect(envelope.schema).toBe('1.0');
    expect(envelope.eventId).toBe(payload.uuid);
  });

  it('rejects a v1 envelope with the wrong token', () => {
    const payload = payloadFixture('p2p_chat_create.v1.doc.json');
    expect(verify(plainReq(payload), opts({ encryptKey: undefined, verificationToken: TOKEN }))).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
  });

  describe('the captured signed HTTP fixture', () => {
    const fixture = loadFixture('im.message.receive_v1.encrypted_signed.http.json');
    const req = (): Req => ({ body: Buffer.from(fixture._raw_body, 'utf8'), headers: { ...fixture._headers } });

    it('is accepted at its own time (nowMs = 1700000000 * 1000)', () => {
      const envelope = envelopeOf(verify(req(), opts({ encryptKey: fixture._encrypt_key, nowMs: 1_700_000_000 * 1000 })));
      expect(envelope.schema).toBe('2.0');
      expect(envelope.eventType).toBe('im.message.receive_v1');
      expect(envelope.eventId).toBe('5e3702a84e847582be8db7fb73283c02');
      expect(envelope.tenantKey).toBe('2ca1d211f64f6438');
      expect(envelope.event.message.message_id).toBe('om_5ce6d572455d361153b7cb51da133945');
    });

    it('is rejected as stale today (a replay)', () => {
      expect(verify(req(), opts({ encryptKey: fixture._encrypt_key, nowMs: Date.now() }))).toMatchObject({
        kind: 'rejected',
        status: 401,
      });
    });

    it('is rejected when one byte of the body changes', () => {
      const body = Buffer.from(fixture._raw_body.replace('"encrypt":', '"encrypt" :'), 'utf8');
      expect(verifyInbound(body, { ...fixture._headers }, opts({ nowMs: 1_700_000_000 * 1000 }))).toMatchObject({
        kind: 'rejected',
        status: 401,
      });
    });
  });
});

describe('nesting depth, checked before parsing', () => {
  it('counts brackets outside strings only', () => {
    expect(nestedDeeperThan('{"a":"[[[[[[[[[[{{{{{{{{\\"[[[["}', 3)).toBe(false);
    expect(nestedDeeperThan('{"a":[[[1]]]}', 4)).toBe(false);
    expect(nestedDeeperThan('{"a":[[[[1]]]]}', 4)).toBe(true);
    expect(nestedDeeperThan('['.repeat(1_000_000), MAX_JSON_DEPTH)).toBe(true);
  });
});
