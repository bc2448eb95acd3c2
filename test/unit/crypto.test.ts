import { computeSignature, decryptPayload, safeEqual } from '../../src/platform/feishu/crypto';
import { encrypt, loadFixture } from '../helpers/feishu-signer';

describe('decryptPayload', () => {
  it('decrypts the official AES test vector ("test key" → "hello world")', () => {
    const vector = loadFixture('aes_test_vector.doc.json');
    expect(vector.encrypt_key).toBe('test key');
    expect(decryptPayload(vector.encrypt_key, vector.encrypt)).toBe('hello world');
  });

  it.each([
    ['url_verification.encrypted.json', 'test key'],
    ['url_verification.encrypted.sdk_test.json', 'mazhe.nerd'],
  ])('decrypts %s with key %j to its `_decrypted` body', (name, key) => {
    const fixture = loadFixture(name);
    expect(fixture._encrypt_key).toBe(key);
    expect(JSON.parse(decryptPayload(key, fixture.encrypt))).toEqual(fixture._decrypted);
  });

  it('decrypts the body of the signed HTTP fixture to a v2 receive_v1 envelope', () => {
    const fixture = loadFixture('im.message.receive_v1.encrypted_signed.http.json');
    const inner = JSON.parse(decryptPayload(fixture._encrypt_key, JSON.parse(fixture._raw_body).encrypt));
    expect(inner.schema).toBe('2.0');
    expect(inner.header.event_type).toBe('im.message.receive_v1');
  });

  it('round-trips multi-byte UTF-8 text encrypted the way Feishu does', () => {
    const text = JSON.stringify({ text: '绑定 包头市 🚀' });
    expect(decryptPayload('some key', encrypt(text, 'some key'))).toBe(text);
  });

  it('throws with the wrong key', () => {
    const vector = loadFixture('aes_test_vector.doc.json');
    expect(() => decryptPayload('wrong key', vector.encrypt)).toThrow();
    expect(() => decryptPayload('Test key', vector.encrypt)).toThrow();
  });

  it.each([
    ['not base64 at all', '!!!! this is not base64 ####'],
    ['empty', ''],
    ['shorter than iv + one block', Buffer.alloc(16).toString('base64')],
    ['not a whole number of blocks', Buffer.alloc(40).toString('base64')],
  ])('throws on a malformed payload (%s)', (_what, payload) => {
    expect(() => decryptPayload('test key', payload)).toThrow();
  });
});

describe('computeSignature', () => {
  it('reproduces x-lark-signature of the signed HTTP fixture over its exact raw body', () => {
    const fixture = loadFixture('im.message.receive_v1.encrypted_signed.http.json');
    const h = fixture._headers;
    const signature = computeSignature(
      h['x-lark-request-timestamp'],
      h['x-lark-request-nonce'],
      fixture._encrypt_key,
      Buffer.from(fixture._raw_body, 'utf8'),
    );
    expect(signature).toBe(h['x-lark-signature']);
  });

  it('is lowercase hex SHA-256 (64 characters)', () => {
    expect(computeSignature('1', 'n', 'k', Buffer.from('{}'))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any input changes (body bytes, timestamp, nonce, key)', () => {
    const base = computeSignature('1700000000', 'nonce', 'key', Buffer.from('{"a":1}'));
    expect(computeSignature('1700000000', 'nonce', 'key', Buffer.from('{"a": 1}'))).not.toBe(base);
    expect(computeSignature('1700000001', 'nonce', 'key', Buffer.from('{"a":1}'))).not.toBe(base);
    expect(computeSignature('1700000000', 'nonce2', 'key', Buffer.from('{"a":1}'))).not.toBe(base);
    expect(computeSignature('1700000000', 'nonce', 'key2', Buffer.from('{"a":1}'))).not.toBe(base);
  });
});

describe('safeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['', '', true],
    ['令牌', '令牌', true],
    ['abc', 'abd', false],
    ['abc', 'ABC', false],
    ['abc', 'abcd', false],
    ['abcd', 'abc', false],
    ['', 'a', false],
    ['a', '', false],
  ])('safeEqual(%j, %j) is %s', (a, b, expected) => {
    expect(safeEqual(a, b)).toBe(expected);
  });
});
