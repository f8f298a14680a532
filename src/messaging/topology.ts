// THE declaration of the gateway's RabbitMQ layout. Nothing else in the code base declares an
// exchange, a queue or a binding; assert-topology.ts walks this and runs at every (re)connect.
//
//   ingress ──▶ koppeling.absence (topic) ──*.absence.* / *.employee.*──▶ vault-updater:absence:apply (quorum)
//   consumer ── transient failure ──▶ koppeling.retry (direct) ──tier-N──▶ …:retry-N (TTL) ──▶ back to apply
//   consumer ── permanent / exhausted ──▶ koppeling.dead (topic) ──#──▶ vault-updater:absence:dead
//   apply queue's own delivery limit (crash loops) also dead-letters to koppeling.dead
//   consumer's outbox relay ──▶ koppeling.vault (topic) ──vault.dossier.shared──▶ service:dossier:shared

export interface ExchangeSpec {
  name: string;
  type: 'topic' | 'direct';
}

export interface QueueSpec {
  name: string;
  arguments: Record<string, string | number>;
}

export interface BindingSpec {
  queue: string;
  exchange: string;
  pattern: string;
}

export interface Topology {
  exchanges: {
    absence: ExchangeSpec;
    retry: ExchangeSpec;
    dead: ExchangeSpec;
    vault: ExchangeSpec;
  };
  queues: { apply: QueueSpec; retries: QueueSpec[]; dead: QueueSpec; dossierShared: QueueSpec };
  bindings: BindingSpec[];
  /** Routing key of the retry tier for the n-th retry (1-based); the last tier repeats. */
  retryRoutingKey(retry: number): string;
}

/** The delay tiers of transient retries, as multiples of the base delay: back-off without timers. */
export const RETRY_TIER_FACTORS = [1, 5, 25] as const;

/** Broker-side cap on deliveries of one message (crash loops); beyond it the broker dead-letters. */
export const DELIVERY_LIMIT = 10;

export function buildTopology(options: { namespace: string; retryDelayMs: number }): Topology {
  const n = (name: string): string => `${options.namespace}${name}`;
  const absence: ExchangeSpec = { name: n('koppeling.absence'), type: 'topic' };
  const retry: ExchangeSpec = { name: n('koppeling.retry'), type: 'direct' };
  const dead: ExchangeSpec = { name: n('koppeling.dead'), type: 'topic' };
  const vault: ExchangeSpec = { name: n('koppeling.vault'), type: 'topic' };
  const apply: QueueSpec = {
    name: n('vault-updater:absence:apply'),
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': DELIVERY_LIMIT,
      'x-dead-letter-exchange': dead.name,
      'x-dead-letter-routing-key': 'vault-updater.absence.delivery-limit',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  };
  const retries: QueueSpec[] = RETRY_TIER_FACTORS.map((factor, index) => ({
    name: n(`vault-updater:absence:retry-${index + 1}`),
    arguments: {
      'x-queue-type': 'quorum',
      'x-message-ttl': options.retryDelayMs * factor,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': apply.name,
      // Back to the work queue at least once: kept here until the work queue has confirmed it.
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  }));
  const deadQueue: QueueSpec = {
    name: n('vault-updater:absence:dead'),
    arguments: { 'x-queue-type': 'quorum' },
  };
  const dossierShared: QueueSpec = {
    name: n('service:dossier:shared'),
    arguments: { 'x-queue-type': 'quorum' },
  };
  const tierKey = (index: number): string => `tier-${index + 1}`;
  return {
    exchanges: { absence, retry, dead, vault },
    queues: { apply, retries, dead: deadQueue, dossierShared },
    bindings: [
      { queue: apply.name, exchange: absence.name, pattern: '*.absence.*' },
      { queue: apply.name, exchange: absence.name, pattern: '*.employee.*' },
      ...retries.map((queue, index) => ({
        queue: queue.name,
        exchange: retry.name,
        pattern: tierKey(index),
      })),
      { queue: deadQueue.name, exchange: dead.name, pattern: '#' },
      { queue: dossierShared.name, exchange: vault.name, pattern: 'vault.dossier.shared' },
    ],
    retryRoutingKey: (retryNumber: number) =>
      tierKey(Math.min(Math.max(retryNumber, 1), retries.length) - 1),
  };
}

/** Every queue of the topology (used by assert, health checks and test clean-up). */
export function allQueues(topology: Topology): QueueSpec[] {
  return [
    topology.queues.apply,
    ...topology.queues.retries,
    topology.queues.dead,
    topology.queues.dossierShared,
  ];
}

export function allExchanges(topology: Topology): ExchangeSpec[] {
  return Object.values(topology.exchanges);
}
