import { describe, expect, it } from 'vitest';
import { parseCardKey, parseCommand } from '../../src/bot/dialog/engineer-commands';

describe('engineer commands', () => {
  it('when an engineer replies with Chinese punctuation, then the text is relayed unchanged', () => {
    expect(parseCommand('#12 您好，请在「票据开具」里重新选择打印机！')).toEqual({
      ticketId: 12,
      action: 'reply',
      text: '您好，请在「票据开具」里重新选择打印机！',
    });
  });

  it('when the prefix is typed full-width, then it is still a command', () => {
    expect(parseCommand('＃１２ 解决')).toEqual({ ticketId: 12, action: 'resolve', text: undefined });
    expect(parseCommand('#7：现场，下午两点到')).toEqual({ ticketId: 7, action: 'dispatch', text: '下午两点到' });
  });

  it('when there is only a ticket number or no number, then it is not a command', () => {
    expect(parseCommand('#12')).toBeNull();
    expect(parseCommand('12 解决')).toBeNull();
    expect(parseCommand('#abc 回复')).toBeNull();
  });

  it('when the engineer sends 出发, 到达 or 等待, then they are the on-site and waiting commands; a sentence that only starts so is a reply', () => {
    expect(parseCommand('#3 出发')).toEqual({ ticketId: 3, action: 'dispatch', text: undefined });
    expect(parseCommand('#3 出发了')).toEqual({ ticketId: 3, action: 'dispatch', text: undefined });
    expect(parseCommand('#3 到现场')).toEqual({ ticketId: 3, action: 'dispatch', text: undefined });
    expect(parseCommand('#3 到达')).toEqual({ ticketId: 3, action: 'arrive', text: undefined });
    expect(parseCommand('#3 已到场，正在排查')).toEqual({ ticketId: 3, action: 'arrive', text: '正在排查' });
    expect(parseCommand('#3 等待 请发报错截图')).toEqual({ ticketId: 3, action: 'wait', text: '请发报错截图' });
    expect(parseCommand('#3 等待一下，我查查')).toEqual({ ticketId: 3, action: 'reply', text: '等待一下，我查查' });
    expect(parseCommand('#3 到达时间另行通知您')).toEqual({ ticketId: 3, action: 'reply', text: '到达时间另行通知您' });
  });

  it('when a ticket card button is pressed, then its key names the command', () => {
    expect(parseCardKey('depart:9')).toEqual({ ticketId: 9, action: 'dispatch' });
    expect(parseCardKey('arrive:9')).toEqual({ ticketId: 9, action: 'arrive' });
    expect(parseCardKey('claim:9')).toEqual({ ticketId: 9, action: 'claim' });
    expect(parseCardKey('resolve:9')).toEqual({ ticketId: 9, action: 'resolve' });
    expect(parseCardKey('wait:9')).toBeNull();
  });
});
