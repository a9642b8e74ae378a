import { existsSync } from 'node:fs';
import type { DayRow } from '../../domain/summaries/desk-figures';

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 400;
const M = { left: 56, right: 64, top: 70, bottom: 56 };
const COLORS = { opened: '#4e79a7', resolved: '#59a14f', sla: '#e15759', grid: '#e0e0e0', text: '#333333' };

// The host may have no CJK font (Debian: fonts-noto-cjk or fonts-wqy-microhei provide one); without
// one the image is labelled in English and digits, and the Chinese legend travels in the markdown.
const CJK_FONTS: Array<[file: string, family: string]> = [
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'Noto Sans CJK SC'],
  ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', 'WenQuanYi Micro Hei'],
  ['/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', 'WenQuanYi Zen Hei'],
  ['/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf', 'Droid Sans Fallback'],
];
let cjk: [string, string] | null | undefined;
/** The first CJK font installed on this host, looked up once. */
export const cjkFont = (): [string, string] | null => (cjk === undefined ? (cjk = CJK_FONTS.find(([f]) => existsSync(f)) ?? null) : cjk);

const LABELS = {
  en: {
    opened: 'Opened',
    resolved: 'Resolved',
    sla: 'SLA met %',
    title: 'Tickets per day and SLA compliance',
    days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  },
  zh: {
    opened: '新建工单',
    resolved: '解决工单',
    sla: 'SLA 达标率',
    title: '每日工单与 SLA 达标率',
    days: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  },
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r1 = (n: number): number => Math.round(n * 10) / 10;

/** A round axis maximum ≥ v with 4 equal steps. */
function niceMax(v: number): number {
  if (v <= 4) return 4;
  const step = Math.ceil(v / 4);
  const mag = 10 ** Math.floor(Math.log10(step));
  const nice = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= step) ?? 10 * mag;
  return Math.ceil(nice) * 4;
}

/** The chart as SVG (drawn by hand): opened/resolved bars per day, SLA compliance as a line on a 0–100 % axis. */
export function summaryChartSvg(days: readonly DayRow[], o: { period: string; chinese: boolean; family: string }): string {
  const L = o.chinese ? LABELS.zh : LABELS.en;
  const w = CHART_WIDTH - M.left - M.right;
  const h = CHART_HEIGHT - M.top - M.bottom;
  const max = niceMax(Math.max(0, ...days.map((d) => Math.max(d.opened, d.resolved))));
  const y = (v: number) => r1(M.top + h - (v / max) * h);
  const yPct = (r: number) => r1(M.top + h - r * h);
  const slot = w / Math.max(1, days.length);
  const bar = Math.max(2, slot * 0.34);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="${esc(o.family)}" font-size="12" fill="${COLORS.text}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${M.left}" y="24" font-size="16" font-weight="bold">${esc(L.title)}  ${esc(o.period)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    out.push(`<line x1="${M.left}" x2="${M.left + w}" y1="${y(v)}" y2="${y(v)}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
    out.push(`<text x="${M.left + w + 6}" y="${y(v) + 4}" fill="${COLORS.sla}">${25 * i}%</text>`);
  }
  const points: string[] = [];
  days.forEach((d, i) => {
    const x0 = M.left + slot * i + (slot - 2 * bar) / 2;
    out.push(`<rect x="${r1(x0)}" y="${y(d.opened)}" width="${r1(bar)}" height="${r1(M.top + h - y(d.opened))}" fill="${COLORS.opened}"/>`);
    out.push(
      `<rect x="${r1(x0 + bar)}" y="${y(d.resolved)}" width="${r1(bar)}" height="${r1(M.top + h - y(d.resolved))}" fill="${COLORS.resolved}"/>`,
    );
    const cx = r1(M.left + slot * i + slot / 2);
    const dow = (new Date(`${d.date}T00:00:00Z`).getUTCDay() + 6) % 7;
    const showLabel = days.length <= 16 || i % 2 === 0;
    if (showLabel) out.push(`<text x="${cx}" y="${M.top + h + 16}" text-anchor="middle">${d.date.slice(5)}</text>`);
    if (days.length <= 16) out.push(`<text x="${cx}" y="${M.top + h + 32}" text-anchor="middle" fill="#777777">${L.days[dow]}</text>`);
    const decided = d.slaMet + d.slaBreached;
    if (decided > 0) {
      const py = yPct(d.slaMet / decided);
      points.push(`${cx},${py}`);
      out.push(`<circle cx="${cx}" cy="${py}" r="3.5" fill="${COLORS.sla}"/>`);
    }
  });
  if (points.length > 1) out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${COLORS.sla}" stroke-width="2"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left + w}" y1="${M.top + h}" y2="${M.top + h}" stroke="#999999"/>`);
  const legend: Array<[string, string]> = [
    [L.opened, COLORS.opened],
    [L.resolved, COLORS.resolved],
    [L.sla, COLORS.sla],
  ];
  legend.forEach(([label, color], i) => {
    const lx = M.left + i * 150;
    out.push(`<rect x="${lx}" y="40" width="14" height="14" fill="${color}"/><text x="${lx + 20}" y="52">${esc(label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Renders the chart to a PNG of CHART_WIDTH × CHART_HEIGHT pixels. */
export async function renderSummaryChart(days: readonly DayRow[], period: string): Promise<Buffer> {
  const font = cjkFont();
  const family = font ? `${font[1]}, DejaVu Sans, sans-serif` : 'DejaVu Sans, sans-serif';
  const svg = summaryChartSvg(days, { period, chinese: font !== null, family });
  // The native renderer loads on the first chart: most processes never draw one.
  const { renderAsync } = await import('@resvg/resvg-js');
  const img = await renderAsync(svg, {
    font: { loadSystemFonts: true, fontFiles: font ? [font[0]] : [], defaultFontFamily: font ? font[1] : 'DejaVu Sans' },
    fitTo: { mode: 'original' },
    background: '#ffffff',
  });
  return img.asPng();
}
