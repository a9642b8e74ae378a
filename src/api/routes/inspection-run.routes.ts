import { z } from 'zod';
import type { AutoInspection } from '../../domain/inspections/auto-inspection';
import type { ApiPlugin } from '../deps';
import { defineRoute } from '../http/route';

const runResponse = z.object({
  id: z.number().int(),
  kind: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  results: z.array(z.object({ item: z.string(), status: z.string(), note: z.string().nullable() })),
  findings: z.array(z.object({ title: z.string(), ticketId: z.number().nullable() })),
  report: z.string(),
});

/** POST /api/v1/inspections/run: the automatic inspection now (the daily job runs the same). */
export function makeInspectionRunRoutes(inspection: AutoInspection): ApiPlugin {
  return {
    register({ api, registry }) {
      defineRoute(api, registry, {
        method: 'post',
        path: '/inspections/run',
        tag: 'inspections',
        permission: 'inspection.run',
        status: 201,
        response: runResponse,
        summary: '立即运行自动巡检（台账不变量、逾期核销、低库存、节假日日历、数据库大小、备份、失败任务），结果存档并推送工程师',
        handler: ({ actor }) => inspection.run(actor, 'manual'),
      });
    },
  };
}
