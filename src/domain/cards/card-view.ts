import { z } from 'zod';

/** A button on a card: the key a press sends back (template_card_event EventKey, POST /bot/buttons) and its text. */
export const cardButtonSchema = z.object({ key: z.string().min(1).max(200), text: z.string().min(1).max(20) });

/** A card as every channel shows it (bot.md): the API returns it as is, WeCom gets it as a button_interaction template card. */
export const chatCardSchema = z.object({
  title: z.string(),
  lines: z.array(z.string()),
  buttons: z.array(cardButtonSchema),
});
export type ChatCard = z.infer<typeof chatCardSchema>;

/** A card and where it lives in WeCom (task_id) and on the workbench (url). */
export interface CardSpec extends ChatCard {
  taskId: string;
  url?: string;
}

/** Button styles WeCom knows: 1 blue (go), 2 grey (neutral), 3 red (stop). */
const STYLE: Record<string, number> = { 确认提交: 1, 通过: 1, 通过并发放: 1, 取消: 2, 退回: 3 };

/**
 * The WeCom `button_interaction` template card of a card: "名称：值" lines become the key/value
 * list (at most 6), the rest the sub-title; the link opens the workbench page.
 */
export function toTemplateCard(c: CardSpec): Record<string, unknown> {
  const pairs: Array<{ keyname: string; value: string }> = [];
  const rest: string[] = [];
  for (const line of c.lines) {
    const m = /^([^：]{1,10})：(.+)$/u.exec(line);
    if (m && pairs.length < 6) pairs.push({ keyname: m[1], value: m[2].slice(0, 60) });
    else rest.push(line);
  }
  return {
    card_type: 'button_interaction',
    main_title: { title: c.title.slice(0, 40) },
    ...(rest.length > 0 ? { sub_title_text: rest.join('\n').slice(0, 300) } : {}),
    ...(pairs.length > 0 ? { horizontal_content_list: pairs } : {}),
    ...(c.url ? { card_action: { type: 1, url: c.url } } : {}),
    task_id: c.taskId,
    button_list: c.buttons.slice(0, 6).map((b) => ({ text: b.text, key: b.key, style: STYLE[b.text] ?? 2 })),
  };
}

/** A task_id: unique, from WeCom's alphabet. */
export const newTaskId = (prefix: string, random: string): string => `${prefix}-${random}`.replace(/[^0-9a-zA-Z_\-@]/g, '').slice(0, 128);
