import type { DataSource, EntityManager } from 'typeorm';
import { In, LessThan, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { Unit } from '../../catalog/unit.entity';
import { inTransaction } from '../../db/transaction';
import { User } from '../../identity/user.entity';
import { enqueueOutbox } from '../../outbox/outbox';
import { addDays } from '../sla/calendar';
import { Ticket } from '../ticket.entity';
import { ReturnVisit } from './return-visit.entity';
import { ANSWER_WINDOW_MS, calendarIn, insertVisit, workingDayAt } from './return-visit.schedule';

/** Days after going online at which a newly onboarded unit is visited. */
export const ONBOARDING_VISIT_DAYS = [7, 30] as const;
const ONBOARDING_LOOKBACK_DAYS = 40;
const BATCH = 100;
const STALE_MS = 7 * 24 * 3600_000;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The survey text; the bot routes the reply back through pendingFor/recordAnswer. */
async function surveyText(em: EntityManager, v: ReturnVisit): Promise<string> {
  if (v.ticketId) {
    const t = await em.findOneBy(Ticket, { id: v.ticketId });
    return `您好，关于工单 #${v.ticketId}（${clip(t?.summary ?? '', 30)}）的处理，请回复 1-5 分评价（5 分最满意），也可附上意见。`;
  }
  const unit = v.unitId ? await em.findOneBy(Unit, { id: v.unitId }) : null;
  return `您好，${unit ? `贵单位（${unit.name}）` : '您'}使用财政电子票据已有一段时间，请回复 1-5 分评价我们的服务（5 分最满意），也可附上意见或需求。`;
}

/**
 * Sends every due WeCom survey: scheduled → asked and the outbox message in one transaction, the
 * state change conditional so concurrent workers ask once. Asked visits past the answer window expire.
 */
export async function askDueVisits(ds: DataSource, now: Date): Promise<{ asked: number; expired: number }> {
  const expired = await ds
    .getRepository(ReturnVisit)
    .update({ status: 'asked', askedAt: LessThan(new Date(now.getTime() - ANSWER_WINDOW_MS)) as never }, { status: 'expired' });
  const due = await ds.getRepository(ReturnVisit).find({
    select: { id: true },
    where: { status: 'scheduled', channel: 'wecom', dueAt: LessThanOrEqual(now) as never },
    order: { dueAt: 'ASC' },
    take: BATCH,
  });
  let asked = 0;
  for (const { id } of due) {
    const done = await inTransaction(ds, async (em) => {
      const r = await em.update(ReturnVisit, { id, status: 'scheduled' }, { status: 'asked', askedAt: now });
      if ((r.affected ?? 0) !== 1) return false;
      const v = await em.findOneByOrFail(ReturnVisit, { id });
      await enqueueOutbox(
        em,
        `return-visit-${id}-ask`,
        { channel: 'app', toUsers: [v.wecomUserId as string], kind: 'text', content: await surveyText(em, v) },
        now,
      );
      return true;
    });
    if (done) asked++;
  }
  return { asked, expired: expired.affected ?? 0 };
}

/**
 * Schedules the follow-up visits of units that went online in the last weeks (idempotent: one
 * visit per unit and offset). The unit's first staff member with a WeCom id is asked, else the
 * unit's contact is called.
 */
export async function scheduleOnboardingVisits(ds: DataSource, now: Date): Promise<number> {
  const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const units = await ds.getRepository(Unit).find({
    where: { onboardingStatus: 'online', active: true, onboardedOn: MoreThanOrEqual(addDays(today, -ONBOARDING_LOOKBACK_DAYS)) as never },
  });
  if (units.length === 0) return 0;
  const staff = await ds
    .getRepository(User)
    .find({ where: { role: 'unit_staff', active: true, unitId: In(units.map((u) => u.id)) }, order: { id: 'ASC' } });
  let created = 0;
  await inTransaction(ds, async (em) => {
    const cal = await calendarIn(em);
    for (const u of units) {
      const person = staff.find((s) => s.unitId === u.id && s.wecomUserId) ?? null;
      for (const days of ONBOARDING_VISIT_DAYS) {
        const key = `onboarding-${u.id}-d${days}`;
        const dueAt = workingDayAt(cal, addDays(u.onboardedOn as string, days));
        // A visit that would have been weeks ago (first start after onboarding) is no longer worth making.
        if (dueAt.getTime() < now.getTime() - STALE_MS || (await em.existsBy(ReturnVisit, { dedupeKey: key }))) continue;
        await insertVisit(
          em,
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
