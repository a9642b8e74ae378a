import { describe, expect, it } from 'vitest';
import { makeWecomCallbackCodec } from '../../src/bot/channels/wecom/callback-codec';
import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { parseWecomXml } from '../../src/bot/channels/wecom/xml';
import { fixedClock } from '../../src/domain/clock';
import { CallbackRefused } from '../../src/domain/ports/channel';
import { makeCallbackBuilder } from '../../tools/fake-wecom/fake-server-callback';
import { generateEncodingAESKey } from '../../tools/fake-wecom/fake-server';

const corpId = 'wwcodeccorp';
const token = 'codecToken';
const encodingAESKey = generateEncodingAESKey();
const clock = fixedClock('2026-03-02T02:00:00Z');
const nowS = () => Math.floor(clock.now().getTime() / 1000);
const crypto = makeWecomCrypto({ token, encodingAESKey, receiveId: corpId });
const wecom = makeCallbackBuilder(crypto, corpId, '1000002', nowS);
const codec = makeWecomCallbackCodec({ token, encodingAESKey, corpId, replayWindowS: 300, clock });

function refusal(work: () => unknown): CallbackRefused {
  try {
    work();
  } catch (err) {
    if (err instanceof CallbackRefused) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('WeCom callback codec (the channel port over crypto and XML)', () => {
  it('when a genuine text callback arrives, then it opens to the sender, text and MsgId, and retries share its key', () => {
    const cb = wecom.buildCallback({ fromUser: 'zhangsan', text: '我们还剩多少票', msgId: '9223372036854775807' });
    const msg = codec.open(cb.queryString, cb.body);
    expect(msg).toEqual({
      kind: 'text',
      senderId: 'zhangsan',
      text: '我们还剩多少票',
      messageId: '9223372036854775807',
      dedupeKey: '9223372036854775807',
    });
  });

  it('when an event or an image arrives, then it opens as an event (keyed by sender, time and key) or as unsupported', () => {
    const click = wecom.buildCallback({
      fromUser: 'eng',
      createTime: 1700000000,
      event: { event: 'template_card_event', eventKey: 'claim:7' },
    });
    expect(codec.open(click.queryString, click.body)).toEqual({
      kind: 'event',
      senderId: 'eng',
      event: 'template_card_event',
      eventKey: 'claim:7',
      dedupeKey: 'eng:1700000000:template_card_event:claim:7',
    });
    const image = wecom.buildCallback({ fromUser: 'zhangsan', msgType: 'image', msgId: '42' });
    expect(codec.open(image.queryString, image.body)).toMatchObject({ kind: 'unsupported', senderId: 'zhangsan', dedupeKey: '42' });
  });

  it('when the signature is forged or the timestamp stale, then it is refused as forged; a bad body as malformed', () => {
    const cb = wecom.buildCallback({ fromUser: 'zhangsan', text: '你好' });
    const forged = refusal(() => codec.open(cb.queryString.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${'0'.repeat(40)}`), cb.body));
    expect(forged).toMatchObject({ kind: 'forged', errorName: 'ValidateSignatureError', code: -40001 });
    const stale = wecom.buildCallback({ fromUser: 'zhangsan', text: '你好', timestamp: String(nowS() - 3600) });
    expect(refusal(() => codec.open(stale.queryString, stale.body)).kind).toBe('forged');
    expect(refusal(() => codec.open(cb.queryString, '<xml><Nothing/></xml>'))).toMatchObject({ kind: 'malformed', code: -40002 });
    expect(refusal(() => codec.open('%E0%A4%A', cb.body)).kind).toBe('forged');
  });

  it('when WeCom verifies the URL, then the plaintext echostr comes back', () => {
    const v = wecom.buildUrlVerification('echo+1234/5678=');
    expect(codec.verifyUrl(v.queryString)).toBe('echo+1234/5678=');
  });

  it('when a reply is sealed, then WeCom can verify and decrypt it; over 2048 bytes it does not fit', () => {
    const sealed = codec.sealReply('zhangsan', '本单位库存：100 份');
    expect(sealed.contentType).toBe('application/xml');
    const outer = parseWecomXml(sealed.body) as Record<string, string>;
    expect(crypto.verifySignature(outer.MsgSignature, outer.TimeStamp, outer.Nonce, outer.Encrypt)).toBe(true);
    const inner = parseWecomXml(crypto.decrypt(outer.Encrypt).message) as Record<string, string>;
    expect(inner).toMatchObject({ ToUserName: 'zhangsan', FromUserName: corpId, MsgType: 'text', Content: '本单位库存：100 份' });
    expect(codec.fitsReply('票'.repeat(682))).toBe(true);
    expect(codec.fitsReply('票'.repeat(683))).toBe(false);
  });
});
