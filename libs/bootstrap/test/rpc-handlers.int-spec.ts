import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom, timeout } from 'rxjs';
import { AppConfig, loadConfig } from '@wirehook/config';
import { ServerEnvironment, freePort, natsServerBinary, startNatsServer, type LocalServer } from '@wirehook/local-run';
import { NatsRpcClient, connectNats } from '@wirehook/nats';
import { eventually } from '@wirehook/testing';
import { startRpcHandlers } from '../src';

const ECHO = 'rpc.bootstrap-test.v1.echo';

@Controller()
class EchoHandler {
  @MessagePattern(ECHO)
  echo(@Payload() data: { word: string }): { word: string } {
    return data;
  }
}

@Module({ controllers: [EchoHandler] })
class EchoModule {}

// Longer than the `nats` v2 client's own reconnect budget (10 attempts, 2 s apart), which the
// apps' request/reply handlers would otherwise run out of.
const OUTAGE_MS = 25_000;

describe('a request/reply handler started by startRpcHandlers', () => {
  let binary: string;
  let storeDir: string;
  let port: number;
  let nats: LocalServer;
  let app: INestApplication;
  let nc: NatsConnection;
  let rpc: NatsRpcClient;

  beforeAll(async () => {
    binary = natsServerBinary(loadConfig(ServerEnvironment).PATH);
    storeDir = mkdtempSync(join(tmpdir(), 'wirehook-rpc-handlers-'));
    port = await freePort();
    nats = await startNatsServer({ binary, storeDir, port });
    app = await NestFactory.create(EchoModule, { logger: false });
    await startRpcHandlers(app, loadConfig(AppConfig, { NATS_URL: nats.url }), 'bootstrap-test', 'bootstrap-test');
    nc = await connectNats({ servers: nats.url }, 'bootstrap-test-caller');
    rpc = new NatsRpcClient(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await app?.close();
    await nats?.stop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  const ask = (word: string) => firstValueFrom(rpc.send<{ word: string }>(ECHO, { word }).pipe(timeout(2000)));

  it('answers again after a NATS outage longer than the client library would wait out', async () => {
    await expect(ask('before')).resolves.toEqual({ word: 'before' });
    await nats.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    nats = await startNatsServer({ binary, storeDir, port });
    await eventually(async () => (await ask('after')).word === 'after', { timeoutMs: 20_000, intervalMs: 500 });
  });
});
