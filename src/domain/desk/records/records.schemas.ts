import { z } from 'zod';
import { idSchema, MAX_ID } from '../../common/ids';
import { pageQuerySchema } from '../../common/pagination';
import { unitCodeSchema } from '../../identity/identity.schemas';
import { isValidDate } from '../sla/calendar';
import { isoInstantSchema } from '../sla/sla.schemas';
import { reportDateSchema, reportFormatSchema } from '../../reports/report.schemas';

// An empty query value (`?unitCode=`) means "not given".
const blank = (v: unknown) => (v === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blank, s.optional());
const text = (what: string, max: number) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .max(max, `${what}不超过 ${max} 字`);
const dateSchema = z.string({ message: '请填写日期' }).trim().refine(isValidDate, '日期格式不正确，应为 YYYY-MM-DD 的有效日期');
const ticketId = z
  .number({ message: '工单号必须是数字' })
  .int('工单号必须是整数')
  .positive('工单号必须是正整数')
  .max(MAX_ID, '工单号不存在');
// A record id in a query string (?ticketId=): a number no larger than an id column holds.
const queryId = z.coerce.number().int().positive().max(MAX_ID);
const unitCodes = z.array(unitCodeSchema).max(500, '单位最多 500 个');

export const CONSULTATION_CHANNELS = ['phone', 'fax', 'network', 'walk_in'] as const;
export const CHANNEL_NAMES: Record<(typeof CONSULTATION_CHANNELS)[number], string> = {
  phone: '电话',
  fax: '传真',
  network: '网络',
  walk_in: '来访',
};

/** 来电记录: only the channel and the question are required, so a call can be logged while it happens. */
export const createConsultationSchema = z
  .object({
    channel: z.enum(CONSULTATION_CHANNELS, { message: '渠道只能是 phone（电话）、fax（传真）、network（网络）或 walk_in（来访）' }),
    caller: z.string().trim().max(64, '来电人不超过 64 字').optional(),
    callerPhone: z.string().trim().max(32, '电话号码不超过 32 位').optional(),
    unitCode: unitCodeSchema.optional(),
    category: z.string().trim().min(1).max(32, '类别不超过 32 字').default('一般咨询'),
    question: text('问题', 2000),
    answer: z.string().trim().max(4000, '答复不超过 4000 字').optional(),
    durationMinutes: z
      .number({ message: '通话时长必须是数字（分钟）' })
      .int('通话时长须为整数分钟')
      .min(0, '通话时长不能为负')
      .max(600, '通话时长不超过 600 分钟')
      .optional(),
    receivedAt: isoInstantSchema.optional(),
    linkedTicketId: ticketId.optional(),
    createTicket: z.boolean().optional(),
  })
  .strict()
  .refine((c) => !(c.createTicket && c.linkedTicketId), { message: 'createTicket 与 linkedTicketId 不能同时填写', path: ['createTicket'] });
export type CreateConsultationInput = z.infer<typeof createConsultationSchema>;

export const listConsultationsSchema = pageQuerySchema.extend({
  channel: opt(z.enum(CONSULTATION_CHANNELS, { message: '渠道只能是 phone、fax、network 或 walk_in' })),
  unitCode: opt(unitCodeSchema),
  category: opt(z.string().trim().max(32)),
  from: opt(dateSchema),
  to: opt(dateSchema),
  q: opt(z.string().trim().max(64)),
});
export type ListConsultationsQuery = z.infer<typeof listConsultationsSchema>;

export const ONSITE_RESULTS = ['resolved', 'partial', 'unresolved'] as const;
const onsiteResult = z.enum(ONSITE_RESULTS, { message: '处理结果只能是 resolved（已解决）、partial（部分解决）或 unresolved（未解决）' });

/** 现场服务记录. */
export const createOnsiteVisitSchema = z
  .object({
    ticketId: ticketId.optional(),
    unitCode: unitCodeSchema,
    dispatchedAt: isoInstantSchema,
    arrivedAt: isoInstantSchema.optional(),
    workDone: text('工作内容', 4000),
    result: onsiteResult,
    unitSignature: z.string().trim().min(1, '签字人不能为空').max(64, '签字人不超过 64 字').optional(),
    signedAt: isoInstantSchema.optional(),
  })
  .strict();
