/**
 * Polls the topology and alerts and pushes an event only when something changed, so the
 * renderer is live without polling and an idle cluster sends nothing.
 */
import type { Alert, Topology } from '../../../shared/types';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { ClusterService } from '../services/cluster-service';

export function topologySignature(t: Topology): string {
  return JSON.stringify([
    t.state,
    t.nodes.map((n) => [n.id, n.address, n.role, n.masterId, n.health, n.linkState, n.slots]),
  ]);
}

const alertSignature = (alerts: Alert[]) => JSON.stringify(alerts.map((a) => [a.rule, a.node, a.severity]));

export class ClusterMonitor {
  private timer: NodeJS.Timeout | null = null;
  private lastTopology = '';
  private lastAlerts = '';
  private ticks = 0;
  private running = false;
  private checkingAlerts = false;

  constructor(
    private readonly service: ClusterService,
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly intervalMs = 1000,
    /** Alerts need INFO from every node: every Nth tick is enough. */
    private readonly alertsEvery = 3,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async checkAlerts(): Promise<void> {
    try {
      const alerts = await this.service.alerts();
      const sig = alertSignature(alerts);
      if (sig !== this.lastAlerts) {
        this.lastAlerts = sig;
        this.events.emit('cluster.alerts', alerts);
      }
    } catch (err) {
      this.log.debug(`monitor alerts: ${(err as Error).message}`);
    }
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const topology = await this.service.topology();
      const signature = topologySignature(topology);
      if (signature !== this.lastTopology) {
        if (this.lastTopology) this.log.info(`topology changed: ${describe(topology)}`);
        this.lastTopology = signature;
        this.events.emit('cluster.topology', topology);
      }
      // Alerts ask every node for INFO, and a dead node makes that slow: never let it hold up
      // the next topology round (the failover panel follows topology changes second by second).
      if (this.ticks++ % this.alertsEvery === 0 && !this.checkingAlerts) {
        this.checkingAlerts = true;
        void this.checkAlerts().finally(() => {
          this.checkingAlerts = false;
        });
      }
    } catch (err) {
      this.log.debug(`monitor: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}

function describe(t: Topology): string {
  const masters = t.nodes.filter((n) => n.role === 'master' && n.slots.length > 0).map((n) => n.address);
  const failing = t.nodes.filter((n) => n.health !== 'ok').map((n) => `${n.address}:${n.health}`);
  return `state ${t.state}, masters ${masters.join(' ')}${failing.length ? `, unhealthy ${failing.join(' ')}` : ''}`;
}
