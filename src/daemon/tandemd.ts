/**
 * tandemd: one per node. Wires the modules together:
 *
 *   EtcdStore ── Membership (lease, node key) ── campaign → Leadership → DcController
 *       │                    │ onLost: stopAll BEFORE the lease can expire, rejoin
 *       ├── MembershipView ──┼── UdpHeartbeat peers; FailureDetector verdicts → DC
 *       └── NodeAgent ── Executor ── agents
 *
 * A node declared dead by the failure detector stays offline (for the DC) until its
 * membership key goes away or is re-created: a paused node that resumes within its lease
 * must not silently come back with stale state.
 */

import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { describeError, TandemError } from "../core/index.js";
import { campaign, electionPrefix, Membership, MembershipView, publishDc, UdpHeartbeat, type DetectorEvent, type Leadership, type LeaseLoss, type PeerAddress } from "../cluster/index.js";
import { DcController, fenceKey, NodeAgent, type Logger } from "../controller/index.js";
import { Executor } from "../executor/index.js";
import { EtcdStore, type EtcdConnectionOptions, type Store, type Watch } from "../store/index.js";
import type { DaemonConfig } from "./config.js";

export interface TandemdOptions {
  readonly config: DaemonConfig;
  readonly log: Logger;
  /** For tests: a store other than etcd. */
  readonly store?: Store;
}

function etcdOptions(c: DaemonConfig): EtcdConnectionOptions {
  const read = (path: string | undefined, what: string): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      throw new TandemError("DAEMON_BAD_CONFIG", `cannot read ${what} '${path}': ${describeError(error)}`);
    }
  };
  const ca = read(c.etcdCaFile, "etcd_ca_file");
  const cert = read(c.etcdCertFile, "etcd_cert_file");
  const key = read(c.etcdKeyFile, "etcd_key_file");
  const password = read(c.etcdPasswordFile, "etcd_password_file")?.trim();
  const tls = ca === undefined && cert === undefined && key === undefined ? undefined : { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
  return {
    endpoints: c.etcdEndpoints,
    ...(tls === undefined ? {} : { tls }),
    ...(c.etcdUsername !== undefined && password !== undefined ? { auth: { username: c.etcdUsername, password } } : {}),
  };
}

/**
 * The address peers should send heartbeats to when tandemd binds 0.0.0.0: the first
 * non-internal IPv4 address (set heartbeat_address to choose the cluster network).
 */
export function primaryAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

export class Tandemd {
  readonly config: DaemonConfig;
  readonly incarnation = `${process.pid}-${Date.now().toString(36)}`;
  private readonly log: Logger;
  private store!: Store;
  private executor!: Executor;
  private agent!: NodeAgent;
  private membership!: Membership;
  private view!: MembershipView;
  private heartbeat: UdpHeartbeat | undefined;
  private leadership: Leadership | undefined;
  private dc: DcController | undefined;
  private campaignAbort: AbortController | undefined;
  private readonly dead = new Set<string>();
  private stopping = false;
  private fencing = false;
  private campaignGeneration = 0;
  private fenceWatch: Watch | undefined;

  constructor(options: TandemdOptions) {
    this.config = options.config;
    this.log = options.log;
    if (options.store !== undefined) this.store = options.store;
  }

  get isDc(): boolean {
    return this.leadership?.isLeader ?? false;
  }

  async start(): Promise<void> {
    const c = this.config;
    this.store ??= new EtcdStore(etcdOptions(c));
    const status = await this.store.status({ timeoutMs: 3000 });
    if (!status.quorum) throw new TandemError("DAEMON_NO_STORE", `etcd at ${c.etcdEndpoints.join(", ")} does not answer with quorum: ${status.reason}`);
    this.executor = new Executor({
      nodeName: c.nodeName,
      stateDir: join(c.stateDir, "executor"),
      agents: { rscTmpDir: join(c.stateDir, "rsctmp") },
      onEvent: (e) => this.agent?.onExecutorEvent(e),
    });
    this.agent = new NodeAgent({ store: this.store, cluster: c.clusterName, node: c.nodeName, executor: this.executor, log: this.log });
    this.heartbeat = await UdpHeartbeat.open({
      cluster: c.clusterName,
      node: c.nodeName,
      incarnation: this.incarnation,
      bindAddress: c.heartbeatAddress,
      port: c.heartbeatPort,
      intervalMs: c.heartbeatIntervalMs,
      timeoutMs: c.heartbeatTimeoutMs,
      onEvent: (e) => this.onHeartbeat(e),
    });
    const hb = this.heartbeat.address();
    this.view = await MembershipView.open(this.store, c.clusterName);
    this.view.onChange((change) => {
      for (const r of change.joined) this.dead.delete(r.name);
      for (const n of change.left) this.dead.delete(n);
      this.updatePeers();
    });
    this.membership = new Membership({
      store: this.store,
      cluster: c.clusterName,
      node: c.nodeName,
      incarnation: this.incarnation,
      info: { hbAddress: c.heartbeatAddress === "0.0.0.0" ? primaryAddress() : hb.address, hbPort: String(hb.port) },
      ttlSec: c.leaseTtlSec,
    });
    this.membership.onLost((loss) => void this.selfFence(loss));
    const fenceStart = await this.store.get(fenceKey(c.clusterName, c.nodeName));
    await this.join();
    this.watchFenceRequests(fenceStart.revision + 1);
    this.updatePeers();
    await this.agent.start();
    this.log.info("tandemd joined the cluster", { cluster: c.clusterName, node: c.nodeName, incarnation: this.incarnation, heartbeat: hb });
    void this.campaignLoop();
  }

