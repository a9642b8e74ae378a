import type { Context, Next } from 'koa';
import { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import {
  answersSchema,
  approveChangeSchema,
  descriptionSchema,
  intentParamsSchema,
  listChangesSchema,
  newIntentSchema,
  rejectChangeSchema,
  searchIntentsSchema,
  trainQuerySchema,
  utterancesSchema,
} from '../../domain/kb/kb.schemas';
import type { KbAdminPort } from '../../domain/ports/bot';
import type { ApiPlugin } from '../deps';
import { defineRoute, idParams } from '../http/route';

const trainView = z.object({
  version: z.string(),
  previousVersion: z.string(),
  intents: z.number().int(),
  fromCache: z.boolean(),
  ms: z.number(),
});
const changeView = z
  .object({
    id: z.number(),
    intent: z.string().nullable(),
    kind: z.string(),
    status: z.string(),
    source: z.string(),
    payload: z.record(z.string(), z.unknown()),
  })
  .passthrough();
const editView = z.object({
  change: changeView,
  version: z.string(),
  liveVersion: z.string(),
  warnings: z.array(z.string()),
  trained: trainView.nullable(),
});
const listItem = z.object({
  intent: z.string(),
  kind: z.string(),
  description: z.string(),
  utterances: z.number().int(),
  answers: z.array(z.string()),
  matches: z.array(z.string()).optional(),
});
const MAX_DELETE_BODY = 256 * 1024;

// @koa/bodyparser leaves DELETE bodies unparsed; this route carries its utterances in one.
async function parseDeleteBody(ctx: Context, next: Next): Promise<void> {
  if (ctx.method === 'DELETE' && ctx.request.body === undefined && ctx.is('application/json')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_DELETE_BODY) throw new ValidationError('BODY_TOO_LARGE', '请求体过大');
      chunks.push(chunk);
    }
    try {
      (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      throw new ValidationError('BODY_NOT_JSON', '请求体不是合法的 JSON');
    }
  }
  await next();
}

/** ?train=1 (or true): retrain at once after a live change. */
const wantsTraining = (query: { train?: string }): { train: boolean } => ({ train: query.train === '1' || query.train === 'true' });

/** /kb: browse, edit and review the knowledge base, export it for git, retrain without restart. */
export function makeKbRoutes(deps: { kb: KbAdminPort }): ApiPlugin {
  const { kb } = deps;
  return {
    register({ api, registry }) {
      defineRoute(api, registry, {
        method: 'get',
        path: '/kb/intents',
        tag: 'kb',
        summary: '知识库意图列表（?q= 按名称、说明、说法、答案搜索）',
        permission: 'kb.read',
        query: searchIntentsSchema,
        response: z.object({ version: z.string(), liveVersion: z.string(), trained: z.boolean(), items: z.array(listItem) }),
        handler: ({ query }) => kb.search(query),
      });
      defineRoute(api, registry, {
        method: 'post',
        path: '/kb/train',
        tag: 'kb',
        summary: '按当前知识库（文件 + 已批准变更）重新训练（不停机）',
        permission: 'kb.train',
        response: trainView,
        handler: () => kb.train(),
      });

      const onIntent = {
        tag: 'kb',
        params: intentParamsSchema,
        query: trainQuerySchema,
        response: editView,
        permission: 'kb.edit' as const,
      };
      defineRoute(api, registry, {
        method: 'get',
        path: '/kb/intents/:intent',
        tag: 'kb',
        summary: '意图详情：全部说法、答案、依据和待审核的变更',
        permission: 'kb.read',
        params: intentParamsSchema,
        handler: ({ actor, params }) => kb.intent(actor, params.intent),
      });
      defineRoute(api, registry, {
        method: 'post',
        path: '/kb/intents',
        tag: 'kb',
        summary: '新增意图（工程师提交待审核；至少 10 条说法）',
        permission: 'kb.edit',
        status: 201,
        body: newIntentSchema,
        query: trainQuerySchema,
        response: editView,
        handler: ({ actor, body, query }) => kb.edit(actor, { kind: 'add-intent', input: body }, wantsTraining(query)),
      });
      defineRoute(api, registry, {
        ...onIntent,
        method: 'post',
        path: '/kb/intents/:intent/utterances',
        summary: '为意图新增说法',
        body: utterancesSchema,
        handler: ({ actor, params, body, query }) =>
          kb.edit(actor, { kind: 'add-utterances', intent: params.intent, utterances: body.utterances }, wantsTraining(query)),
      });
      api.use('/kb/intents/:intent/utterances', parseDeleteBody);
      defineRoute(api, registry, {
        ...onIntent,
        method: 'delete',
        path: '/kb/intents/:intent/utterances',
        summary: '删除意图的说法',
        body: utterancesSchema,
        handler: ({ actor, params, body, query }) =>
          kb.edit(actor, { kind: 'remove-utterances', intent: params.intent, utterances: body.utterances }, wantsTraining(query)),
      });
      defineRoute(api, registry, {
        ...onIntent,
        method: 'put',
        path: '/kb/intents/:intent/answers',
        summary: '替换意图的答案（第一条为机器人实际回复）',
        body: answersSchema,
        handler: ({ actor, params, body, query }) =>
          kb.edit(actor, { kind: 'set-answers', intent: params.intent, answers: body.answers }, wantsTraining(query)),
      });
      defineRoute(api, registry, {
        ...onIntent,
        method: 'put',
        path: '/kb/intents/:intent/description',
        summary: '修改意图说明',
        body: descriptionSchema,
        handler: ({ actor, params, body, query }) =>
          kb.edit(actor, { kind: 'edit-description', intent: params.intent, description: body.description }, wantsTraining(query)),
      });
      defineRoute(api, registry, {
        method: 'get',
        path: '/kb/changes',
        tag: 'kb',
        summary: '知识库变更（?status=pending 为待审核）',
        permission: 'kb.read',
        query: listChangesSchema,
        handler: ({ actor, query }) => kb.changes(actor, query),
      });
      defineRoute(api, registry, {
        method: 'post',
        path: '/kb/changes/:id/approve',
        tag: 'kb',
        summary: '批准变更（学习闭环：指定意图，可采用工程师回复为答案；?train=1 立即训练）',
        permission: 'kb.review',
        params: idParams,
        query: trainQuerySchema,
        body: approveChangeSchema,
        response: editView,
        handler: ({ actor, params, body, query }) => kb.edit(actor, { kind: 'approve', id: params.id, input: body }, wantsTraining(query)),
      });
      defineRoute(api, registry, {
        method: 'post',
        path: '/kb/changes/:id/reject',
        tag: 'kb',
        summary: '驳回变更',
        permission: 'kb.review',
        params: idParams,
        body: rejectChangeSchema,
        response: editView,
        handler: ({ actor, params, body }) => kb.edit(actor, { kind: 'reject', id: params.id, opinion: body.opinion }, { train: false }),
      });
      defineRoute(api, registry, {
        method: 'get',
        path: '/kb/export',
        tag: 'kb',
        summary: '导出当前知识库为 YAML 文件（供维护人员评审后提交 git）',
        permission: 'kb.read',
        response: z.object({
          version: z.string(),
          changeIds: z.array(z.number()),
          files: z.array(z.object({ path: z.string(), content: z.string(), changed: z.boolean() })),
        }),
        handler: ({ actor }) => kb.exportFiles(actor),
      });
    },
  };
}
