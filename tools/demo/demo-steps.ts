import type { Actor } from '../../src/domain/identity/actor';
import { totalCount } from '../../src/domain/ledger/ranges';
import { batchCodeOf, DEMO_BILL_TYPES } from './demo-bill-types';
import { composeWriteoff, demoAmount, heldRuns, lowestRuns, type BatchRun, type DemoContext } from './demo-ops';

/** The unit's own staff member, or the operator acting for a unit without one. */
export const actorFor = (ctx: DemoContext, unitCode: string): Actor => ctx.actors.staff.get(unitCode) ?? ctx.actors.operator;

/** A print plan for the year, one order per batch run, and the receipts into the warehouse. */
export async function printAndReceive(
  ctx: DemoContext,
  billTypeCode: string,
  runs: Array<{ startNo: number; endNo: number }>,
): Promise<string> {
  const { services, tl, actors } = ctx;
  const bt = DEMO_BILL_TYPES.find((b) => b.code === billTypeCode)!;
  const batchCode = batchCodeOf(bt, tl.year());
  const quantity = runs.reduce((n, r) => n + r.endNo - r.startNo + 1, 0);
  const plan = await services.printPlans.create(actors.operator, {
    billTypeCode,
    year: tl.year(),
    quantity,
    reason: `${tl.year()} 年度${bt.name}印制计划`,
    draft: false,
  });
  tl.tick();
  await services.printPlans.approve(actors.reviewer, plan.id, { opinion: '同意按计划印制' });
  for (const r of runs) {
    tl.tick();
    const view = await services.printPlans.addOrder(actors.operator, plan.id, {
      printer: '省财政票据印制中心',
      batchCode,
      startNo: r.startNo,
      endNo: r.endNo,
    });
    const order = view.orders.find((o) => o.batchCode === batchCode && o.startNo === r.startNo)!;
    tl.tick(30);
    await services.receipts.receive(actors.operator, {
      billTypeCode,
      batchCode,
      startNo: r.startNo,
      endNo: r.endNo,
      printOrderId: order.id,
      note: '印制中心送货入库',
    });
  }
  return batchCode;
}

/** Receives a run without a print plan (older history). */
export async function receiveOld(ctx: DemoContext, billTypeCode: string, startNo: number, endNo: number): Promise<string> {
  const bt = DEMO_BILL_TYPES.find((b) => b.code === billTypeCode)!;
  const batchCode = batchCodeOf(bt, ctx.tl.year());
  ctx.tl.tick();
  await ctx.services.receipts.receive(ctx.actors.operator, { billTypeCode, batchCode, startNo, endNo, note: '入库' });
  return batchCode;
}

/** Files an application as the unit; returns its id. */
export async function apply(
  ctx: DemoContext,
  unitCode: string,
  billTypeCode: string,
  quantity: number,
  reason = '下一季度开票需要',
): Promise<number> {
  ctx.tl.tick();
  return (await ctx.services.applications.create(actorFor(ctx, unitCode), { unitCode, billTypeCode, quantity, reason })).id;
}

/** Approves and issues an application (lowest numbers first). */
export async function approveAndIssue(ctx: DemoContext, applicationId: number): Promise<void> {
  ctx.tl.tick(25);
  await ctx.services.applications.approve(ctx.actors.reviewer, applicationId, { opinion: '同意' });
  ctx.tl.tick(40);
  await ctx.services.issuance.issue(ctx.actors.operator, applicationId);
}

/** What a write-off report covers and what came of it. */
export interface ReportedWriteoff {
  id: number;
  runs: BatchRun[];
}

/**
 * The unit reports the lowest `share` of what it holds (已开, a few 作废, optionally 灭失) with the
 * cut-off date yesterday and the amount collected. Returns null when the unit holds nothing.
 */
export async function reportWriteoff(
  ctx: DemoContext,
  unitCode: string,
  billTypeCode: string,
  o: { share: number; lost?: number; amountOff?: number },
): Promise<ReportedWriteoff | null> {
  const held = await heldRuns(ctx.services, unitCode, billTypeCode);
  const total = totalCount(held.map((r) => r.span));
  if (total === 0) return null;
  const runs = lowestRuns(held, Math.max(1, Math.round(total * o.share)));
  const lines = composeWriteoff(ctx.rnd, runs, { voided: ctx.rnd.int(1, 4), lost: o.lost ?? 0 });
  const amount = Math.round((demoAmount(ctx.rnd, billTypeCode, lines.usedCount) + (o.amountOff ?? 0)) * 100) / 100;
  ctx.tl.tick();
  const wo = await ctx.services.writeoffs.create(actorFor(ctx, unitCode), {
    unitCode,
    billTypeCode,
    cutoffDate: ctx.tl.date(-1),
    amount,
    used: lines.used,
    voided: lines.voided,
    lost: lines.lost,
  });
  return { id: wo.id, runs };
}

/** The bureau approves a write-off with a result (mostly 良好). */
export async function approveWriteoff(
  ctx: DemoContext,
  id: number,
  result?: '良好' | '合格' | '问题' | '整改通过',
  opinion?: string,
): Promise<void> {
  ctx.tl.tick(60);
  await ctx.services.writeoffs.approve(ctx.actors.reviewer, id, {
    result: result ?? (ctx.rnd.next() < 0.7 ? '良好' : '合格'),
    opinion: opinion ?? '核销资料齐全，同意核销',
  });
}

/** A quarter of one unit × bill type: write off what was used, then apply for the next quarter. */
export async function quarter(
  ctx: DemoContext,
  unitCode: string,
  billTypeCode: string,
  perQuarter: number,
  cap: number | undefined,
): Promise<void> {
  const wo = await reportWriteoff(ctx, unitCode, billTypeCode, { share: 0.8 + ctx.rnd.next() * 0.15 });
  if (wo) await approveWriteoff(ctx, wo.id);
  const wanted = Math.round((perQuarter * (1 + ctx.rnd.next() * 0.2)) / 100) * 100 || 50;
  const quantity = cap === undefined ? wanted : Math.min(cap, wanted);
  await approveAndIssue(ctx, await apply(ctx, unitCode, billTypeCode, quantity));
}