export type CreateOnsiteVisitInput = z.infer<typeof createOnsiteVisitSchema>;

export const updateOnsiteVisitSchema = createOnsiteVisitSchema
  .pick({ arrivedAt: true, workDone: true, result: true, unitSignature: true, signedAt: true })
  .partial()
  .strict();
export type UpdateOnsiteVisitInput = z.infer<typeof updateOnsiteVisitSchema>;

export const listOnsiteVisitsSchema = pageQuerySchema.extend({
  unitCode: opt(unitCodeSchema),
  ticketId: opt(queryId),
});
export type ListOnsiteVisitsQuery = z.infer<typeof listOnsiteVisitsSchema>;

export const RETURN_VISIT_STATUSES = ['scheduled', 'asked', 'answered', 'expired', 'cancelled'] as const;

/** A return visit entered by hand (e.g. a courtesy call to a newly onboarded unit). */
export const createReturnVisitSchema = z
  .object({
    ticketId: ticketId.optional(),
    unitCode: unitCodeSchema.optional(),
    contactName: z.string().trim().max(64).optional(),
    wecomUserId: z.string().trim().min(1).max(64).optional(),
    dueAt: isoInstantSchema.optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((v) => v.ticketId || v.unitCode, { message: '请填写工单号（ticketId）或单位编码（unitCode）', path: ['unitCode'] });
export type CreateReturnVisitInput = z.infer<typeof createReturnVisitSchema>;

/** An answer taken by an operator on the phone. */
export const answerReturnVisitSchema = z
  .object({
    rating: z
      .number({ message: '评分必须是 1-5 的整数' })
      .int('评分必须是 1-5 的整数')
      .min(1, '评分必须是 1-5 的整数')
      .max(5, '评分必须是 1-5 的整数'),
    comment: z.string().trim().max(1000, '意见不超过 1000 字').optional(),
  })
  .strict();
export type AnswerReturnVisitInput = z.infer<typeof answerReturnVisitSchema>;

export const listReturnVisitsSchema = pageQuerySchema.extend({
  status: opt(z.enum(RETURN_VISIT_STATUSES, { message: 'status 不是有效的回访状态' })),
  ticketId: opt(queryId),
  unitCode: opt(unitCodeSchema),
});
export type ListReturnVisitsQuery = z.infer<typeof listReturnVisitsSchema>;

export const INSPECTION_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export const INSPECTION_STATUSES = ['ok', 'warn', 'fail'] as const;
const itemKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,48}$/, '检查项编号只能包含字母、数字、_ . -（1-48 位）');

export const createInspectionScheduleSchema = z
  .object({
    name: text('巡检名称', 64),
    frequency: z.enum(INSPECTION_FREQUENCIES, { message: '频率只能是 daily（每日）、weekly（每周）或 monthly（每月）' }),
    checklist: z
      .array(z.object({ key: itemKey, label: text('检查项名称', 128) }).strict())
      .min(1, '检查清单至少一项')
      .max(100, '检查清单最多 100 项'),
  })
  .strict()
  .refine((s) => new Set(s.checklist.map((c) => c.key)).size === s.checklist.length, { message: '检查项编号重复', path: ['checklist'] });
export type CreateInspectionScheduleInput = z.infer<typeof createInspectionScheduleSchema>;

export const FINDING_SEVERITIES = ['urgent', 'high', 'normal', 'low'] as const;

