import type { Context } from 'koa';
import type { Clock } from '../../domain/clock';
import type { ExchangeLog } from '../../domain/desk/exchange-log.service';
import type { BotPort } from '../../domain/ports/bot';
import { CallbackRefused, type CallbackCodec, type CallbackInbound } from '../../domain/ports/channel';
import type { Logger } from '../../logger';
import type { ApiPlugin } from '../deps';
import { findUnclean, stripNul } from '../http/clean-text';
import { callbackBody } from './callback-request';

export interface WecomCallbackDeps {
  /** The channel's protocol: signature, decryption, message format, passive reply. */
  codec: CallbackCodec;
  bot: BotPort;
  /** Claims each callback once across processes; queues answers that miss the passive reply. */
  inbox: Pick<ExchangeLog, 'claimInbound' | 'queueLateAnswer'>;
  clock: Clock;
  logger: Logger;
  /** Answer passively when ready within this time, else 200 now and the answer via the outbox. */
  replyBudgetMs?: number;
  path?: string;
}

/**
 * What the channel delivered, made safe to store: a NUL in a member's text is dropped (their client
 * sent it; they cannot be asked to retype), while control characters in what WeCom itself fills in
 * (the sender's account, ids, event names and keys) mean the callback is not WeCom's: malformed.
 */
export function cleanInbound(msg: CallbackInbound): CallbackInbound {
  const { text: _text, ...fields } = msg as CallbackInbound & { text?: string };
  const unclean = findUnclean(fields);
  if (unclean) throw new CallbackRefused('malformed', 'IllegalCharacter', -40002, `control character in ${unclean.path}`);
  return msg.kind === 'text' ? { ...msg, text: stripNul(msg.text) } : msg;
}

/** GET/POST /wecom/callback: verify, decrypt, dedupe, answer within budget; never a 5xx. */
export function makeWecomCallbackRoutes(deps: WecomCallbackDeps): ApiPlugin {
  const { codec, bot, inbox } = deps;
  const logger = deps.logger.child({ component: 'wecom-callback' });
  const budgetMs = deps.replyBudgetMs ?? 3000;
  const path = deps.path ?? '/wecom/callback';

  /** Forged or stale → 403, anything malformed → 400; no detail in the body. */
  function refuse(ctx: Context, err: unknown, what: string): void {
    if (err instanceof CallbackRefused) {
      logger.warn({ code: err.code, error: err.errorName, detail: err.message }, `wecom ${what} refused`);
      ctx.status = err.kind === 'forged' ? 403 : 400;
    } else {
      logger.error({ err }, `wecom ${what} failed`);
      ctx.status = 400;
    }
    ctx.body = '';
  }

  const empty = (ctx: Context): void => {
    ctx.status = 200;
    ctx.body = '';
  };

  function passive(ctx: Context, toUser: string, text: string): void {
    const sealed = codec.sealReply(toUser, text);
    ctx.status = 200;
    ctx.type = sealed.contentType;
    ctx.body = sealed.body;
  }

  function answer(msg: CallbackInbound): Promise<string | null> {
    const receivedAt = deps.clock.now();
    switch (msg.kind) {
      case 'text':
        return bot
          .handleMessage({ channel: codec.channel, senderId: msg.senderId, text: msg.text, messageId: msg.messageId, receivedAt })
          .then((r) => r.reply);
      case 'event':
        return bot.handleEvent({
          channel: codec.channel,
          senderId: msg.senderId,
          event: msg.event,
          eventKey: msg.eventKey,
          taskId: msg.taskId,
          responseCode: msg.responseCode,
          receivedAt,
        });
      case 'unsupported':
        return Promise.resolve(bot.textOnly());
    }
  }

  async function handlePost(ctx: Context): Promise<void> {
    let msg: CallbackInbound;
    try {
      msg = cleanInbound(codec.open(ctx.querystring ?? '', await callbackBody(ctx)));
    } catch (err) {
      refuse(ctx, err, 'callback');
      return;
    }
    const key = msg.dedupeKey;
    try {
      // WeCom retries after 5 s (3 times): only the first copy is answered, in whichever process.
      if (!(await inbox.claimInbound(codec.channel, key))) {
        logger.info({ key }, 'wecom callback already handled (retry)');
        empty(ctx);
        return;
      }
      const work = answer(msg);
      let timer: NodeJS.Timeout | undefined;
      const late = Symbol('late');
      const first = await Promise.race([work, new Promise<typeof late>((r) => (timer = setTimeout(() => r(late), budgetMs)))]).finally(() =>
        clearTimeout(timer),
      );
      if (first === late || (first !== null && !codec.fitsReply(first))) {
        empty(ctx);
        work
          .then((reply) => (reply ? inbox.queueLateAnswer(codec.channel, key, msg.senderId, reply) : undefined))
          .catch((err: unknown) => logger.error({ err, key }, 'late wecom answer could not be queued'));
        return;
      }
      if (first === null) {
        empty(ctx);
        return;
      }
      passive(ctx, msg.senderId, first);
    } catch (err) {
      // Rule 7: the member still gets a friendly answer, and WeCom a 200 so it does not retry.
      logger.error({ err, key }, 'wecom callback handling failed; sending the fallback');
      try {
        passive(ctx, msg.senderId, bot.fallback());
      } catch {
        empty(ctx);
      }
    }
  }

  return {
    register({ open }) {
      open.get(path, (ctx) => {
        try {
          const plain = codec.verifyUrl(ctx.querystring ?? '');
          ctx.status = 200;
          ctx.type = 'text/plain';
          ctx.body = plain; // exactly the plaintext: no quotes, BOM or newline
        } catch (err) {
          refuse(ctx, err, 'URL verification');
        }
      });
      open.post(path, handlePost);
    },
  };
}
