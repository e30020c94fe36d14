import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signWebhook } from './signature';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('signWebhook', () => {
  it('verifies with the Standard Webhooks reference library', () => {
    const secret = newSecret();
    const body = JSON.stringify({ event: 'a.b', data: { ok: true } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook([secret], 'msg_1', timestamp, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ event: 'a.b', data: { ok: true } });
  });

  it('signs once per secret during a rotation, and each secret verifies', () => {
    const [current, previous] = [newSecret(), newSecret()];
    const body = '{"x":1}';
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook([current, previous], 'msg_2', timestamp, body);
    expect(signature.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, { 'webhook-id': 'msg_2', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature })).toEqual({
        x: 1,
      });
    }
    expect(() =>
      new Webhook(newSecret()).verify(body, { 'webhook-id': 'msg_2', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }),
    ).toThrow();
  });
});
