import { NodeTransport } from '@nats-io/transport-node/lib/node_transport';

/**
 * The Node.js transport, writing everything sent during one turn of the event loop with one
 * socket write. The stock transport writes after each burst of microtasks; under load every
 * ack and publish that follows an HTTP response or a message arrives in a burst of its own,
 * so each cost a write system call, the dispatcher's largest single CPU cost (about a quarter
 * of its throughput, measured with `npm run bench`). Frames keep their order; a frame waits at
 * most until the end of the current loop turn.
 */
export class CoalescingTransport extends NodeTransport {
  private pending: Uint8Array[] = [];

  override send(frame: Uint8Array): void {
    this.pending.push(frame);
    if (this.pending.length === 1) setImmediate(() => this.writePending());
  }

  private writePending(): void {
    if (this.pending.length === 0) return;
    const frames = this.pending;
    this.pending = [];
    super.send(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }
}
