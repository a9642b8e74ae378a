import { describe, expect, it } from 'vitest';
import { utf8Bytes } from '../../src/bot/utf8';
import { queueText } from '../../src/bot/dialog/desk-commands';
import type { QueueItem } from '../../src/domain/desk/ticket-queue';

const at = (h: number) => new Date(Date.UTC(2026, 2, 2, h));
const item = (id: number, mine: boolean): QueueItem => ({
  id,
  source: 'bot',
  state: 'new',
  priority: 'normal',
  category: 'question',
  unitCode: 'H2',
  unitName: '市第二人民医院',
  firstLine: '网上申领提交时一直提示系统繁忙，换了浏览器也一样，请帮忙看看是什么原因',
  createdAt: at(id - 1),
  dispatchedAt: null,
  arrivedAt: null,
  mine,
  clocks: [
    { kind: 'response', state: id === 1 ? 'breached' : 'running', startedAt: at(id - 1), warnAt: at(id), dueAt: at(id), pausedSince: null },
    { kind: 'resolution', state: 'running', startedAt: at(id - 1), warnAt: at(id + 20), dueAt: at(id + 24), pausedSince: null },
  ],
  nearest: null,
});

describe('the engineer queue as a phone reads it', () => {
  it('when there are more tickets than fit a message, then the nearest ten are shown and the rest counted, within 2048 bytes', () => {
    const text = queueText(
      // The workbench lists mine first; the chat orders by the nearest deadline whoever holds it.
      Array.from({ length: 14 }, (_, i) => item(i + 1, i % 2 === 0)).sort((a, b) => Number(b.mine) - Number(a.mine)),
    );
    expect(text).toContain('待处理工单 14 个（我的 7，未分派 7）');
    expect(text).toContain('#1 普通·市第二人民医院·我：网上申领提交时一直提示系统繁忙，换了浏览器也一样…');
    expect(text).toContain('  响应 03-02 09:00（已超时）｜到场 未派员｜解决 03-03 09:00');
    expect(text).toContain('#10 ');
    expect(text).not.toContain('#11 ');
    expect(text).toContain('另有 4 个时限较远的工单');
    expect(utf8Bytes(text)).toBeLessThanOrEqual(2048);
  });

  it('when nothing is open, then it says so', () => {
    expect(queueText([])).toContain('目前没有待处理的工单');
  });
});