  /** Joins, waiting out a previous incarnation's lease (a restart after kill -9). */
  private async join(): Promise<void> {
    const until = Date.now() + (this.config.leaseTtlSec + 5) * 1000;
    for (;;) {
      try {
        await this.membership.join();
        return;
      } catch (error) {
        const retry = error instanceof TandemError && error.retryable && Date.now() < until && !this.stopping;
        if (!retry) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private updatePeers(): void {
    const peers = new Map<string, PeerAddress>();
    for (const [name, rec] of this.view.nodes()) {
      const address = rec.info["hbAddress"];
      const port = Number(rec.info["hbPort"]);
      if (name !== this.config.nodeName && address !== undefined && Number.isInteger(port)) peers.set(name, { address, port });
    }
    this.heartbeat?.setPeers(peers);
  }

  private onHeartbeat(e: DetectorEvent): void {
    if (e.type === "dead") {
      if (!this.view.nodes().has(e.node) || this.dead.has(e.node)) return;
      // Silence measured across our own pause (SIGSTOP, a stalled VM) says nothing about
      // the peer: trust verdicts only while our own lease is provably alive.
      const lease = this.membership.lease;
      if (this.fencing || lease === undefined || lease.state !== "held" || lease.remainingMs() <= 0) {
        this.log.warn("ignored a failure-detector verdict: this node's own lease is not held", { peer: e.node });
        return;
      }
      this.dead.add(e.node);
      this.log.warn("peer declared dead by the failure detector", { peer: e.node, silentMs: e.silentMs });
      this.dc?.nodeDead(e.node);
      if (!this.isDc) void this.deposeDeadDc(e.node);
      else void this.requestFence(e.node);
    } else if (e.type === "alive" && this.dead.has(e.node)) {
      this.log.info("peer heard again; it stays offline until it rejoins", { peer: e.node, silentMs: e.silentMs });
    }
  }

  /**
   * The DC's own lease outlives it by up to a TTL; waiting for it would make failover
   * seconds long. A candidate whose failure detector declares the DC dead deletes the
   * DC's election key (compare-and-delete), which is safe: the key IS the fencing token,
   * so a DC that was only slow can no longer hand out actions (its guarded writes fail)
   * and its epoch is older than the next DC's, which executors then refuse.
   */
  private async deposeDeadDc(node: string): Promise<void> {
    try {
      const r = await this.store.range(electionPrefix(this.config.clusterName));
      const leader = [...r.kvs].sort((a, b) => a.createRevision - b.createRevision)[0];
      if (leader === undefined || leader.value !== node) return;
      const done = await this.store.compareAndDelete(leader.key, leader.modRevision);
      if (done.ok) {
        this.log.warn("deposed the DC: the failure detector declared it dead", { dc: node, epoch: leader.createRevision });
        await this.requestFence(node);
      }
    } catch (error) {
      this.log.warn("could not depose the dead DC; its lease will expire", { dc: node, error: describeError(error) });
    }
  }

  private async campaignLoop(): Promise<void> {
    const generation = ++this.campaignGeneration;
    while (!this.stopping && !this.fencing && generation === this.campaignGeneration) {
      const lease = this.membership.lease;
      if (lease === undefined) return;
      this.campaignAbort = new AbortController();
      let leadership: Leadership;
      try {
        leadership = await campaign({ store: this.store, cluster: this.config.clusterName, candidate: this.config.nodeName, lease }, this.campaignAbort.signal);
      } catch (error) {
        if (this.stopping || this.fencing) return;
        this.log.warn("campaign for DC ended; retrying", { error: describeError(error) });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      this.leadership = leadership;
      const ended = new Promise<string>((resolve) => leadership.onLost((reason) => resolve(reason)));
      try {
        await publishDc(leadership);
        this.dc = new DcController({ store: this.store, cluster: this.config.clusterName, leadership, log: this.log, isDead: (n) => this.dead.has(n) });
        this.log.info("this node is the DC", { epoch: leadership.epoch });
        await this.dc.start();
      } catch (error) {
        this.log.error("DC start failed; resigning", { error: describeError(error) });
        await leadership.resign().catch(() => undefined);
      }
      const reason = await ended;
      this.dc?.stop();
      this.dc = undefined;
      this.leadership = undefined;
      this.log.warn("this node is no longer the DC", { reason });
    }
  }

  /**
   * The lease could not be renewed in time: stop everything before etcd can expire the
   * lease (the DC recovers our resources only after that), refuse starts, then rejoin.
   */
  private async selfFence(loss: LeaseLoss): Promise<void> {
    if (this.stopping || this.fencing) return;
    this.log.error("membership lost: self-fencing (stopping every resource)", { reason: loss.reason, sinceLastRenewalMs: loss.sinceLastRenewalMs });
    await this.fenceAndRejoin(false);
  }

  /**
   * Stops every resource, then (leaving first when asked to, so the DC sees a new
   * membership) rejoins with a new lease and a republished status.
   */
  private async fenceAndRejoin(leaveFirst: boolean): Promise<void> {
    if (this.stopping || this.fencing) return;
    this.fencing = true;
    this.campaignAbort?.abort();
    this.dc?.stop();
    this.agent.stop();
    const r = await this.executor.stopAll(Math.max(1000, this.config.leaseTtlSec * 250));
    this.log.warn("self-fencing done", { stopped: r.stopped, failed: r.failed, skipped: r.skipped, durationMs: r.durationMs });
    if (leaveFirst) await this.membership.leave().catch((error: unknown) => this.log.warn("leaving failed", { error: describeError(error) }));
    while (!this.stopping) {
      try {
        await this.membership.join();
        break;
      } catch (error) {
        this.log.warn("rejoin failed; retrying", { error: describeError(error) });
        await new Promise((res) => setTimeout(res, 500));
      }
    }
    if (this.stopping) return;
    this.executor.resume(this.executor.epoch);
    this.fencing = false;
    await this.agent.start().catch((error: unknown) => this.log.error("could not republish status after rejoining", { error: describeError(error) }));
    this.log.info("rejoined the cluster after self-fencing", { node: this.config.nodeName });
    void this.campaignLoop();
  }

  /**
   * A fence request for this incarnation (the DC declared us dead while we were alive:
   * a pause, a lost heartbeat path): our resources are already being started elsewhere,
   * so stop everything at once and come back as a new member.
   */
  private watchFenceRequests(fromRevision: number): void {
    const key = fenceKey(this.config.clusterName, this.config.nodeName);
    this.fenceWatch = this.store.watch(key, {
      fromRevision,
      onEvents: (batch) => {
        for (const ev of batch.events) {
          if (ev.type !== "put" || ev.kv.key !== key) continue;
          let incarnation: unknown;
          try {
            incarnation = (JSON.parse(ev.kv.value) as { incarnation?: unknown }).incarnation;
          } catch {
            continue;
          }
          if (incarnation !== this.incarnation) continue;
          this.log.error("fenced on request of the DC: stopping every resource and rejoining", { request: ev.kv.value });
          void this.fenceAndRejoin(true).finally(() => void this.store.compareAndDelete(key, ev.kv.modRevision).catch(() => undefined));
        }
      },
      onError: (error) => this.log.warn("fence-request watch ended", { error: describeError(error) }),
    });
  }

  /** As DC (or deposer of a dead DC): ask a node declared dead to fence itself if it is alive after all. */
  private async requestFence(node: string): Promise<void> {
    const rec = this.view.nodes().get(node);
    if (rec === undefined) return;
    try {
      await this.store.put(fenceKey(this.config.clusterName, node), JSON.stringify({ incarnation: rec.incarnation, by: this.config.nodeName, atMs: Date.now() }));
    } catch (error) {
      this.log.warn("could not write a fence request", { peer: node, error: describeError(error) });
    }
  }


  /**
   * As `pcs cluster stop`: stop this node's resources, leave membership, exit. A DC
   * resigns first so another node takes over at once.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info("tandemd stopping: resources first, then membership", { node: this.config.nodeName });
    this.campaignAbort?.abort();
    this.fenceWatch?.close();
    this.dc?.stop();
    await this.leadership?.resign().catch(() => undefined);
    this.agent?.stop();
    if (this.executor !== undefined) {
      const r = await this.executor.stopAll(60_000);
      this.log.info("resources stopped", { stopped: r.stopped, failed: r.failed });
      this.executor.close();
    }
    await this.membership?.leave().catch(() => undefined);
    this.view?.close();
    await this.heartbeat?.close();
    await this.store?.close();
  }
}
