import { z } from 'zod';
import { WECOM_ROBOT_MARKDOWN_MAX_BYTES, WECOM_TEXT_MAX_BYTES, utf8Bytes } from './split';

const maxBytes = (n: number) => z.string().refine((s) => utf8Bytes(s) <= n, { message: `must be at most ${n} UTF-8 bytes` });
const content = (n: number) => maxBytes(n).refine((s) => s.trim().length > 0, { message: 'must not be empty' });

/** task_id as WeCom allows it: unique per app, [0-9a-zA-Z_-@], at most 128 bytes. */
export const taskIdSchema = z.string().regex(/^[0-9a-zA-Z_\-@]{1,128}$/, 'must match [0-9a-zA-Z_-@]{1,128}');

/** A `button_interaction` template card (buttons come back as template_card_event callbacks). */
export const templateCardSchema = z
  .object({
    card_type: z.literal('button_interaction'),
    source: z
      .object({ icon_url: z.string().optional(), desc: z.string().optional(), desc_color: z.number().int().min(0).max(3).optional() })
      .optional(),
    main_title: z.object({ title: maxBytes(128).optional(), desc: maxBytes(512).optional() }),
    sub_title_text: z.string().optional(),
    horizontal_content_list: z
      .array(
        z.object({
          type: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
          keyname: z.string().min(1),
          value: z.string().optional(),
          url: z.string().optional(),
          userid: z.string().optional(),
        }),
      )
      .max(6)
      .optional(),
    card_action: z
      .object({ type: z.number().int(), url: z.string().optional(), appid: z.string().optional(), pagepath: z.string().optional() })
      .optional(),
    task_id: taskIdSchema,
    button_list: z
      .array(
        z.object({
          text: z.string().min(1),
          style: z.number().int().min(1).max(4).optional(),
          key: maxBytes(1024).pipe(z.string().min(1)),
        }),
      )
      .min(1)
      .max(6),
    replace_text: z.string().optional(),
  })
  .refine((c) => Boolean(c.main_title.title || c.main_title.desc), { message: 'main_title needs title or desc', path: ['main_title'] });

export type TemplateCard = z.input<typeof templateCardSchema>;

export const textCardSchema = z.object({
  title: maxBytes(128).pipe(z.string().min(1)),
  description: maxBytes(512).pipe(z.string().min(1)),
  url: maxBytes(2048).pipe(z.string().url()),
  btntxt: z.string().max(4).optional(),
});

export type TextCard = z.input<typeof textCardSchema>;

const userId = z
  .string()
  .min(1)
  .regex(/^[^|]+$/, 'must not contain "|"');

/** Recipient list: WeCom takes up to 1000 member ids joined by "|". */
export const toUsersSchema = z.array(userId).min(1).max(1000);

const sendCommon = {
  touser: z.string().min(1),
  agentid: z.number().int(),
  safe: z.union([z.literal(0), z.literal(1)]).optional(),
  enable_duplicate_check: z.union([z.literal(0), z.literal(1)]).optional(),
  duplicate_check_interval: z
    .number()
    .int()
    .min(1)
    .max(4 * 3600)
    .optional(),
};

/** Body of POST /cgi-bin/message/send as this app sends it (touser only, no party/tag fan-out). */
export const messageSendSchema = z.discriminatedUnion('msgtype', [
  z.object({ ...sendCommon, msgtype: z.literal('text'), text: z.object({ content: content(WECOM_TEXT_MAX_BYTES) }) }),
  z.object({ ...sendCommon, msgtype: z.literal('markdown'), markdown: z.object({ content: content(WECOM_TEXT_MAX_BYTES) }) }),
  z.object({ ...sendCommon, msgtype: z.literal('textcard'), textcard: textCardSchema }),
  z.object({ ...sendCommon, msgtype: z.literal('template_card'), template_card: templateCardSchema }),
]);

export type MessageSendBody = z.input<typeof messageSendSchema>;

/** Body of POST /cgi-bin/webhook/send (group robot). */
export const robotSendSchema = z.discriminatedUnion('msgtype', [
  z.object({
    msgtype: z.literal('text'),
    text: z.object({
      content: content(WECOM_TEXT_MAX_BYTES),
      mentioned_list: z.array(z.string().min(1)).optional(),
      mentioned_mobile_list: z.array(z.string().min(1)).optional(),
    }),
  }),
  z.object({ msgtype: z.literal('markdown'), markdown: z.object({ content: content(WECOM_ROBOT_MARKDOWN_MAX_BYTES) }) }),
]);

export type RobotSendBody = z.input<typeof robotSendSchema>;

/** Compact issue summary (paths and messages, no values) for errors and fake-server records. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Body of POST /cgi-bin/message/update_template_card as this app sends it: the members whose copy
 * changes, the ResponseCode (once, within 72 h) and either the buttons replaced by a text or a
 * whole new card.
 */
export const updateTemplateCardSchema = z
  .object({
    userids: toUsersSchema,
    agentid: z.number().int(),
    response_code: z.string().min(1).max(512),
    button: z
      .object({ replace_name: z.string().min(1).max(64) })
      .strict()
      .optional(),
    template_card: templateCardSchema.optional(),
  })
  .refine((b) => (b.button === undefined) !== (b.template_card === undefined), {
    message: 'give either button.replace_name or template_card',
    path: ['button'],
  });

export type UpdateTemplateCardBody = z.input<typeof updateTemplateCardSchema>;
