import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
const severity = z.enum(SEVERITIES, { message: 'severity 必须是 critical、warning 或 info' });
const status = z.enum(['firing', 'resolved'], { message: 'status 必须是 firing 或 resolved' });
const text = (name: string, max: number) =>
  z
    .string({ message: `${name}必须是文字` })
    .trim()
    .min(1, `${name}不能为空`)
    .max(max, `${name}不超过 ${max} 字`);

/** POST /alerts: a generic alert from any system; `key` dedupes (default source + title). */
export const genericAlertSchema = z
  .object({
    source: text('来源', 64),
    severity,
    title: text('标题', 200),
    detail: z.string().trim().max(4000, '详情不超过 4000 字').default(''),
    key: text('告警键', 150).optional(),
    status: status.default('firing'),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type GenericAlert = z.infer<typeof genericAlertSchema>;

const labelMap = z.record(z.string(), z.string()).default({});

// Not strict: Alertmanager adds fields between releases (truncatedAlerts came with v0.20) and an
// unknown field must not make us drop a real alert.
const amAlert = z.object({
  status,
  labels: labelMap,
  annotations: labelMap,
  startsAt: z.string().min(1, 'startsAt 不能为空'),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().max(100).optional(),
});

/** POST /alerts/alertmanager: the Prometheus Alertmanager webhook body, version 4. */
export const alertmanagerSchema = z.object({
  version: z.literal('4', { message: '仅支持 Alertmanager webhook 第 4 版（version "4"）' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().optional(),
  status,
  receiver: z.string(),
  groupLabels: labelMap,
  commonLabels: labelMap,
  commonAnnotations: labelMap,
  externalURL: z.string().default(''),
  alerts: z.array(amAlert, { message: 'alerts 必须是数组' }).min(1, 'alerts 不能为空').max(500, '一次最多 500 条告警'),
});
export type AlertmanagerBody = z.infer<typeof alertmanagerSchema>;

/** What the alert service takes: one alert, already mapped from its source format. */
export interface AlertInput {
  key: string;
  source: string;
  severity: (typeof SEVERITIES)[number];
  title: string;
  detail: string;
  labels: Record<string, string>;
  /** When the fault began, if the reporter knows (Alertmanager startsAt, a probe's first failure). */
  startedAt?: Date;
}

const hostPort = /^[A-Za-z0-9.\-:[\]]+:\d{1,5}$/;

/** POST /monitoring/targets: an HTTP or TCP target of the bill system. */
export const probeTargetSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('http'),
        name: text('名称', 64),
        url: z
          .string()
          .url('url 不是合法的网址')
          .refine((u) => /^https?:\/\//.test(u), 'url 必须以 http:// 或 https:// 开头'),
        expectedStatus: z.number().int().min(100).max(599).default(200),
        timeoutMs: z.number().int().min(100, '超时至少 100 毫秒').max(60_000, '超时不超过 60 秒').default(5000),
        enabled: z.boolean().default(true),
      })
      .strict(),
    z
      .object({
        kind: z.literal('tcp'),
        name: text('名称', 64),
        address: z.string().regex(hostPort, 'address 必须是 主机:端口'),
        timeoutMs: z.number().int().min(100, '超时至少 100 毫秒').max(60_000, '超时不超过 60 秒').default(5000),
        enabled: z.boolean().default(true),
      })
      .strict(),
  ],
  { message: 'kind 必须是 http 或 tcp' },
);
export type ProbeTargetInput = z.infer<typeof probeTargetSchema>;

/** GET /incidents. */
export const incidentQuerySchema = pageQuerySchema.extend({ state: status.optional() }).strict();
export type IncidentQuery = z.infer<typeof incidentQuerySchema>;
