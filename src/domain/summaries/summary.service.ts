import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import type { DomainStore, Repositories } from '../db/repositories';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Actor } from '../identity/actor';
import { renderSummaryMarkdown } from './summary-markdown';
import { summaryPeriod, type SummaryPeriod } from './summary-period';
import { type ListSummariesQuery, runSummarySchema, type RunSummaryInput } from './summary.schemas';
import type { ServiceSummary, SummaryKind } from './summary.entity';
import { computeSummaryFigures, type SummaryFigures } from './weekly-figures';
import { can, requirePermission } from '../policy';

/** A stored summary as the API shows it. */
export interface SummaryView {
  id: number;
  kind: SummaryKind;
  periodStart: string;
  periodEnd: string;
  version: number;
  scheduled: boolean;
  pushedTo: number;
  createdAt: string;
  createdBy: { id: number | null; name: string };
  url: string;
}
export type SummaryDetail = SummaryView & { figures: SummaryFigures; markdown: string };

/** Port: the link one recipient opens from the pushed message without a token (signed and expiring; wired in boot). */
export interface SummaryLinks {
  linkFor(summaryId: number, userId: number): string;
}

/**
 * Service summaries for the bureau's leaders. The scheduled run stores one summary per period and
 * pushes it once to every leader (dedupe keys in the outbox, same transaction), however many times
 * or processes run it; an on-demand run stores a new version and pushes only when asked.
 */
export function makeSummaryService(deps: { store: DomainStore; clock: Clock; publicUrl: string; links?: SummaryLinks }) {
  const { clock } = deps;
  const { read } = deps.store;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const urlOf = (id: number) => `${base}/api/v1/summaries/${id}`;
  const view = (s: ServiceSummary): SummaryView => ({
    id: s.id,
    kind: s.kind,
    periodStart: s.periodStart,
    periodEnd: s.periodEnd,
    version: s.version,
    scheduled: s.scheduledKey !== null,
    pushedTo: s.pushedTo,
    createdAt: s.createdAt.toISOString(),
    createdBy: { id: s.createdById, name: s.createdByName },
    url: urlOf(s.id),
  });
  const detail = (s: ServiceSummary): SummaryDetail => ({ ...view(s), figures: s.figures, markdown: s.markdown });

  async function save(
    tx: Pick<Repositories, 'summaries'>,
    p: SummaryPeriod,
    figures: SummaryFigures,
    by: Actor | null,
    scheduledKey: string | null,
  ): Promise<ServiceSummary | null> {
    const last = await tx.summaries.latest(p.kind, p.start);
    const row = {
      kind: p.kind,
      periodStart: p.start,
      periodEnd: p.end,
      version: (last?.version ?? 0) + 1,
      scheduledKey,
      figures: figures as never,
      markdown: '',
      pushedTo: 0,
      createdAt: clock.now(),
      createdById: by?.userId ?? null,
      createdByName: by?.username ?? 'system',
    };
    // A scheduled run that lost the race to another process inserts nothing (unique scheduledKey).
    const saved = await tx.summaries.insertOnce(row);
    if (!saved || saved.markdown !== '') return saved;
    saved.markdown = renderSummaryMarkdown(figures, urlOf(saved.id));
    await tx.summaries.update(saved.id, { markdown: saved.markdown });
    return saved;
  }

  async function push(tx: Pick<Repositories, 'summaries' | 'outbox'>, s: ServiceSummary, keyPrefix: string): Promise<void> {
    const leaders = await tx.summaries.leaders();
    for (const l of leaders) {
      // Each leader gets their own link (a leader cannot send a bearer token from WeCom); the stored markdown keeps the API link.
      const content = deps.links ? renderSummaryMarkdown(s.figures, deps.links.linkFor(s.id, l.id)) : s.markdown;
      await tx.outbox.enqueue(
        `${keyPrefix}-u${l.id}`,
        { channel: 'app', toUsers: [l.wecomUserId as string], kind: 'markdown', content },
        clock.now(),
      );
    }
    s.pushedTo = leaders.length;
    await tx.summaries.update(s.id, { pushedTo: s.pushedTo });
  }

  return {
    /**
     * Computes, stores and (scheduled, or `push: true`) pushes the summary of a period: by default the
     * last complete week (Monday–Sunday) or month in Asia/Shanghai; `periodEnd` picks the period containing that day.
     */
    async run(actor: Actor | 'system', req: { kind: SummaryKind } & RunSummaryInput): Promise<SummaryDetail> {
      const system = actor === 'system';
      if (!system) requirePermission(actor, 'summary.run');
      const { kind, ...raw } = req;
      const input = runSummarySchema.parse(raw);
      const period = summaryPeriod(kind, clock.now(), input.periodEnd);
      const scheduledKey = system ? `${kind}-${period.start}` : null;
      if (scheduledKey) {
        const done = await read.summaries.byScheduledKey(scheduledKey);
        if (done) return detail(done);
      }
      const figures = await computeSummaryFigures(read.summaries, period, clock.now());
      const saved = await deps.store.transaction(async (tx) => {
        const s = await save(tx, period, figures, system ? null : actor, scheduledKey);
        if (!s) throw new Error(`summary ${kind} ${period.start} vanished after insert`);
        // The scheduled push is keyed by period only: a repeated run or a second process adds nothing.
        if (system) await push(tx, s, `summary-${kind}-${period.start}`);
        else if (input.push) await push(tx, s, `summary-${kind}-${period.start}-v${s.version}`);
        return s;
      });
      return detail(saved);
    },

    /** Stored summaries, newest period first. */
    async list(actor: Actor, q: ListSummariesQuery): Promise<Page<SummaryView>> {
      requirePermission(actor, 'summary.read');
      const [rows, total] = await read.summaries.page(q.kind, pageWindow(q));
      return { items: rows.map(view), total, page: q.page, pageSize: q.pageSize };
    },

    /** One stored summary with its figures and the markdown that was pushed. */
    async get(actor: Actor, id: number): Promise<SummaryDetail> {
      requirePermission(actor, 'summary.read');
      const s = await read.summaries.byId(id);
      if (!s) throw new NotFoundError('RECORD_NOT_FOUND', `服务报告 ${id} 不存在`);
      return detail(s);
    },

    /**
     * The signed page of a stored summary for the caller (the workbench's 周报 list opens it): the
     * same page and link a pushed message carries. `path` is the link without the public origin.
     */
    async pageLink(actor: Actor, id: number): Promise<{ url: string; path: string }> {
      requirePermission(actor, 'summary.read');
      const s = await read.summaries.byId(id);
      if (!s) throw new NotFoundError('RECORD_NOT_FOUND', `服务报告 ${id} 不存在`);
      if (!deps.links) throw new NotFoundError('RECORD_NOT_FOUND', '服务报告页面未启用');
      const url = deps.links.linkFor(id, actor.userId);
      return { url, path: url.startsWith(base) ? url.slice(base.length) : url };
    },

    /** A summary opened from a recipient's signed link: they must still be an active user with a reading role. */
    async getForRecipient(userId: number, id: number): Promise<SummaryDetail> {
      const u = await read.identity.byId(userId);
      if (!u || !u.active || !can(u, 'summary.read'))
        throw new ForbiddenError('LINK_EXPIRED', '链接已失效，请在企业微信中打开最新的周报，或登录系统查看');
      const s = await read.summaries.byId(id);
      if (!s) throw new NotFoundError('RECORD_NOT_FOUND', `服务报告 ${id} 不存在`);
      return detail(s);
    },
  };
}
export type SummaryService = ReturnType<typeof makeSummaryService>;
