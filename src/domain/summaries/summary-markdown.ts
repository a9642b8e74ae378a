import type { Comparison, SummaryFigures } from './weekly-figures';

/** WeCom app messages carry at most 2048 bytes of markdown (wecom.md). */
export const APP_MARKDOWN_MAX_BYTES = 2048;
const QUESTION_CHARS = 40;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const int = (n: number): string => n.toLocaleString('en-US');
const pct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

// User text inside markdown: characters WeCom reads as markup would break the message.
const plain = (s: string, max: number): string => {
  const t = s
    .replace(/[\s]+/g, ' ')
    .replace(/[*_`#<>[\]()|~]/g, '')
    .trim();
  return [...t].length > max ? `${[...t].slice(0, max - 1).join('')}…` : t;
};

function headline(f: SummaryFigures, key: string): Comparison {
  const c = f.comparison.find((x) => x.key === key);
  if (!c) throw new Error(`no headline ${key}`);
  return c;
}

/** "12（↑20%）" — the figure with its change against the previous period. */
const withChange = (c: Comparison, unit = ''): string =>
  c.current === null ? '数据暂缺' : `${c.type === 'rate' ? pct(c.current) : int(c.current)}${unit}（${c.change}）`;

/** The sections in the order they matter to leaders; later ones are dropped first when space runs out. */
function sections(f: SummaryFigures): string[][] {
  const { current: cur } = f;
  const h = (k: string, unit = '') => withChange(headline(f, k), unit);
  const clocks = cur.sla.clocks.map((c) => `${c.label} ${pct(c.rate)}`).join('，');
  const breached = cur.sla.breached > 0 ? `，<font color="warning">超时 ${cur.sla.breached} 次</font>` : '';
  const channels = cur.consultations.byChannel.map((c) => `${c.label} ${c.count}`).join('、');
  const categories = cur.consultations.byCategory
    .slice(0, 5)
    .map((c) => `${plain(c.label, 12)} ${c.count}`)
    .join('、');
  const faults = `**故障** ${h('faults', ' 次')}，停机 ${h('downtime', ' 分钟')}${cur.faults.openAtEnd > 0 ? `，<font color="warning">未恢复 ${cur.faults.openAtEnd}</font>` : ''}`;
  return [
    [`**工单** 新建 ${h('ticketsOpened')}，解决 ${h('ticketsResolved')}，期末未结 ${int(cur.tickets.backlog)}`],
    [`**SLA 达标率** ${h('slaRate')}${breached}`, `> ${clocks}`],
    [`**机器人** 提问 ${h('botQuestions')}，自助解决率 ${h('botContainment')}，转人工 ${int(cur.bot.escalated)}`],
    [`**咨询登记** ${h('consultations')}${channels ? `：${channels}` : ''}`, ...(categories ? [`> 类别：${categories}`] : [])],
    [faults],
    [
      `**单位上线** ${int(cur.units.online)}/${int(cur.units.total)}（试点 ${int(cur.units.trial)}；上期 ${int(f.previous.units.online)}/${int(f.previous.units.total)}）`,
    ],
    [
      `**票据** 发放 ${h('billsIssued', ' 份')}，共 ${int(cur.bills.issuances)} 笔；核销 ${h('billsWrittenOff', ' 份')}，共 ${int(cur.bills.writeoffs)} 笔`,
    ],
  ];
}

/**
 * The summary as WeCom markdown in Chinese, within 2048 bytes: headline sections first, then the
 * top unanswered questions as far as they fit; the link to the full report is always kept.
 */
export function renderSummaryMarkdown(f: SummaryFigures, link: string, maxBytes = APP_MARKDOWN_MAX_BYTES): string {
  const weekly = f.kind === 'weekly';
  const head = [
    `### 财政票据服务${weekly ? '周报' : '月报'}`,
    `> ${f.current.start} 至 ${f.current.end}（括号内为与${weekly ? '上周' : '上月'}相比）`,
  ];
  const tail = [`[查看完整报告](${link})`];
  const note = '（其余内容见完整报告）';
  const lines = [...head];
  const fits = (extra: string[], reserve = 0) => bytes([...lines, ...extra, ...tail].join('\n')) + reserve <= maxBytes;
  const reserve = bytes(`\n${note}`);
  let dropped = false;
  for (const s of sections(f)) {
    if (fits(s, reserve)) lines.push(...s);
    else dropped = true;
  }
  const top = f.current.bot.topUnanswered;
  if (top.length > 0 && fits(['**未解答问题**'], reserve)) {
    lines.push(`**未解答问题 Top ${top.length}**`);
    top.forEach((q, i) => {
      const line = `${i + 1}. ${plain(q.text, QUESTION_CHARS)}（${q.count} 次）`;
      if (!dropped && fits([line], reserve)) lines.push(line);
      else dropped = true;
    });
  } else if (top.length > 0) dropped = true;
  if (dropped) lines.push(note);
  return [...lines, ...tail].join('\n');
}
