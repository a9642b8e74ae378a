import type { LineInput } from '../../src/domain/documents/line-documents.schemas';
import { systemActor } from '../../src/domain/identity/actor';
import { DEMO_BILL_TYPES } from './demo-bill-types';
import { heldRuns, type BatchRun, type DemoContext } from './demo-ops';
import { DEMO_CAPS } from './demo-reference';
import { actorFor, apply, approveAndIssue, approveWriteoff, printAndReceive, quarter, receiveOld, reportWriteoff } from './demo-steps';
import { DEMO_UNITS } from './demo-units';

const toLines = (runs: readonly BatchRun[]): LineInput[] =>
  runs.map((r) => ({ batchCode: r.batchCode, startNo: r.span.start, endNo: r.span.end }));
const capOf = (unitCode: string, billTypeCode: string) => DEMO_CAPS.find(([u, b]) => u === unitCode && b === billTypeCode)?.[2];

/**
 * Six years ago: old-version batches received, issued to three units and fully written off, so
 * their stubs are past the 5-year retention today. Returns the stubs of 市第一人民医院.
 */
export async function writeSixYearsAgo(ctx: DemoContext): Promise<BatchRun[]> {
  ctx.tl.day(72);
  await receiveOld(ctx, 'FS01', 1, 20_000);
  await receiveOld(ctx, 'YL01', 1, 30_000);
  for (const [unit, bt, qty] of [
    ['105001', 'YL01', 10_000],
    ['105002', 'YL01', 6_000],
    ['104001', 'FS01', 2_000],
  ] as const) {
    await approveAndIssue(ctx, await apply(ctx, unit, bt, qty, '年度开票需要'));
  }
  ctx.tl.day(68);
  let stubs: BatchRun[] = [];
  for (const [unit, bt] of [
    ['105001', 'YL01'],
    ['105002', 'YL01'],
    ['104001', 'FS01'],
  ] as const) {
    const wo = (await reportWriteoff(ctx, unit, bt, { share: 1 }))!;
    await approveWriteoff(ctx, wo.id, '良好');
    if (unit === '105001') stubs = wo.runs;
  }
  return stubs;
}

/** 换版: the old version's blank stock in the warehouse is stock-voided, then destroyed under supervision. */
export async function writeVersionChange(ctx: DemoContext): Promise<void> {
  const { services, tl, actors } = ctx;
  tl.day(13);
  for (const billTypeCode of ['FS01', 'YL01']) {
    const bureau = await services.stock.stock(systemActor, { holder: 'bureau', billTypeCode });
    const lines = (bureau.items[0]?.ranges ?? []).map((r) => ({ batchCode: r.batchCode, startNo: r.startNo, endNo: r.endNo }));
    tl.tick();
    const sv = await services.stockVoids.create(actors.operator, {
      holder: 'bureau',
      billTypeCode,
      reason: '票据换版，旧版空白票据停止使用，库存作废',
      lines,
    });
    tl.tick(90);
    await services.stockVoids.approve(actors.reviewer, sv.id, { opinion: '同意作废' });
    if (billTypeCode !== 'YL01') continue;
    tl.day(12, -10);
    const d = await services.destructions.create(actors.operator, {
      holder: 'bureau',
      billTypeCode,
      reason: '换版作废的旧版空白票据集中销毁',
      lines,
      supervisor: '刘刚',
    });
    tl.tick(30);
    await services.destructions.approve(actors.reviewer, d.id, { opinion: '同意销毁' });
    tl.tick(240);
    await services.destructions.confirm(actors.supervisor, d.id, { side: 'bureau', confirmedBy: '赵建' });
  }
}

