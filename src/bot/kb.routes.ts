import type { Context, Next } from 'koa';
import { z } from 'zod';
import type { ApiPlugin } from '../api/deps';
import { defineRoute, idParams } from '../api/http/route';
import { ValidationError } from '../domain/errors';
import type { KbChangeService, KbEditResult } from '../domain/kb/kb-change.service';
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
} from '../domain/kb/kb.schemas';
import type { KbIntentView } from '../domain/kb/kb.types';
import type { Logger } from '../logger';
import type { Bot } from './bot';
import type { NlpModel } from './dialog/nlp-holder';
import { normalizeText } from './nlp/normalize';

export interface KbRoutesDeps {
  bot: Bot;
  logger: Logger;
  /** Builds a fresh (kb, classifier) pair from the effective corpus (files + approved overlay). */
  rebuild: () => Promise<NlpModel & { fromCache?: boolean }>;
  /** The overlay; absent = read-only list and retrain of the files (older wiring). */
  changes?: KbChangeService;
}

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

function search(intents: KbIntentView[], q: string | undefined, kind: string | undefined) {
  const needle = q ? normalizeText(q) : '';
  return intents
    .filter((i) => !kind || i.kind === kind)
    .map((i) => {
      const matches = needle ? i.utterances.filter((u) => normalizeText(u).includes(needle)) : [];
      const hit =
        !needle || matches.length > 0 || [i.intent, i.description, ...i.answers].some((s) => s.toLowerCase().includes(q!.toLowerCase()));
      return hit
        ? {
            intent: i.intent,
            kind: i.kind,
            description: i.description,
            utterances: i.utterances.length,
            answers: i.answers,
            ...(needle ? { matches: matches.slice(0, 20) } : {}),
          }
        : null;
    })
    .filter((i) => i !== null);
}

/** /kb: browse, edit and review the knowledge base, export it for git, retrain without restart. */
export function makeKbRoutes(deps: KbRoutesDeps): ApiPlugin {
  const { bot, logger, changes } = deps;
  const live = () => bot.nlp.current().kb.version;

  async function train() {
    const previousVersion = live();
    const started = Date.now();
    let fromCache = false;
    // An invalid corpus throws before the swap: the live model stays.
    const next = await bot.nlp.retrain(async () => {
      const built = await deps.rebuild();
      fromCache = built.fromCache ?? false;
      return { kb: built.kb, classifier: built.classifier };
    });
    logger.info({ version: next.kb.version, previousVersion }, 'knowledge base retrained');
    return { version: next.kb.version, previousVersion, intents: next.kb.intents.length, fromCache, ms: Date.now() - started };
  }
  // A run already in flight may have read the overlay before this change: then run once more.
  async function trainTo(version: string) {
    const first = await train();
    return first.version === version ? first : { ...(await train()), previousVersion: first.previousVersion };
  }
  const respond = async (r: KbEditResult, query: { train?: string }) => {
    const wanted = (query.train === '1' || query.train === 'true') && r.change.status === 'approved';
    const trained = wanted ? await trainTo(r.version) : null;
    return { change: r.change, version: r.version, liveVersion: live(), warnings: r.warnings, trained };
  };

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
        handler: async ({ query }) => {
          const corpus = changes ? await changes.effective() : bot.nlp.current().kb;
          return {
            version: corpus.version,
            liveVersion: live(),
            trained: corpus.version === live(),
            items: search(corpus.intents, query.q, query.kind),
          };
        },
      });
      defineRoute(api, registry, {
        method: 'post',
        path: '/kb/train',
        tag: 'kb',
        summary: '按当前知识库（文件 + 已批准变更）重新训练（不停机）',
        permission: 'kb.train',
        response: trainView,
        handler: () => train(),
      });
      if (!changes) return;

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
        handler: ({ actor, params }) => changes.intent(actor, params.intent),
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
        handler: async ({ actor, body, query }) => respond(await changes.addIntent(actor, body), query),
      });
      defineRoute(api, registry, {
        ...onIntent,
        method: 'post',
        path: '/kb/intents/:intent/utterances',
        summary: '为意图新增说法',
        body: utterancesSchema,
        handler: async ({ actor, params, body, query }) =>
          respond(await changes.addUtterances(actor, params.intent, body.utterances), query),
      });
      api.use('/kb/intents/:intent/utterances', parseDeleteBody);
      defineRoute(api, registry, {
        ...onIntent,
        method: 'delete',
        path: '/kb/intents/:intent/utterances',
        summary: '删除意图的说法',
        body: utterancesSchema,
        handler: async ({ actor, params, body, query }) =>
          respond(await changes.removeUtterances(actor, params.intent, body.utterances), query),
      });
      defineRoute(api, registry, {
        ...onIntent,
        method: 'put',
        path: '/kb/intents/:intent/answers',
        summary: '替换意图的答案（第一条为机器人实际回复）',
        body: answersSchema,
        handler: async ({ actor, params, body, query }) => respond(await changes.setAnswers(actor, params.intent, body.answers), query),
      });
      defineRoute(api, registry, {
        ...onIntent,
        method: 'put',
        path: '/kb/intents/:intent/description',
        summary: '修改意图说明',
        body: descriptionSchema,
        handler: async ({ actor, params, body, query }) =>
          respond(await changes.editDescription(actor, params.intent, body.description), query),
      });
      defineRoute(api, registry, {
        method: 'get',
        path: '/kb/changes',
        tag: 'kb',
        summary: '知识库变更（?status=pending 为待审核）',
        permission: 'kb.read',
        query: listChangesSchema,
        handler: ({ actor, query }) => changes.list(actor, query),
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
        handler: async ({ actor, params, body, query }) => respond(await changes.approve(actor, params.id, body), query),
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
        handler: async ({ actor, params, body }) => respond(await changes.reject(actor, params.id, body.opinion), {}),
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
        handler: ({ actor }) => changes.exportFiles(actor),
      });
    },
  };
}
