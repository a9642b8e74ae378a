import type { Logger } from '../../../logger';
import { makeApiCaller, WecomApiError, type FetchImpl, type Sleep } from './api';
import { describeIssues, robotSendSchema, type RobotSendBody } from './payloads';
import { splitUtf8, WECOM_ROBOT_MARKDOWN_MAX_BYTES, WECOM_TEXT_MAX_BYTES } from './split';

export interface WecomRobotOptions {
  apiBase: string;
  /** The webhook key: a credential, so it is only ever logged redacted. */
  key: string;
  logger: Logger;
  fetchImpl?: FetchImpl;
  sleep?: Sleep;
  timeoutMs?: number;
  maxRetries?: number;
  baseDelayMs?: number;
}

export interface RobotTextOptions {
  /** Member ids to @, or "@all". */
  mentionedList?: string[];
  mentionedMobileList?: string[];
}

/** Makes a group-robot sender (webhook/send); long content is split, errors are WecomApiError. */
export function makeWecomRobot(options: WecomRobotOptions) {
  const logger = options.logger.child({ component: 'wecom-robot' });
  const api = makeApiCaller({ ...options, logger, secrets: () => [options.key] });

  async function post(body: RobotSendBody): Promise<void> {
    const checked = robotSendSchema.safeParse(body);
    if (!checked.success) throw new WecomApiError(40058, `invalid robot ${body.msgtype}: ${describeIssues(checked.error)}`, false);
    // The robot answers HTTP 200 with an errcode (45009 over 20/min, 93000 bad key).
    const reply = await api.call('/cgi-bin/webhook/send', { key: options.key }, body);
    if (reply.errcode !== 0) throw new WecomApiError(reply.errcode, reply.errmsg);
  }

  async function sendParts(parts: string[], build: (content: string, index: number) => RobotSendBody): Promise<void> {
    for (let i = 0; i < parts.length; i++) {
      try {
        await post(build(parts[i], i));
      } catch (err) {
        if (!(err instanceof WecomApiError) || i === 0) throw err;
        throw new WecomApiError(err.errcode, err.errmsg, err.retryable, err.httpStatus, i);
      }
    }
  }

  return {
    /** Posts text (≤ 2048 bytes per part); mentions go with the first part only. */
    sendText: (content: string, mentions: RobotTextOptions = {}) =>
      sendParts(splitUtf8(content, WECOM_TEXT_MAX_BYTES), (part, i) => ({
        msgtype: 'text',
        text: {
          content: part,
          ...(i === 0 && mentions.mentionedList ? { mentioned_list: mentions.mentionedList } : {}),
          ...(i === 0 && mentions.mentionedMobileList ? { mentioned_mobile_list: mentions.mentionedMobileList } : {}),
        },
      })),
    /** Posts markdown (≤ 4096 bytes per part). */
    sendMarkdown: (content: string) =>
      sendParts(splitUtf8(content, WECOM_ROBOT_MARKDOWN_MAX_BYTES), (part) => ({ msgtype: 'markdown', markdown: { content: part } })),
  };
}

export type WecomRobot = ReturnType<typeof makeWecomRobot>;
