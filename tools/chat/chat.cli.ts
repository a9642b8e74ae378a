/**
 * `npm run chat -- --user wangfang`: chat with the running service as a WeCom member, through the
 * real callback path (encrypted callback → /wecom/callback → decrypted passive reply), and see the
 * app messages the fake WeCom server received for that member (escalation notices, engineer replies).
 */
import { createInterface } from 'node:readline';
import { cliArgs, defineCli } from '../../src/cli/args';
import {
  fetchCallbackConfig,
  makeChatClient,
  renderDelivered,
  type CallbackAnswer,
  type CallbackConfig,
  type CardButton,
  type DeliveredMessage,
} from './chat-client';

const HELP = '命令：/click N 点击卡片按钮 N，/enter 进入应用，/help 帮助，/quit 退出；其它内容作为消息发送';

/** The flags; the URL defaults follow PORT and FAKE_WECOM_PORT, as the service and the fake server do. */
const chatCli = (env: NodeJS.ProcessEnv) =>
  defineCli({
    name: 'chat',
    usage: 'npm run chat -- --user <WeCom user id> [options]',
    about:
      'Chats with the running service as a WeCom member through the real callback path, and shows the app messages the fake ' +
      'WeCom server received for that member. Callback settings come from WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP_ID ' +
      '(and WECOM_AGENT_ID) when all are set, else from the fake WeCom server.',
    flags: {
      user: { type: 'string', value: '<id>', required: true, help: 'the WeCom user id to chat as, e.g. wangfang' },
      app: { type: 'string', value: '<url>', default: `http://127.0.0.1:${env.PORT ?? 3000}`, help: 'the service (its /wecom/callback)' },
      fake: { type: 'string', value: '<url>', default: `http://127.0.0.1:${env.FAKE_WECOM_PORT ?? 8090}`, help: 'the fake WeCom server' },
      wait: {
        type: 'number',
        value: '<seconds>',
        defaultText: '0 on a terminal, 3 when input is piped',
        help: 'after the input ends, how long to keep showing arriving app messages',
      },
    },
  });

/** WECOM_* from the environment when all are set, else what the fake WeCom server shares. */
async function callbackConfig(env: NodeJS.ProcessEnv, fakeUrl: string): Promise<CallbackConfig> {
  if (env.WECOM_TOKEN && env.WECOM_AES_KEY && env.WECOM_CORP_ID) {
    return {
      token: env.WECOM_TOKEN,
      encodingAESKey: env.WECOM_AES_KEY,
      corpId: env.WECOM_CORP_ID,
      agentId: env.WECOM_AGENT_ID ?? '1000002',
    };
  }
  return fetchCallbackConfig(fakeUrl);
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = cliArgs(chatCli(env), argv, env);
  const { user, app: appUrl, fake: fakeUrl } = values;
  const config = await callbackConfig(env, fakeUrl).catch((err: Error) => {
    throw new Error(
      `cannot reach the fake WeCom server at ${fakeUrl} (start it with npm run fake-wecom, or set WECOM_TOKEN/WECOM_AES_KEY/WECOM_CORP_ID): ${err.message}`,
    );
  });
  const client = makeChatClient({ appUrl, fakeUrl, user, config });
  const tty = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
  // Iterate from the start: piped lines that arrive before the first await would otherwise be lost.
  const lines = rl[Symbol.asyncIterator]();
  rl.setPrompt('你> ');
  let buttons: CardButton[] = [];

  const print = (text: string) => {
    if (tty) process.stdout.write('\r\x1b[K');
    process.stdout.write(`${text}\n`);
    if (tty) rl.prompt(true);
  };
  const show = (a: CallbackAnswer) => {
    if (a.kind === 'reply') print(`机器人> ${a.text.replace(/\n/g, '\n         ')}`);
    else if (a.kind === 'empty') print('（服务已收到，答复稍后以应用消息送达）');
    else print(`（服务拒绝了回调：HTTP ${a.status}。WECOM_TOKEN / WECOM_AES_KEY / WECOM_CORP_ID 是否与假企业微信一致？）`);
  };
  const showAll = (messages: DeliveredMessage[]) => {
    for (const m of messages) {
      const r = renderDelivered(m);
      if (r.buttons.length) buttons = r.buttons;
      const keys = r.buttons.map((b, i) => `[${i + 1}] ${b.text}`).join('  ');
      print(`【应用消息】${r.text.replace(/\n/g, '\n           ')}${keys ? `\n           按钮：${keys}（/click N）` : ''}`);
    }
  };
  const drain = async () => showAll(await client.poll());
  print(`以 ${user} 的身份连接 ${appUrl}/wecom/callback（假企业微信 ${fakeUrl}）。${HELP}`);
  // Earlier app messages (e.g. an escalation card sent before the engineer opened the chat): the last few.
  const earlier = await client.poll().catch((err: Error) => (print(`（无法读取假企业微信收到的消息：${err.message}）`), []));
  if (earlier.length) print(`（此前收到的应用消息，最近 ${Math.min(earlier.length, 3)} 条）`);
  showAll(earlier.slice(-3));
  let busy = false;
  const poller = setInterval(() => {
    if (busy) return;
    busy = true;
    drain()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 1000);

  if (tty) rl.prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (!tty && line) print(`你> ${line}`);
    try {
      if (line === '/quit' || line === '/exit') break;
      if (line === '/help') print(HELP);
      else if (line === '/enter') show(await client.enter());
      else if (/^\/click \d+$/.test(line)) {
        const b = buttons[Number(line.slice(7)) - 1];
        if (b) show(await client.click(b));
        else print('（没有这个按钮）');
      } else if (line) show(await client.say(line));
    } catch (err) {
      print(`（发送失败：${(err as Error).message}。服务是否在 ${appUrl} 运行，并配置了 WECOM_TOKEN / WECOM_AES_KEY / WECOM_CORP_ID？）`);
    }
    if (tty) rl.prompt();
  }
  clearInterval(poller);
  // Piped input ends at once: give queued answers (escalation notices, replies) a moment to arrive.
  const waitMs = (values.wait ?? (tty ? 0 : 3)) * 1000;
  for (const end = Date.now() + waitMs; Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 500));
    await drain().catch(() => undefined);
  }
  rl.close();
}

main(process.argv.slice(2), process.env).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
