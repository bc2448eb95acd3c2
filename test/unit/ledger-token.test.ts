import { clientTokenOf } from '../../src/services/ledger/ledger-worker';

/** Bitable's client_token is a UUIDv4; the 台账's is derived, so a retry sends the same one. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it('derives a UUIDv4-shaped client_token, the same for the same record and different for another', () => {
  const a = clientTokenOf('bascnBase0001', 'tbl001', 'application', 7);
  expect(a).toMatch(UUID_V4);
  expect(clientTokenOf('bascnBase0001', 'tbl001', 'application', 7)).toBe(a);
  const others = [
    clientTokenOf('bascnBase0001', 'tbl001', 'application', 8),
    clientTokenOf('bascnBase0001', 'tbl001', 'need', 7),
    clientTokenOf('bascnBase0001', 'tbl002', 'application', 7),
    clientTokenOf('bascnBase0002', 'tbl001', 'application', 7),
    clientTokenOf('bascnBase0001', 'tbl001', 'application', 7, ':recGone'),
  ];
  for (const t of others) expect(t).toMatch(UUID_V4);
  expect(new Set([a, ...others]).size).toBe(6);
});

it('keeps the token of a record across releases: a create retried after an upgrade sends the one sent before', () => {
  // A create whose answer was lost is retried with the same token, perhaps by the next version
  // of the bot: the derivation (no salt for a first create) is pinned.
  expect(clientTokenOf('bascnBase0001', 'tbl001', 'application', 7)).toBe('c3c8ba4f-dc7d-4721-a4b7-af6c2529ef48');
});
