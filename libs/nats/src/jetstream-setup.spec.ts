import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { whileJetStreamSettles } from './jetstream-setup';

const streamNotFound = () => new JetStreamApiError({ code: 404, err_code: JetStreamApiCodes.StreamNotFound, description: 'stream not found' });
const isStreamNotFound = (error: unknown) => error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;

describe('whileJetStreamSettles', () => {
  it('repeats a step while it fails with an error the caller expects to pass, then answers', async () => {
    let calls = 0;
    const step = async () => {
      calls += 1;
      if (calls < 2) throw streamNotFound();
      return 'found';
    };
    await expect(whileJetStreamSettles(step, isStreamNotFound)).resolves.toBe('found');
    expect(calls).toBe(2);
  });

  it('fails at once on any other error, and on that one when the caller does not expect it', async () => {
    let calls = 0;
    const step = async () => {
      calls += 1;
      throw streamNotFound();
    };
    await expect(whileJetStreamSettles(step)).rejects.toThrow('stream not found');
    await expect(whileJetStreamSettles(step, () => false)).rejects.toThrow('stream not found');
    expect(calls).toBe(2);
  });
});
