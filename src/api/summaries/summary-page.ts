import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { SummaryDetail } from '../../domain/summaries/summary.service';
import type { Comparison } from '../../domain/summaries/weekly-figures';
import { CHART_HEIGHT, CHART_WIDTH } from './chart';
import { html, raw, type SafeHtml } from './html';

const CSS = [
  'body{margin:0;padding:12px;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#222;background:#f5f6f8}',
  'main{max-width:760px;margin:0 auto}',
  'section{background:#fff;border-radius:8px;padding:12px 14px;margin:0 0 12px}',
  'h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:0 0 8px}',
  '.muted{color:#777;font-size:13px}',
  'table{width:100%;border-collapse:collapse}th,td{padding:6px 4px;border-bottom:1px solid #eee;text-align:right}',
  'th:first-child,td:first-child{text-align:left}th{color:#555;font-weight:normal;font-size:13px}',
  '.up{color:#c0392b}.down{color:#27864a}',
  'img{display:block;width:100%;height:auto}',
  'ol,ul{margin:0;padding-left:20px}li{margin:2px 0;word-break:break-all}',
  '.btn{display:block;text-align:center;padding:10px;background:#2e6bd9;color:#fff;border-radius:6px;text-decoration:none}',
].join('');

// Inline CSS is allowed by its hash only: no other style, script, font or image source can run or load.
const CSS_HASH = createHash('sha256').update(CSS).digest('base64');
/** The page's Content-Security-Policy: nothing external, images from this origin, no scripts, no framing. */
export const SUMMARY_PAGE_CSP = `default-src 'none'; img-src 'self'; style-src 'sha256-${CSS_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const int = (n: number): string => n.toLocaleString('en-US');
const pct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const shown = (c: Comparison, v: number | null): string => (v === null ? '数据暂缺' : c.type === 'rate' ? pct(v) : int(v));
const trend = (change: string): string => (change.startsWith('↑') || change === '新增' ? 'up' : change.startsWith('↓') ? 'down' : '');
const shanghai = (d: Date | string): string =>
  (typeof d === 'string' ? DateTime.fromISO(d) : DateTime.fromJSDate(d)).setZone('Asia/Shanghai').toFormat('yyyy-MM-dd HH:mm');

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title><style>${raw(CSS)}</style></head>
<body><main>${body}</main></body></html>`.value;
}

/** A short page in Chinese for refusals and missing reports (no detail about the cause). */
export function messagePage(title: string, message: string): string {
  return layout(title, html`<section><h1>${title}</h1><p>${message}</p></section>`);
}

const list = (title: string, items: Array<{ label: string; count: number }>): SafeHtml =>
  items.length === 0
    ? html``
    : html`<section><h2>${title}</h2><table>${items.map((i) => html`<tr><td>${i.label}</td><td>${int(i.count)}</td></tr>`)}</table></section>`;

/**
 * The stored summary as a mobile page: headlines against the previous period, the chart, the details
 * and the xlsx download. `query` is the recipient's signed `u=…&exp=…&sig=…`, reused for the chart and file.
 */
export function summaryPage(s: SummaryDetail, o: { query: string; expiresAt: Date }): string {
  const f = s.figures;
  const cur = f.current;
  const name = s.kind === 'weekly' ? '服务周报' : '服务月报';
  const prev = s.kind === 'weekly' ? '上周' : '上月';
  // Relative to /s/summaries/: works behind a path prefix in PUBLIC_URL as well.
  const file = (rest: string) => `${s.id}/${rest}?${o.query}`;
  const body = html`
<section><h1>财政票据${name}</h1>
<div>${cur.start} 至 ${cur.end}</div>
<div class="muted">与${prev}（${f.previous.start} 至 ${f.previous.end}）相比 · 第 ${s.version} 版 · 生成于 ${shanghai(f.generatedAt)}</div></section>
<section><h2>主要指标</h2><table><tr><th>指标</th><th>本期</th><th>${prev}</th><th>变化</th></tr>
${f.comparison.map((c) => html`<tr><td>${c.label}</td><td>${shown(c, c.current)}</td><td>${shown(c, c.previous)}</td><td class="${trend(c.change)}">${c.change}</td></tr>`)}
</table></section>
<section><h2>每日工单与 SLA 达标率</h2><img src="${file('chart.png')}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" alt="每日新建、解决工单与 SLA 达标率图表"></section>
<section><h2>SLA 达标</h2><table><tr><th>时钟</th><th>达标</th><th>超时</th><th>达标率</th></tr>
${cur.sla.clocks.map((c) => html`<tr><td>${c.label}</td><td>${int(c.met)}</td><td>${int(c.breached)}</td><td>${pct(c.rate)}</td></tr>`)}
</table></section>
<section><h2>工单与机器人</h2><ul>
<li>新建 ${int(cur.tickets.opened)}，解决 ${int(cur.tickets.resolved)}，期末未结 ${int(cur.tickets.backlog)}</li>
<li>机器人提问 ${int(cur.bot.questions)}，自助解决 ${int(cur.bot.answered)}（${pct(cur.bot.containmentRate)}），转人工 ${int(cur.bot.escalated)}</li>
<li>故障 ${int(cur.faults.count)} 次，停机 ${int(cur.faults.downtimeMinutes)} 分钟${cur.faults.openAtEnd > 0 ? `，期末未恢复 ${cur.faults.openAtEnd}` : ''}</li>
<li>单位上线 ${int(cur.units.online)}/${int(cur.units.total)}（试点 ${int(cur.units.trial)}）</li>
<li>票据发放 ${int(cur.bills.issued)} 份（${int(cur.bills.issuances)} 笔），核销 ${int(cur.bills.writtenOff)} 份（${int(cur.bills.writeoffs)} 笔）</li>
</ul></section>
${cur.bot.topUnanswered.length === 0 ? '' : html`<section><h2>未解答问题 Top ${cur.bot.topUnanswered.length}</h2><ol>${cur.bot.topUnanswered.map((q) => html`<li>${q.text}（${q.count} 次）</li>`)}</ol></section>`}
${list('咨询渠道', cur.consultations.byChannel)}
${list('咨询类别', cur.consultations.byCategory)}
${list('工单来源', cur.tickets.bySource)}
<section><a class="btn" href="${file('xlsx')}">下载 Excel 完整报告</a>
<p class="muted">此链接仅供您本人查看，请勿转发；有效期至 ${shanghai(o.expiresAt)}。</p></section>`;
  return layout(`${name} ${cur.start} 至 ${cur.end}`, body);
}
