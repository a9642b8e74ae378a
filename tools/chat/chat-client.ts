import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { makeCallbackBuilder, type CallbackInput } from '../fake-wecom/fake-server-callback';
import { parseWecomXml } from '../../src/bot/channels/wecom/xml';

/** The app's callback settings (what `npm run fake-wecom` prints as WECOM_*). */
export interface CallbackConfig {
  corpId: string;
  agentId: string;
  token: string;
  encodingAESKey: string;
}

/** The parts of WeCom's message/send bodies the terminal shows. */
export interface DeliveredBody {
  text?: { content?: string };
  markdown?: { content?: string };
  textcard?: { title?: string; description?: string; url?: string };
  template_card?: {
    main_title?: { title?: string; desc?: string };
    horizontal_content_list?: Array<{ keyname: string; value?: string }>;
    button_list?: Array<{ text: string; key: string }>;
    task_id?: string;
  };
}

/** A field of parsed WeCom XML as text (scalars only). */
const xmlText = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** An app message the fake WeCom server delivered to the member. */
export interface DeliveredMessage {
  index: number;
  msgtype: string;
  body: DeliveredBody;
  at: number;
}

/** One button of a template card, as the member would tap it. */
export interface CardButton {
  text: string;
  key: string;
  taskId: string;
}

/** What the app answered to one callback: a passive reply, or nothing (the answer follows as an app message). */
export type CallbackAnswer = { kind: 'reply'; text: string } | { kind: 'empty' } | { kind: 'refused'; status: number };

/** Asks the fake WeCom server for the callback settings it shares with the app. */
export async function fetchCallbackConfig(fakeUrl: string): Promise<CallbackConfig> {
  const res = await fetch(`${fakeUrl}/_fake/callback-config`);
  if (!res.ok) throw new Error(`fake WeCom at ${fakeUrl} answered ${res.status}`);
  return (await res.json()) as CallbackConfig;
}

/** A member's side of WeCom: encrypted callbacks to the app, passive replies decrypted, app messages polled. */
export function makeChatClient(o: { appUrl: string; fakeUrl: string; user: string; config: CallbackConfig; timeoutMs?: number }) {
  const crypto = makeWecomCrypto({ token: o.config.token, encodingAESKey: o.config.encodingAESKey, receiveId: o.config.corpId });
  const builder = makeCallbackBuilder(crypto, o.config.corpId, o.config.agentId, () => Math.floor(Date.now() / 1000));
  let after = -1;

  async function post(input: CallbackInput): Promise<CallbackAnswer> {
    const cb = builder.buildCallback(input);
    const res = await fetch(`${o.appUrl}/wecom/callback?${cb.queryString}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: cb.body,
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    const body = await res.text();
    if (res.status !== 200) return { kind: 'refused', status: res.status };
    if (body.trim() === '') return { kind: 'empty' };
    const env = parseWecomXml(body);
    const plain = crypto.decryptMessage({
      msgSignature: xmlText(env.MsgSignature),
      timestamp: xmlText(env.TimeStamp),
      nonce: xmlText(env.Nonce),
      encrypt: xmlText(env.Encrypt),
    });
    return { kind: 'reply', text: xmlText(parseWecomXml(plain).Content) };
  }

  return {
    /** Sends a text message as the member; resolves with the passive reply, if any. */
    say: (text: string) => post({ fromUser: o.user, text }),
    /** Taps a template-card button (WeCom's template_card_event). */
    click: (b: CardButton) =>
      post({
        fromUser: o.user,
        event: { event: 'template_card_event', eventKey: b.key, taskId: b.taskId, cardType: 'button_interaction' },
      }),
    /** Opens the app (enter_agent): the bot greets. */
    enter: () => post({ fromUser: o.user, event: { event: 'enter_agent' } }),
    /** App messages delivered to the member since the last call. */
    async poll(): Promise<DeliveredMessage[]> {
      const res = await fetch(`${o.fakeUrl}/_fake/received?user=${encodeURIComponent(o.user)}&after=${after}`, {
        signal: AbortSignal.timeout(3000),
      });
      const { messages, total } = (await res.json()) as { messages: DeliveredMessage[]; total: number };
      if (total - 1 < after) after = -1; // the fake server was reset or restarted
      for (const m of messages) after = Math.max(after, m.index);
      return messages;
    },
  };
}
export type ChatClient = ReturnType<typeof makeChatClient>;

/** Renders an app message as text for a terminal, with the buttons a card offers. */
export function renderDelivered(m: DeliveredMessage): { text: string; buttons: CardButton[] } {
  const b = m.body;
  if (m.msgtype === 'text') return { text: b.text?.content ?? '', buttons: [] };
  if (m.msgtype === 'markdown') return { text: b.markdown?.content ?? '', buttons: [] };
  if (m.msgtype === 'textcard') {
    const c = b.textcard ?? {};
    return { text: [c.title, (c.description ?? '').replace(/<[^>]+>/g, ''), c.url].filter(Boolean).join('\n'), buttons: [] };
  }
  if (m.msgtype === 'template_card') {
    const c = b.template_card ?? {};
    const lines = [
      c.main_title?.title,
      c.main_title?.desc,
      ...(c.horizontal_content_list ?? []).map((h) => `${h.keyname}：${h.value ?? ''}`),
    ];
    const buttons = (c.button_list ?? []).map((x) => ({
      text: x.text,
      key: x.key,
      taskId: c.task_id ?? '',
    }));
    return { text: lines.filter(Boolean).join('\n'), buttons };
  }
  return { text: `(${m.msgtype}) ${JSON.stringify(b).slice(0, 300)}`, buttons: [] };
}
