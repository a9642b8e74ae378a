import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BotMetrics } from './bot/bot';
import { withTimeout } from './jobs/queues';

/** The bot's answers on the app's Prometheus registry: bot_messages_total and bot_answer_seconds. */
export function makePromBotMetrics(registry: Registry): BotMetrics {
  const messages = new Counter({
    name: 'bot_messages_total',
    help: 'Messages the bot answered, by channel, intent and whether they were escalated',
    labelNames: ['channel', 'intent', 'escalated'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'bot_answer_seconds',
    help: 'Time to answer one message (identity, NLP, domain query or escalation, exchange log)',
    labelNames: ['channel'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [registry],
  });
  return {
    answered(e) {
      messages.inc({ channel: e.channel, intent: e.intent, escalated: String(e.escalated) });
      seconds.observe({ channel: e.channel }, e.seconds);
    },
  };
}

/** What the queue gauges read: Bull queues and the outbox of the jobs runtime. */
export interface JobCountsSource {
  queues: Record<
    string,
    { client?: { status: string }; getJobCounts(): Promise<{ waiting?: number; active?: number; failed?: number; delayed?: number }> }
  >;
  outbox: { counts(): Promise<Record<string, number>> };
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const OUTBOX_STATUSES = ['pending', 'queued', 'sent', 'failed', 'expired'];

/**
 * Gauges read on scrape: queue_jobs{queue,state}, outbox_messages{status} and queue_stats_up.
 * Redis is asked with a timeout, so a down Redis leaves queue_jobs empty instead of hanging /metrics.
 */
export function registerJobGauges(registry: Registry, source: JobCountsSource, timeoutMs = 1000): void {
  // Registered after queue_jobs: prom-client collects in registration order, so `up` reports this scrape.
  const up = new Gauge({ name: 'queue_stats_up', help: '1 when the queue sizes could be read from Redis at this scrape', registers: [] });
  new Gauge({
    name: 'queue_jobs',
    help: 'Jobs per Bull queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const entries = Object.entries(source.queues);
        // While Redis is away commands queue up unanswered: do not add one per scrape.
        if (entries.some(([, q]) => q.client && q.client.status !== 'ready')) throw new Error('redis not connected');
        const counts = await withTimeout(Promise.all(entries.map(([, q]) => q.getJobCounts())), timeoutMs, 'redis');
        entries.forEach(([queue], i) => {
          for (const state of QUEUE_STATES) this.set({ queue, state }, counts[i][state] ?? 0);
        });
        up.set(1);
      } catch {
        up.set(0);
      }
    },
  });
  registry.registerMetric(up);
  new Gauge({
    name: 'outbox_messages',
    help: 'Outbox messages by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await withTimeout(source.outbox.counts(), timeoutMs, 'outbox').catch(() => null);
      if (!counts) return;
      for (const status of new Set([...OUTBOX_STATUSES, ...Object.keys(counts)])) this.set({ status }, counts[status] ?? 0);
    },
  });
}
