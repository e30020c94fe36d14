import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { loadConfig } from '@wirehook/config';
import { natsConnectionOptions, whileJetStreamSettles, type NatsClientSettings } from '@wirehook/nats';
import { eventually } from './eventually';
import { ServerEnvironment, natsServerBinary, freePort, startNatsServer, type LocalServer } from '@wirehook/local-run';

export interface NatsClusterOptions {
  /** More nats-server arguments for every node, such as `-c` and a configuration file (the flags win over the file). */
  args?: string[];
  /**
   * How the cluster's own connections log in, for nodes that require credentials or TLS; the
   * node URLs are added. With `tls` set the URLs are `tls://`.
   */
  client?: Omit<NatsClientSettings, 'servers'>;
}

interface ClusterNode {
  name: string;
  clientPort: number;
  routePort: number;
  storeDir: string;
  server?: LocalServer;
}

/**
 * A JetStream cluster of real nats-server processes on loopback. A node can be killed and
 * started again on the same ports and store, as a node of a production cluster restarts.
 */
export class NatsCluster {
  private constructor(
    private readonly binary: string,
    private readonly nodes: ClusterNode[],
    private readonly root: string,
    private readonly extraArgs: string[],
    private readonly client: Omit<NatsClientSettings, 'servers'>,
  ) {}

  /** Starts `size` clustered nodes and resolves once JetStream answers through every one of them. */
  static async start(size = 3, options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const binary = natsServerBinary(loadConfig(ServerEnvironment).PATH);
    const root = mkdtempSync(join(tmpdir(), 'wirehook-nats-cluster-'));
    const nodes: ClusterNode[] = [];
    for (let index = 0; index < size; index++) {
      nodes.push({ name: `n${index + 1}`, clientPort: await freePort(), routePort: await freePort(), storeDir: join(root, `n${index + 1}`) });
    }
    const cluster = new NatsCluster(binary, nodes, root, options.args ?? [], options.client ?? {});
    try {
      // Settled, not all: a node still starting when another fails would escape the clean-up.
      const started = await Promise.allSettled(nodes.map((_, index) => cluster.startNode(index, { waitForJetStream: false })));
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      for (let index = 0; index < size; index++) await cluster.waitForJetStream(index);
    } catch (error) {
      // Nodes started so far would outlive the failed test file.
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Every node's client URL, comma-separated, as `NATS_URL` takes them. */
  get url(): string {
    return this.nodes.map((_, index) => this.nodeUrl(index)).join(',');
  }

  nodeUrl(index: number): string {
    return `${this.client.tls ? 'tls' : 'nats'}://127.0.0.1:${this.nodes[index].clientPort}`;
  }

  /** The index of the node named `name` (as JetStream names a stream's leader). */
  indexOf(name: string): number {
    return this.nodes.findIndex((node) => node.name === name);
  }

  async startNode(index: number, options: { waitForJetStream?: boolean } = {}): Promise<void> {
    const node = this.nodes[index];
    const routes = this.nodes.filter((other) => other !== node).map((other) => `nats://127.0.0.1:${other.routePort}`);
    node.server = await startNatsServer({
      binary: this.binary,
      storeDir: node.storeDir,
      port: node.clientPort,
      args: ['-n', node.name, '--cluster_name', 'wirehook', '--cluster', `nats://127.0.0.1:${node.routePort}`, '--routes', routes.join(','), ...this.extraArgs],
    });
    if (options.waitForJetStream ?? true) await this.waitForJetStream(index);
  }

  /** Ends a node's process with `signal` (SIGKILL for a crash) and waits for the exit. */
  async stopNode(index: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const server = this.nodes[index].server;
    if (!server || server.process.exitCode !== null || server.process.signalCode !== null) return;
    const exited = new Promise((done) => server.process.once('exit', done));
    server.process.kill(signal);
    await exited;
    this.nodes[index].server = undefined;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.server?.stop()));
    rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * A clustered node takes JetStream requests only once the cluster has elected its meta
   * leader, and the first replicated stream of a fresh cluster takes a while longer: a probe
   * stream with a copy on every node is created and removed, so the apps start on a settled cluster.
   */
  private async waitForJetStream(index: number): Promise<void> {
    const node = this.nodes[index];
    const nc = await connect(natsConnectionOptions({ ...this.client, servers: this.nodeUrl(index) }));
    try {
      const jsm = await eventually(() => jetstreamManager(nc), { timeoutMs: 30_000, intervalMs: 250 });
      const probe = `cluster_probe_${node.name}`;
      await whileJetStreamSettles(() => jsm.streams.add({ name: probe, subjects: [`cluster.probe.${node.name}`], num_replicas: this.nodes.length }));
      await jsm.streams.delete(probe);
    } finally {
      await nc.close();
    }
  }
}
