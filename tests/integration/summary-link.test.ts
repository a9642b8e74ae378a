import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_LINK_TTL_S } from '../../src/api/summaries/summary-link';
import { BotExchange } from '../../src/domain/desk/exchange.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { User } from '../../src/domain/identity/user.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { ServiceSummary } from '../../src/domain/summaries/summary.entity';
import type { SummaryDetail } from '../../src/domain/summaries/summary.service';
import type { DomainServices } from '../../src/domain/services';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Shanghai times; the week under test is Mon 2026-03-09 .. Sun 03-15, pushed Monday 03-16 08:30.
const at = (local: string) => new Date(`${local}+08:00`);
const RUN_AT = at('2026-03-16T08:30:00');
const PUBLIC = 'https://desk.example.gov.cn';
const SECRET = 'summary-link-test-secret-0123456789abcdef';
const XSS = '<script>alert("x")</script>怎么开票';
const EXPIRED = '链接已失效，请在企业微信中打开最新的周报，或登录系统查看';

// The system as `npm start` wires it: the domain gets the link port, the app serves the pages.
let t: TestApp;
let services: DomainServices;
let clock: TestApp['clock'];
let links: TestApp['system']['summaryLinks'];
let base: string;
let summary: SummaryDetail;
const leaders: Record<string, number> = {};

/** GET without any token; `link` is a pushed link (public origin) or a path. */
const open = async (link: string) => {
  const res = await fetch(link.startsWith('/') ? base + link : link.replace(PUBLIC, base));
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, body, text: body.toString('utf8') };
};
const pushedLinks = async (): Promise<Record<string, string>> => {
  const rows = await t.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });
  const out: Record<string, string> = {};
  for (const r of rows.filter((x) => x.dedupeKey.startsWith('summary-'))) {
    const m = r.message as { toUsers: string[]; content: string };
    out[m.toUsers[0]] = /\[查看完整报告\]\((\S+)\)$/.exec(m.content)?.[1] ?? '';
  }
  return out;
};
const withParam = (link: string, key: string, value: string) => {
  const u = new URL(link);
  u.searchParams.set(key, value);
  return u.toString();
};
const counts = async () => [
  await t.ds.getRepository(OutboxMessage).count(),
  await t.ds.getRepository(ServiceSummary).count(),
  await t.ds.getRepository(User).count({ where: { active: true } }),
];

async function exchange(when: string, text: string, escalated: boolean): Promise<void> {
  await t.ds.getRepository(BotExchange).insert({
    channel: 'wecom',
    senderId: 'u1',
    messageId: null,
    userId: null,
    unitId: null,
    text,
    intent: escalated ? 'None' : 'writeoff.howto',
    score: 0.9,
    answer: '…',
    escalated,
    ticketId: null,
    entities: null,
    kbVersion: null,
    latencyMs: 5,
    at: at(when),
  });
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T09:00:00+08:00', env: { PUBLIC_URL: PUBLIC, AUTH_SECRET: SECRET } });
  ({ services, clock, baseUrl: base } = t);
  links = t.system.summaryLinks;
  for (const [username, wecom] of [
    ['ld-a', 'leader-a'],
    ['ld-b', 'leader-b'],
  ] as const) {
    leaders[wecom] = (
      await services.users.create(systemActor, { username, name: username, role: 'leader', wecomUserId: wecom, password: 'Passw0rd123' })
    ).id;
  }
  for (const [created, resolved] of [
    ['2026-03-03T09:00:00', null],
    ['2026-03-10T09:00:00', '2026-03-10T15:00:00'],
    ['2026-03-11T09:00:00', null],
    ['2026-03-12T09:00:00', null],
  ] as const) {
    clock.set(at(created));
    const tk = await services.tickets.create(systemActor, {
      source: 'phone',
      summary: `问题 ${created}`,
      priority: 'normal',
      category: 'question',
    });
    if (resolved) {
      clock.set(at(resolved));
      await services.tickets.resolve(systemActor, tk.id);
    }
  }
  await exchange('2026-03-10T10:00:00', XSS, true);
  await exchange('2026-03-10T11:00:00', '怎么核销？', false);
  clock.set(RUN_AT);
  summary = await services.summaries.run('system', { kind: 'weekly' });
});
afterAll(async () => {
  await t?.close();
});

