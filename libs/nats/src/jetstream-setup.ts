import { JetStreamApiError } from '@nats-io/jetstream';
import { TimeoutError } from '@nats-io/transport-node';

/** How long an app keeps asking at start-up before it gives up and exits. */
const SETUP_DEADLINE_MS = 120_000;
const RETRY_PAUSE_MS = 1_000;

/**
 * While a cluster elects its leaders (a fresh cluster, a node restarting, several apps creating
 * the same replicated streams at once) JetStream answers "temporarily unavailable" (503), has
 * no responder for a stream yet (`JetStreamNotEnabled`, a class the library does not export),
 * or does not answer at all: nats-server 2.9 leaves all but one of several identical creations
 * racing on a cluster unanswered. Such answers are worth waiting out; any other error is a real
 * one (and a server without JetStream fails once the deadline has passed).
 */
function isTransient(error: unknown): boolean {
  return (
    error instanceof TimeoutError ||
    (error instanceof Error && error.name === 'JetStreamNotEnabled') ||
    (error instanceof JetStreamApiError && error.status === 503)
  );
}

/**
 * Runs a start-up step (creating streams, buckets, consumers), repeating it while JetStream is
 * briefly unavailable, or while `alsoTransient` says an error is one the step expects to pass.
 */
export async function whileJetStreamSettles<T>(step: () => Promise<T>, alsoTransient: (error: unknown) => boolean = () => false): Promise<T> {
  const deadline = Date.now() + SETUP_DEADLINE_MS;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!(isTransient(error) || alsoTransient(error)) || Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, RETRY_PAUSE_MS));
    }
  }
}
