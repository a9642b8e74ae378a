import type { DomainStore, Repositories } from '../../db/repositories';
import { addDays } from '../sla/calendar';
import type { ReturnVisit } from './return-visit.entity';
import { ANSWER_WINDOW_MS, insertVisit, workingDayAt } from './return-visit.schedule';

/** Days after going online at which a newly onboarded unit is visited. */
export const ONBOARDING_VISIT_DAYS = [7, 30] as const;
const ONBOARDING_LOOKBACK_DAYS = 40;
const BATCH = 100;
const STALE_MS = 7 * 24 * 3600_000;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The survey text; the bot routes the reply back through pendingFor/recordAnswer. */
async function surveyText(tx: Repositories, v: ReturnVisit): Promise<string> {
  if (v.ticketId) {
    const t = await tx.tickets.byId(v.ticketId);
    return `您好，关于工单 #${v.ticketId}（${clip(t?.summary ?? '', 30)}）的处理，请回复 1-5 分评价（5 分最满意），也可附上意见。`;
  }
  const unit = v.unitId ? await tx.catalog.unitById(v.unitId) : null;
  return `您好，${unit ? `贵单位（${unit.name}）` : '您'}使用财政电子票据已有一段时间，请回复 1-5 分评价我们的服务（5 分最满意），也可附上意见或需求。`;
}

/**
 * Sends every due WeCom survey: scheduled → asked and the outbox message in one transaction, the
 * state change conditional so concurrent workers ask once. Asked visits past the answer window expire.
 */
export async function askDueVisits(store: DomainStore, now: Date): Promise<{ asked: number; expired: number }> {
  const expired = await store.read.returnVisits.expireAskedBefore(new Date(now.getTime() - ANSWER_WINDOW_MS));
  const due = await store.read.returnVisits.dueWecomIds(now, BATCH);
  let asked = 0;
  for (const id of due) {
    const done = await store.transaction(async (tx) => {
      if (!(await tx.returnVisits.markAsked(id, now))) return false;
      const v = await tx.returnVisits.byId(id);
      if (!v) throw new Error(`return visit ${id} vanished inside its transaction`);
      // The visit stops taking answers after the window (expireAskedBefore): a survey arriving later cannot be answered.
      await tx.outbox.enqueue(
        `return-visit-${id}-ask`,
        { channel: 'app', toUsers: [v.wecomUserId as string], kind: 'text', content: await surveyText(tx, v) },
        now,
        { at: new Date(now.getTime() + ANSWER_WINDOW_MS), reason: 'return-visit survey: its 3-day answer window has passed' },
      );
      return true;
    });
    if (done) asked++;
  }
  return { asked, expired };
}

/**
 * Schedules the follow-up visits of units that went online in the last weeks (idempotent: one
 * visit per unit and offset). The unit's first staff member with a WeCom id is asked, else the
 * unit's contact is called.
 */
export async function scheduleOnboardingVisits(store: DomainStore, now: Date): Promise<number> {
  const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const units = await store.read.catalog.onlineUnitsSince(addDays(today, -ONBOARDING_LOOKBACK_DAYS));
  if (units.length === 0) return 0;
  const staff = await store.read.identity.activeWithRole('unit_staff', { unitIds: units.map((u) => u.id) });
  let created = 0;
  await store.transaction(async (tx) => {
    const cal = await tx.slaCalendar.calendar();
    for (const u of units) {
      const person = staff.find((s) => s.unitId === u.id && s.wecomUserId) ?? null;
      for (const days of ONBOARDING_VISIT_DAYS) {
        const key = `onboarding-${u.id}-d${days}`;
        const dueAt = workingDayAt(cal, addDays(u.onboardedOn as string, days));
        // A visit that would have been weeks ago (first start after onboarding) is no longer worth making.
        if (dueAt.getTime() < now.getTime() - STALE_MS || (await tx.returnVisits.existsWithKey(key))) continue;
        await insertVisit(
          tx,
          {
            dedupeKey: key,
            kind: 'onboarding',
            unitId: u.id,
            userId: person?.id ?? null,
            wecomUserId: person?.wecomUserId ?? null,
            contactName: person?.name ?? u.contactName,
            dueAt,
            note: `上线 ${days} 天回访`,
          },
          now,
        );
        created++;
      }
    }
  });
  return created;
}