/** The demo year: receipts by batch under print plans, and four quarters of write-offs and applications. */
export async function writeYear(ctx: DemoContext): Promise<void> {
  const { services, tl, actors } = ctx;
  tl.day(12, -5);
  for (const bt of DEMO_BILL_TYPES) await printAndReceive(ctx, bt.code, [{ startNo: 1, endNo: bt.orderSize }]);
  for (const monthsAgo of [12, 9, 6, 3]) {
    if (monthsAgo === 6) {
      tl.day(6, -5);
      for (const bt of DEMO_BILL_TYPES) await printAndReceive(ctx, bt.code, [{ startNo: bt.orderSize + 1, endNo: 2 * bt.orderSize }]);
    }
    const active = DEMO_UNITS.filter((u) => u.status === 'online' || (u.status === 'trial' && monthsAgo === 3));
    for (const [i, u] of active.entries()) {
      tl.day(monthsAgo, Math.floor(i / 3));
      for (const [bt, perQuarter] of Object.entries(u.uses)) {
        if (monthsAgo === 6 && u.code === '104004' && bt === 'FS02') {
          // Asked for far more than it uses: returned with an opinion, then filed again smaller.
          const id = await apply(ctx, u.code, bt, perQuarter * 4, '扩大招生，预计收费增加');
          tl.tick(30);
          await services.applications.reject(actors.reviewer, id, {
            opinion: '申领数量明显超过近三个月实际用量，请按实际需要调整后重新申请',
          });
          tl.tick(120);
          await services.applications.submit(actorFor(ctx, u.code), id, { quantity: perQuarter, reason: '按实际用量调整' });
          await approveAndIssue(ctx, id);
          continue;
        }
        await quarter(ctx, u.code, bt, perQuarter, capOf(u.code, bt));
      }
    }
  }
}

/** The last weeks: a return, the stub destruction, and documents still open today. */
export async function writeRecentWeeks(ctx: DemoContext, stubs: BatchRun[]): Promise<void> {
  const { services, tl, actors } = ctx;
  tl.day(1);
  // 市人才交流中心 merges into another body: reports what it used, returns the blank rest.
  for (const bt of ['JS01', 'FS01']) {
    const wo = await reportWriteoff(ctx, '112001', bt, { share: 0.6 });
    if (wo) await approveWriteoff(ctx, wo.id, '合格');
    const rest = await heldRuns(services, '112001', bt);
    tl.tick();
    const r = await services.returns.create(actorFor(ctx, '112001'), {
      unitCode: '112001',
      billTypeCode: bt,
      reason: '机构改革，本单位并入市人力资源服务中心，剩余空白票据申请退回',
      lines: toLines(rest),
    });
    tl.tick(180);
    await services.returns.approve(actors.reviewer, r.id, { opinion: '同意退回，已清点入库' });
  }
  tl.day(1, 5);
  const d = await services.destructions.create(actors.operator, {
    holder: 'unit',
    unitCode: '105001',
    billTypeCode: 'YL01',
    reason: '已核销票据存根保存期满 5 年，申请销毁',
    lines: toLines(stubs),
    supervisor: '刘刚',
  });
  tl.tick(60);
  await services.destructions.approve(actors.reviewer, d.id, { opinion: '同意销毁，按规定监销' });
  tl.tick(240);
  await services.destructions.confirm(actors.supervisor, d.id, { side: 'bureau', confirmedBy: '赵建' });
  tl.tick(10);
  await services.destructions.confirm(actorFor(ctx, '105001'), d.id, { side: 'unit', confirmedBy: '王芳' });

  tl.day(0, -12);
  const lost = await reportWriteoff(ctx, '105001', 'YL01', { share: 0.9, lost: 2 });
  await approveWriteoff(ctx, lost!.id, '问题', '存在灭失票据 2 份，已登报声明作废；请加强票据保管');
  tl.day(0, -10);
  const wrong = await reportWriteoff(ctx, '104002', 'FS01', { share: 0.85, amountOff: -1250 });
  tl.tick(90);
  await services.writeoffs.reject(actors.reviewer, wrong!.id, { opinion: '开票金额与缴库金额不一致，请查明后重新上报' });
  tl.day(0, -7);
  await reportWriteoff(ctx, '105002', 'YL01', { share: 0.85 });

  tl.day(0, -5);
  for (const [unit, bt, qty] of [
    ['105001', 'YL01E', 60_000],
    ['104003', 'FS01', 1_000],
    ['114001', 'JZ01', 600],
  ] as const)
    await apply(ctx, unit, bt, qty);
  const museum = await apply(ctx, '115001', 'QT01', 300, '文创产品代售收费');
  tl.tick(45);
  await services.applications.reject(actors.reviewer, museum, { opinion: '请先报送该项收费的收费依据（批文）备案，补充材料后再申请' });
}