/** One inspection run: a result per checklist item, and findings that may open tickets. */
export const recordInspectionSchema = z
  .object({
    scheduleId: idSchema.optional(),
    kind: z.string().trim().min(1).max(32).default('manual'),
    results: z
      .array(
        z
          .object({
            item: itemKey,
            status: z.enum(INSPECTION_STATUSES, { message: '结果只能是 ok、warn 或 fail' }),
            note: z.string().trim().max(1000).optional(),
          })
          .strict(),
      )
      .min(1, '至少填写一项检查结果')
      .max(200),
    findings: z
      .array(
        z
          .object({
            title: text('发现问题的标题', 200),
            detail: z.string().trim().max(2000).optional(),
            severity: z.enum(FINDING_SEVERITIES, { message: '严重程度只能是 urgent、high、normal 或 low' }).default('normal'),
            unitCode: unitCodeSchema.optional(),
            openTicket: z.boolean().default(true),
          })
          .strict(),
      )
      .max(50, '一次巡检最多 50 个发现')
      .default([]),
  })
  .strict()
  .refine((r) => new Set(r.results.map((x) => x.item)).size === r.results.length, { message: '检查项重复', path: ['results'] });
export type RecordInspectionInput = z.input<typeof recordInspectionSchema>;

export const listInspectionsSchema = pageQuerySchema.extend({
  scheduleId: opt(queryId),
  status: opt(z.enum(INSPECTION_STATUSES)),
});
export type ListInspectionsQuery = z.infer<typeof listInspectionsSchema>;

export const createTrainingSessionSchema = z
  .object({
    date: dateSchema,
    topic: text('培训主题', 200),
    trainer: text('培训人', 64),
    unitCodes: unitCodes.default([]),
    attendees: z.number({ message: '参训人数必须是数字' }).int('参训人数必须是整数').min(0, '参训人数不能为负').max(100_000).default(0),
    materials: z
      .array(z.object({ title: text('资料名称', 200), url: z.string().trim().url('资料链接不是有效的网址').optional() }).strict())
      .max(50)
      .default([]),
    requestId: idSchema.optional(),
  })
  .strict();
export type CreateTrainingSessionInput = z.input<typeof createTrainingSessionSchema>;

export const TRAINING_REQUEST_STATUSES = ['open', 'scheduled', 'done', 'declined'] as const;
export const createTrainingRequestSchema = z
  .object({
    unitCode: unitCodeSchema.optional(),
    topic: text('培训主题', 200),
    preferredDate: dateSchema.optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();
export type CreateTrainingRequestInput = z.infer<typeof createTrainingRequestSchema>;
export const updateTrainingRequestSchema = z
  .object({
    status: z.enum(TRAINING_REQUEST_STATUSES, { message: '状态只能是 open、scheduled、done 或 declined' }),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();
export type UpdateTrainingRequestInput = z.infer<typeof updateTrainingRequestSchema>;
export const listTrainingsSchema = pageQuerySchema.extend({ from: opt(dateSchema), to: opt(dateSchema), unitCode: opt(unitCodeSchema) });
export type ListTrainingsQuery = z.infer<typeof listTrainingsSchema>;
export const listTrainingRequestsSchema = pageQuerySchema.extend({
  status: opt(z.enum(TRAINING_REQUEST_STATUSES)),
  unitCode: opt(unitCodeSchema),
});
export type ListTrainingRequestsQuery = z.infer<typeof listTrainingRequestsSchema>;

export const createAnnouncementSchema = z
  .object({
    kind: z.enum(['announcement', 'briefing'], { message: '类型只能是 announcement（公告）或 briefing（简报）' }).default('announcement'),
    title: text('标题', 128),
    body: text('正文', 20_000),
    unitCodes: unitCodes.min(1, '指定单位时至少一个').optional(),
  })
  .strict();
export type CreateAnnouncementInput = z.input<typeof createAnnouncementSchema>;
export const listAnnouncementsSchema = pageQuerySchema.extend({ status: opt(z.enum(['draft', 'published'])) });
export type ListAnnouncementsQuery = z.infer<typeof listAnnouncementsSchema>;

/** Desk record reports: inclusive Shanghai dates (default: this year), optional unit, json | xlsx | csv. */
export const deskReportSchema = z
  .object({ from: opt(reportDateSchema), to: opt(reportDateSchema), unitCode: opt(unitCodeSchema), format: reportFormatSchema })
  .strict();
export type DeskReportQuery = z.infer<typeof deskReportSchema>;
