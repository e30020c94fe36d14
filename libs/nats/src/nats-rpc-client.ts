import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { createInbox, errors, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** A reply of Nest's NATS transport; `isDisposed` marks the last one of a request. */
interface TransportReply {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * What a reply message says. Nest's own client takes a reply that is not in the transport's
 * shape (none of `err`, `response`, `isDisposed`) as the whole answer; so does this one.
 */
function replyOf(message: Msg): TransportReply {
  const value = message.json<unknown>();
  if (typeof value === 'object' && value !== null && ('err' in value || 'response' in value || 'isDisposed' in value)) return value as TransportReply;
  return { response: value, isDisposed: true };
}

/**
 * A Nest client proxy (`send`, `emit`) for the request/reply handlers (`@MessagePattern`) the
 * apps serve with Nest's NATS transport, over the app's one NATS connection (nats.js v3, see
 * {@link NatsModule}) instead of a connection of its own through the `nats` v2 package, as
 * Nest's `ClientNats` would open. So the calls share that connection's reconnect-for-ever
 * policy and batched writes, and a process that only asks needs no second connection.
 *
 * It speaks the transport's wire format, as `ClientNats` does: a request is the JSON
 * `{ pattern, data, id }` published on the pattern as subject, with a fresh inbox as reply
 * subject; each reply is the JSON `{ id, response | err, isDisposed }`. An empty reply is the
 * server's "no responders" status: nobody listens on the subject. The caller bounds the wait
 * (an rxjs `timeout`); unsubscribing from `send` drops the inbox.
 */
export class NatsRpcClient extends ClientProxy {
  constructor(private readonly nc: NatsConnection) {
    super();
  }

  /** The connection is open before any provider can ask (NatsModule awaits it). */
  async connect(): Promise<NatsConnection> {
    return this.nc;
  }

  /** Nothing of its own to close: the connection is NatsModule's, drained at shutdown. */
  async close(): Promise<void> {
    return undefined;
  }

  unwrap<T>(): T {
    return this.nc as T;
  }

  protected publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const packet = this.assignPacketId(partialPacket);
    const subject = this.normalizePattern(packet.pattern);
    let inbox: Subscription | undefined;
    try {
      inbox = this.nc.subscribe(createInbox(), {
        callback: (error, message) => {
          if (error) return callback({ err: error, isDisposed: true });
          if (message.data.length === 0) return callback({ err: new errors.NoRespondersError(subject), isDisposed: true });
          let reply: TransportReply;
          try {
            reply = replyOf(message);
          } catch (unreadable) {
            return callback({ err: unreadable, isDisposed: true });
          }
          // Another request's reply (never on a fresh inbox, but the transport allows for it).
          if (reply.id !== undefined && reply.id !== packet.id) return;
          callback({ err: reply.err, response: reply.response, isDisposed: reply.isDisposed === true || Boolean(reply.err) });
        },
      });
      this.nc.publish(subject, JSON.stringify({ pattern: packet.pattern, data: packet.data, id: packet.id }), { reply: inbox.getSubject() });
      const subscription = inbox;
      return () => subscription.unsubscribe();
    } catch (error) {
      // A request the connection refuses (closed, larger than the server's max_payload) gets no reply.
      inbox?.unsubscribe();
      callback({ err: error, isDisposed: true });
      return () => undefined;
    }
  }

  /** Publishes an event (`emit`) for `@EventPattern` handlers; it resolves to nothing. */
  protected async dispatchEvent<T = undefined>(packet: ReadPacket): Promise<T> {
    this.nc.publish(this.normalizePattern(packet.pattern), JSON.stringify({ pattern: packet.pattern, data: packet.data }));
    return undefined as T;
  }
}
