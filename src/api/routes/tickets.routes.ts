import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import {
  arriveSchema,
  assignSchema,
  createTicketSchema,
  dispatchSchema,
  listTicketsSchema,
  noBodySchema,
  reopenSchema,
  replySchema,
  resolveSchema,
  waitSchema,
} from '../../domain/desk/desk.schemas';
import type { AppDeps } from '../deps';
import { defineRoute, idParams } from '../http/route';

const clock = z.object({
  id: z.number(),
  kind: z.enum(['response', 'onsite', 'resolution']),
  rule: z.string(),
  state: z.enum(['running', 'paused', 'met', 'breached']),
  startedAt: z.string(),
  dueAt: z.string(),
  warnAt: z.string(),
  pausedMs: z.number(),
  pausedSince: z.string().nullable(),
  pauses: z.array(z.object({ from: z.string(), to: z.string().nullable() })),
  stoppedAt: z.string().nullable(),
  warnedAt: z.string().nullable(),
  breachedAt: z.string().nullable(),
  breached: z.boolean(),
});
const ticket = z
  .object({ id: z.number(), source: z.string(), state: z.string(), priority: z.string(), category: z.string(), summary: z.string() })
  .passthrough();
const detail = ticket.extend({
  events: z.array(z.object({ type: z.string(), body: z.string().nullable(), at: z.string() }).passthrough()),
  clocks: z.array(clock),
});

/** /tickets: the desk's work queue — create, read with timeline and SLA clocks, and every life-cycle action. */
export function registerTicketRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  const { tickets } = services;
  const base = { tag: 'tickets', params: idParams, response: ticket };
  defineRoute(api, registry, {
    method: 'get',
    path: '/tickets',
    tag: 'tickets',
    summary: '工单列表（单位人员只看本单位）',
    query: listTicketsSchema,
    handler: ({ actor, query }) => tickets.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/tickets',
    tag: 'tickets',
    summary: '登记工单（来电、传真、网络、来访、巡检）',
    permission: 'ticket.handle',
    status: 201,
    body: createTicketSchema,
    response: ticket,
    handler: ({ actor, body }) => tickets.create(actor, body),
  });
  defineRoute(api, registry, {
    ...base,
    method: 'get',
    path: '/tickets/:id',
    summary: '工单详情：时间线与 SLA 计时（规则、到期、暂停、超时）',
    response: detail,
    handler: ({ actor, params }) => tickets.get(actor, params.id),
  });
  defineRoute(api, registry, {
    ...base,
    method: 'post',
    path: '/tickets/:id/replies',
    summary: '回复工单（工程师回复提问人；单位人员补充信息）',
    body: replySchema,
    handler: ({ actor, params, body }) => tickets.postReply(actor, params.id, body.text),
  });
  const action = <S extends z.ZodType>(
    name: string,
    summary: string,
    body: S,
    run: (actor: Parameters<typeof tickets.claim>[0], id: number, b: z.infer<S>) => Promise<unknown>,
  ) =>
    defineRoute(api, registry, {
      ...base,
      method: 'post',
      path: `/tickets/:id/${name}`,
      summary,
      permission: 'ticket.handle',
      body,
      handler: ({ actor, params, body: b }) => run(actor, params.id, b),
    });
  action('claim', '认领工单（首次响应）', noBodySchema, (a, id) => tickets.claim(a, id));
  action('assign', '分派工单给工程师', assignSchema, (a, id, b) => tickets.assign(a, id, b.username));
  action('resolve', '标记已解决（停止全部计时）', resolveSchema, (a, id, b) => tickets.resolve(a, id, b.note));
  action('reopen', '重新打开已解决的工单（解决计时继续）', reopenSchema, (a, id, b) => tickets.reopen(a, id, b.reason));
  action('close', '关闭已解决的工单', noBodySchema, (a, id) => tickets.close(a, id));
  action('dispatch', '决定派员现场处理（开始到场计时）', dispatchSchema, (a, id, b) => tickets.dispatch(a, id, b.note));
  action('arrive', '登记到场（停止到场计时）', arriveSchema, (a, id, b) => tickets.arrive(a, id, b.note));
  action('wait', '等待用户补充（暂停计时）', waitSchema, (a, id, b) => tickets.wait(a, id, b.reason));
  action('resume', '恢复处理（恢复计时，到期时间顺延）', noBodySchema, (a, id) => tickets.resume(a, id));
}
