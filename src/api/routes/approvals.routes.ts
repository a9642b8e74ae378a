import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { approvalsPageSchema, approvalsQuerySchema } from '../../domain/documents/approvals-inbox.schemas';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';

/** 待办审批: one inbox over every document the bureau reviews. */
export function registerApprovalRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  defineRoute(api, registry, {
    method: 'get',
    path: '/approvals',
    tag: 'ledger',
    summary: '待办审批：待审核的申领、核销、申退、库存作废、销毁单（先提交的在前），附各项规则检查结果',
    permission: 'application.approve',
    query: approvalsQuerySchema,
    response: approvalsPageSchema,
    handler: ({ actor, query }) => services.approvals.list(actor, query),
  });
}
