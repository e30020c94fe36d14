import { randomBytes } from 'node:crypto';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload, RpcException, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { errors } from '@nats-io/transport-node';
import { firstValueFrom, lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { NatsRpcClient, connectNats, nestNatsOptions } from '../src';

/** This file's subjects. */
const PREFIX = `rpc-client-test.${randomBytes(4).toString('hex')}`;
const Subjects = {
  echo: `${PREFIX}.echo`,
  busy: `${PREFIX}.busy`,
  slow: `${PREFIX}.slow`,
  noted: `${PREFIX}.noted`,
  nobody: `${PREFIX}.nobody`,
} as const;

/** Resolves when the slow handler has answered (its reply goes out right after). */
let slowAnswered: () => void = () => undefined;
const noted: unknown[] = [];

@Controller()
class TestHandlers {
  @MessagePattern(Subjects.echo)
  echo(@Payload() payload: { text: string }): { echoed: string } {
    return { echoed: payload.text };
  }

  @MessagePattern(Subjects.busy)
  busy(): never {
    throw new RpcException({ code: 'too_busy', message: 'at most 4 at a time', retryAfterSeconds: 2 });
  }

  @MessagePattern(Subjects.slow)
  async slow(@Payload() payload: { ms: number }): Promise<{ done: true }> {
    await new Promise((resolve) => setTimeout(resolve, payload.ms));
    slowAnswered();
    return { done: true };
  }

  @EventPattern(Subjects.noted)
  note(@Payload() payload: unknown): void {
    noted.push(payload);
  }
}

@Module({ controllers: [TestHandlers] })
class TestHandlersModule {}

describe("NatsRpcClient (Nest's request/reply over the app's nats.js v3 connection) against Nest's NATS transport", () => {
  let servers: TestServers;
  let handlers: INestMicroservice;
  let nc: NatsConnection;
  let client: NatsRpcClient;

  beforeAll(async () => {
    servers = await startTestServers('nats-rpc-client', { mongo: false });
    handlers = await NestFactory.createMicroservice<MicroserviceOptions>(TestHandlersModule, {
      transport: Transport.NATS,
      options: nestNatsOptions({ servers: servers.natsUrl }, 'rpc-test-handlers'),
      logger: false,
    });
    await handlers.listen();
    nc = await connectNats({ servers: servers.natsUrl }, 'rpc-test-client');
    client = new NatsRpcClient(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await handlers?.close();
    await servers?.stop();
  });

  it("answers each request with its handler's reply, many at once", async () => {
    const texts = Array.from({ length: 20 }, (_, index) => `hello ${index}`);
    const replies = await Promise.all(texts.map((text) => firstValueFrom(client.send(Subjects.echo, { text }))));
    expect(replies).toEqual(texts.map((text) => ({ echoed: text })));
  });

  it('hands the object of an RpcException to the caller as the error', async () => {
    await expect(firstValueFrom(client.send(Subjects.busy, {}))).rejects.toEqual({ code: 'too_busy', message: 'at most 4 at a time', retryAfterSeconds: 2 });
  });

  it('fails at once when nothing listens on the subject, rather than at the timeout', async () => {
    const failure = await firstValueFrom(client.send(Subjects.nobody, {}).pipe(timeout(30_000))).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(errors.NoRespondersError);
  });

  it('stops listening for a reply the caller no longer waits for', async () => {
    const answered = new Promise<void>((resolve) => (slowAnswered = resolve));
    const late = await firstValueFrom(client.send(Subjects.slow, { ms: 500 }).pipe(timeout(100))).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(TimeoutError);
    await answered;
    const before = nc.stats().inMsgs;
    // The handlers' connection sends the late reply before this one: had the inbox stayed, it would come first.
    await expect(firstValueFrom(client.send(Subjects.echo, { text: 'after' }))).resolves.toEqual({ echoed: 'after' });
    expect(nc.stats().inMsgs - before).toBe(1);
  });

  it('publishes events for event handlers', async () => {
    await lastValueFrom(client.emit(Subjects.noted, { id: 'evt-1' }), { defaultValue: undefined });
    await eventually(() => noted.length === 1);
    expect(noted).toEqual([{ id: 'evt-1' }]);
  });
});