describe('the pushed link', () => {
  it('when the summary is pushed, then each leader’s markdown carries their own signed link, valid 14 days', async () => {
    const pushed = await pushedLinks();
    expect(Object.keys(pushed).sort()).toEqual(['leader-a', 'leader-b']);
    const exp = Math.floor(RUN_AT.getTime() / 1000) + SUMMARY_LINK_TTL_S;
    for (const [wecom, link] of Object.entries(pushed)) {
      expect(link).toMatch(new RegExp(`^${PUBLIC}/s/summaries/${summary.id}\\?u=${leaders[wecom]}&exp=${exp}&sig=[A-Za-z0-9_-]{43}$`));
    }
    expect(pushed['leader-a']).not.toBe(pushed['leader-b']);
    expect(summary.url).toBe(`${PUBLIC}/api/v1/summaries/${summary.id}`);
  });

  it('when a leader opens their link without a token, then a strict-CSP Chinese page shows the figures against last week', async () => {
    const res = await open((await pushedLinks())['leader-a']);
    expect([res.status, res.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; img-src 'self'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    for (const part of [
      '财政票据服务周报',
      '2026-03-09 至 2026-03-15',
      '与上周（2026-03-02 至 2026-03-08）相比',
      '<tr><td>新建工单</td><td>3</td><td>1</td><td class="up">↑200%</td></tr>',
      '<tr><td>解决工单</td><td>1</td><td>0</td><td class="up">新增</td></tr>',
      '<tr><td>机器人自助解决率</td><td>50.0%</td><td>数据暂缺</td><td class="">—</td></tr>',
      '下载 Excel 完整报告',
    ]) {
      expect(res.text).toContain(part);
    }
    expect(res.text).not.toMatch(/<script|https?:\/\//);
  });

  it('when the page’s chart and xlsx links are followed, then they give the PNG and the workbook', async () => {
    const link = (await pushedLinks())['leader-b'];
    const page = await open(link);
    const src = /<img src="([^"]+)"/.exec(page.text)?.[1].replace(/&amp;/g, '&') ?? '';
    const href = /<a class="btn" href="([^"]+)"/.exec(page.text)?.[1].replace(/&amp;/g, '&') ?? '';
    const png = await open(new URL(src, link).toString());
    expect([png.status, png.type, png.body.subarray(1, 4).toString('ascii'), png.body.readUInt32BE(16)]).toEqual([
      200,
      'image/png',
      'PNG',
      800,
    ]);
    const xlsx = await open(new URL(href, link).toString());
    expect([xlsx.status, xlsx.type]).toEqual([200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const rows = new Map<string, unknown[]>();
    wb.getWorksheet('服务周报')?.eachRow((row) =>
      rows.set(row.getCell(1).text, [row.getCell(2).value, row.getCell(3).value, row.getCell(4).value]),
    );
    expect(rows.get('新建工单')).toEqual([3, 1, '↑200%']);
  });

  it('when an unanswered question contains markup, then the page shows it as text', async () => {
    const res = await open((await pushedLinks())['leader-a']);
    expect(res.text).toContain('<li>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;怎么开票（1 次）</li>');
    expect(res.text).not.toContain('<script>');
  });
});

describe('refused links', () => {
  const refused = (res: Awaited<ReturnType<typeof open>>) => {
    expect([res.status, res.type]).toEqual([403, 'text/html; charset=utf-8']);
    expect(res.text).toContain(EXPIRED);
    expect(res.text).not.toMatch(/Error|at .*\.ts|新建工单/);
  };

  it('when the signature is tampered with, then the page, chart and xlsx answer 403 and nothing changes', async () => {
    const before = await counts();
    const link = (await pushedLinks())['leader-a'];
    const sig = new URL(link).searchParams.get('sig') as string;
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    refused(await open(withParam(link, 'sig', flipped)));
    refused(await open(withParam(link, 'sig', '')));
    refused(await open(link.replace(/&sig=.*/, '')));
    refused(await open(withParam(link, 'exp', String(Number(new URL(link).searchParams.get('exp')) + 86400))));
    refused(await open(withParam(link, 'sig', flipped).replace('?', '/chart.png?')));
    refused(await open(withParam(link, 'sig', flipped).replace('?', '/xlsx?')));
    refused(await open(`${link}&sig=${sig}`)); // repeated parameter
    expect(await counts()).toEqual(before);
  });

  it('when one leader’s signature is used with another user id or another summary id, then 403', async () => {
    const link = (await pushedLinks())['leader-a'];
    refused(await open(withParam(link, 'u', String(leaders['leader-b']))));
    refused(await open(link.replace(`/s/summaries/${summary.id}?`, `/s/summaries/${summary.id + 1}?`)));
  });

  it('when the summary id is unknown (validly signed) or not a number, then 404', async () => {
    for (const path of [
      `/s/summaries/999999?${links.query(999999, leaders['leader-a'])}`,
      `/s/summaries/abc?${links.query(1, leaders['leader-a'])}`,
    ]) {
      const res = await open(path);
      expect([res.status, res.type]).toEqual([404, 'text/html; charset=utf-8']);
      expect(res.text).toContain('该服务报告不存在');
    }
  });

  it('when the link has expired (the clock passes exp), then 403; one minute before, it still opens', async () => {
    const link = (await pushedLinks())['leader-b'];
    const exp = Number(new URL(link).searchParams.get('exp')) * 1000;
    try {
      clock.set(new Date(exp - 60_000));
      expect((await open(link)).status).toBe(200);
      clock.set(new Date(exp));
      refused(await open(link));
      refused(await open(link.replace('?', '/chart.png?')));
    } finally {
      clock.set(RUN_AT);
    }
  });

  it('when the leader is deactivated or no longer has a reading role, then their link stops working', async () => {
    const pushed = await pushedLinks();
    const users = t.ds.getRepository(User);
    await users.update(leaders['leader-a'], { active: false });
    refused(await open(pushed['leader-a']));
    refused(await open(pushed['leader-a'].replace('?', '/xlsx?')));
    expect((await open(pushed['leader-b'])).status).toBe(200);
    await users.update(leaders['leader-b'], { role: 'unit_staff' });
    refused(await open(pushed['leader-b']));
    await users.update(leaders['leader-b'], { role: 'engineer' });
    expect((await open(pushed['leader-b'])).status).toBe(200);
  });
});
