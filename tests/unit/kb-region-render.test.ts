import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DEFAULT_TEXTS, say } from '../../src/bot/dialog/kb-answers';
import { loadKnowledgeBase, renderAnswer } from '../../src/bot/nlp/kb-loader';
import { effectiveRegion, REGION_KEY_NAMES } from '../../src/domain/settings/region-settings';
import { DEMO_REGION } from '../../tools/demo/demo-region';

const kb = loadKnowledgeBase(join(__dirname, '../../knowledge-base'));
// Placeholder wording, a made-up number, or a {{key}} left over (ticket.* is filled when a ticket exists).
const BAD = /示例|请核对|请按本地|0000-\d|example\.|\{\{(?!ticket\.)/;

/** Every answer a user can get from the knowledge base and the built-in texts, rendered in `region`. */
function everyAnswer(stored: Record<string, string>): Array<[string, string]> {
  const localKb = { ...kb, region: effectiveRegion(kb.region, stored) };
  const out: Array<[string, string]> = [];
  for (const i of kb.intents) i.answers.forEach((a, n) => out.push([`${i.intent}#${n}`, renderAnswer(a, localKb.region)]));
  for (const key of DEFAULT_TEXTS) out.push([`default:${key}`, say(localKb, key, { 'unit.name': '市第二人民医院' })]);
  return out;
}

describe('no answer shows a placeholder, whatever the region holds', () => {
  it('when nothing is set, then no answer shows 示例, 请核对 or a {{key}}; the contact falls back to 转人工', () => {
    const answers = everyAnswer({});
    const bad = answers.filter(([, text]) => BAD.test(text)).map(([k, text]) => `${k}: ${text.match(BAD)?.[0]}`);
    expect(bad).toEqual([]);
    const contact = answers.find(([k]) => k === 'faq.contact#0')![1];
    expect(contact).toContain('暂未公布，请回复“转人工”询问');
  });

  it('when only the phone is set, then unset values point to the bill office at that phone', () => {
    const contact = everyAnswer({ 'bureau.phone': '0759-3220875' }).find(([k]) => k === 'faq.contact#0')![1];
    expect(contact).toContain('0759-3220875');
    expect(contact).toContain('地址 办公地址暂未公布，请致电财政局票据管理部门（0759-3220875）询问；电话 0759-3220875');
  });

  it('when the demo region is set, then answers carry its values and no placeholder, within 2048 bytes', () => {
    expect(Object.keys(DEMO_REGION).sort()).toEqual([...REGION_KEY_NAMES].sort());
    const answers = everyAnswer({ ...DEMO_REGION });
    expect(answers.filter(([, text]) => BAD.test(text) || /暂未公布/.test(text)).map(([k]) => k)).toEqual([]);
    expect(answers.filter(([, text]) => Buffer.byteLength(text, 'utf8') > 2048).map(([k]) => k)).toEqual([]);
    const contact = answers.find(([k]) => k === 'faq.contact#0')![1];
    for (const v of ['湛江市财政局', '湛江市赤坎区康顺路48号财政局二楼213室', '0759-3220875']) expect(contact).toContain(v);
  });
});
