import { z } from 'zod';

export const TICKET_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:mm（00:00–23:59）');
const minutes = (what: string) =>
  z
    .number()
    .int(`${what}必须是整数分钟`)
    .positive(`${what}必须大于 0`)
    .max(60 * 24 * 60, `${what}过长`);

/** The SLA policy of the O&M contract as data; defaults equal the contract (service-desk.md). */
export const slaPolicySchema = z
  .object({
    // Asia/Shanghai is the contract's zone; a literal keeps a stored policy from silently moving it.
    timeZone: z.literal('Asia/Shanghai').default('Asia/Shanghai'),
    /** Working hours on a working day: [start, end). A report at `end` is already off-hours. */
    workingHours: z
      .object({ start: hhmm.default('08:00'), end: hhmm.default('18:00') })
      .strict()
      .refine((w) => w.start < w.end, { message: '工作时间的开始必须早于结束' })
      .default({ start: '08:00', end: '18:00' }),
    /** Response within working hours (minutes of counted time). */
    responseInHoursMinutes: minutes('工作时间内的响应时限').default(60),
    /** Response outside working hours: evenings, nights, ordinary weekends. */
    responseOffHoursMinutes: minutes('非工作时间的响应时限').default(180),
    /** After a holiday the clock resumes at this time of the next working day. */
    holidayResumeAt: hhmm.default('08:00'),
    /** On-site arrival after the dispatch decision. */
    onsiteMinutes: minutes('到场时限').default(8 * 60),
    /** Resolution target per ticket priority. */
    resolutionMinutes: z
      .object({
        urgent: minutes('紧急工单的解决时限').default(4 * 60),
        high: minutes('高优先级工单的解决时限').default(8 * 60),
        normal: minutes('普通工单的解决时限').default(24 * 60),
        low: minutes('低优先级工单的解决时限').default(72 * 60),
      })
      .strict()
      .default({ urgent: 240, high: 480, normal: 1440, low: 4320 }),
    /** Share of a clock after which the assignee is warned (the breach escalates). */
    warnAtPercent: z.number().int().min(1).max(99).default(80),
  })
  .strict();
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

/** The contract's policy. */
export const DEFAULT_SLA_POLICY: SlaPolicy = Object.freeze(slaPolicySchema.parse({}));

/** Minutes after midnight of an HH:mm string. */
export const minutesOfDay = (hm: string): number => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
