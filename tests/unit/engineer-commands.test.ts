import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/dialog/engineer-commands';

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
});
