import { describe, expect, it } from 'vitest';
import { WecomCryptoError } from '../../src/bot/channels/wecom/crypto';
import { buildEncryptedEnvelopeXml, buildTextReplyXml, parseEnvelope, parseInboundMessage } from '../../src/bot/channels/wecom/message';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WecomCryptoError) return err.code;
    throw err;
  }
  return undefined;
}

const textXml = (content: string, msgId = '4561255354251345929') =>
  `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n` +
  `<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[${content}]]></Content>\n` +
  `<MsgId>${msgId}</MsgId>\n<AgentID>218</AgentID>\n</xml>`;

describe('WeCom envelope parsing', () => {
  it('when elements come in any order with or without CDATA, then the same envelope results', () => {
    const a = parseEnvelope(
      '<xml><ToUserName><![CDATA[corp]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>',
    );
    const b = parseEnvelope('<xml>\n  <AgentID>1000002</AgentID>\n  <Encrypt>abc+/=</Encrypt>\n  <ToUserName>corp</ToUserName>\n</xml>');
    expect(a).toEqual({ toUserName: 'corp', encrypt: 'abc+/=', agentId: '1000002' });
    expect(b).toEqual(a);
  });

  it('when a declaration precedes the root, then it is ignored', () => {
    expect(parseEnvelope('<?xml version="1.0" encoding="UTF-8"?><xml><Encrypt>e</Encrypt></xml>').encrypt).toBe('e');
  });

  it('when Encrypt is missing or empty, then parsing fails with -40002', () => {
    expect(codeOf(() => parseEnvelope('<xml><ToUserName>corp</ToUserName></xml>'))).toBe(-40002);
    expect(codeOf(() => parseEnvelope('<xml><Encrypt></Encrypt></xml>'))).toBe(-40002);
  });

  it('when Encrypt appears twice, then parsing fails with -40002 rather than picking one', () => {
    expect(codeOf(() => parseEnvelope('<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>'))).toBe(-40002);
  });

  it('when the root is not <xml> or the XML is malformed, then parsing fails with -40002', () => {
    expect(codeOf(() => parseEnvelope('<root><Encrypt>a</Encrypt></root>'))).toBe(-40002);
    expect(codeOf(() => parseEnvelope('<xml><Encrypt>a</xml>'))).toBe(-40002);
    expect(codeOf(() => parseEnvelope('not xml at all'))).toBe(-40002);
    expect(codeOf(() => parseEnvelope(''))).toBe(-40002);
  });

  it('when the input declares a DOCTYPE or entities, then it is rejected outright with -40002', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Encrypt>&lol3;</Encrypt></xml>';
    expect(codeOf(() => parseEnvelope(bomb))).toBe(-40002);
    const xxe = '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>';
    expect(codeOf(() => parseEnvelope(xxe))).toBe(-40002);
    expect(codeOf(() => parseEnvelope('<!doctype xml><xml><Encrypt>a</Encrypt></xml>'))).toBe(-40002);
    const hidden = '<!-- <![CDATA[ --><!DOCTYPE x [<!ENTITY e "boom">]><xml><Encrypt>&e;</Encrypt></xml><!-- ]]> -->';
    expect(codeOf(() => parseEnvelope(hidden))).toBe(-40002);
  });

  it('when the input is huge, then it is rejected with -40002 before parsing', () => {
    const huge = `<xml><Encrypt>${'A'.repeat(2 * 1024 * 1024)}</Encrypt></xml>`;
    const started = Date.now();
    expect(codeOf(() => parseEnvelope(huge))).toBe(-40002);
    expect(Date.now() - started).toBeLessThan(500);
    expect(parseEnvelope(`<xml><Encrypt>${'A'.repeat(5000)}</Encrypt></xml>`, 10_000).encrypt).toHaveLength(5000);
  });

  it('when nesting is absurdly deep, then parsing fails with -40002', () => {
    const deep = `<xml>${'<a>'.repeat(500)}x${'</a>'.repeat(500)}<Encrypt>e</Encrypt></xml>`;
    expect(codeOf(() => parseEnvelope(deep))).toBe(-40002);
  });
});

describe('WeCom inner message parsing', () => {
  it('when a text message arrives, then MsgId stays the exact 64-bit string and fields are typed', () => {
    const msg = parseInboundMessage(textXml('hello'));
    expect(msg).toEqual({
      msgType: 'text',
      toUserName: 'wx5823bf96d3bd56c7',
      fromUserName: 'mycreate',
      createTime: 1409659813,
      content: 'hello',
      msgId: '4561255354251345929',
      agentId: '218',
    });
    expect(Number('4561255354251345929').toString()).not.toBe('4561255354251345929');
  });

  it('when content carries markup-looking text, entities or "]]>" split across CDATA, then it is kept literally', () => {
    expect(parseInboundMessage(textXml('<b>粗体</b> &amp; <!DOCTYPE html>')).msgType).toBe('text');
    const content = (parseInboundMessage(textXml('<b>粗体</b> &amp; <!DOCTYPE html>')) as { content: string }).content;
    expect(content).toBe('<b>粗体</b> &amp; <!DOCTYPE html>');
    const split = textXml('a]]]]><![CDATA[>b');
    expect((parseInboundMessage(split) as { content: string }).content).toBe('a]]>b');
  });

  it('when content is plain text with predefined entities, then only those are decoded', () => {
    const xml =
      '<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>' +
      '<Content>1 &lt; 2 &amp;&amp; &#x4E2D;&#25991; &unknown;</Content><MsgId>12</MsgId><AgentID>1</AgentID></xml>';
    expect((parseInboundMessage(xml) as { content: string }).content).toBe('1 < 2 && 中文 &unknown;');
  });

  it('when content or the sender carries characters XML forbids (NUL by reference, controls inside CDATA), then they are dropped', () => {
    const xml =
      '<xml><ToUserName>c</ToUserName><FromUserName>u&#0;1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>' +
      '<Content>还剩&#0;多少&#x1F;票&#xFFFF;<![CDATA[呢\u0001\u0008\t]]></Content><MsgId>12</MsgId><AgentID>1</AgentID></xml>';
    const m = parseInboundMessage(xml) as { content: string; fromUserName: string };
    expect(m.content).toBe('还剩多少票呢\t');
    expect(m.fromUserName).toBe('u1');
  });

  it('when an enter_agent event arrives, then it parses with no MsgId', () => {
    const xml =
      '<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime>' +
      '<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1000002</AgentID></xml>';
    const msg = parseInboundMessage(xml);
    expect(msg).toMatchObject({
      msgType: 'event',
      event: 'enter_agent',
      fromUserName: 'zhangsan',
      createTime: 1700000000,
      agentId: '1000002',
    });
    expect(msg.msgType === 'event' && msg.eventKey).toBeUndefined();
  });

  it('when a template card button is clicked, then event key, task id, card type and response code come through', () => {
    const xml =
      '<xml><ToUserName>corp</ToUserName><FromUserName>engineer1</FromUserName><CreateTime>1700000001</CreateTime>' +
      '<MsgType>event</MsgType><Event>template_card_event</Event><EventKey>claim</EventKey><TaskId>ticket-123@1</TaskId>' +
      '<CardType>button_interaction</CardType><ResponseCode>RESP123</ResponseCode><AgentID>1000002</AgentID>' +
      '<SelectedItems><SelectedItem><QuestionKey>q</QuestionKey></SelectedItem></SelectedItems></xml>';
    expect(parseInboundMessage(xml)).toMatchObject({
      msgType: 'event',
      event: 'template_card_event',
      eventKey: 'claim',
      taskId: 'ticket-123@1',
      cardType: 'button_interaction',
      responseCode: 'RESP123',
    });
  });

  it('when an image or voice message arrives, then it becomes unsupported with its original type', () => {
    const xml = (type: string) =>
      `<xml><ToUserName>corp</ToUserName><FromUserName>u1</FromUserName><CreateTime>1700000002</CreateTime><MsgType>${type}</MsgType>` +
      '<PicUrl>http://x</PicUrl><MediaId>m</MediaId><MsgId>9223372036854775807</MsgId><AgentID>1</AgentID></xml>';
    expect(parseInboundMessage(xml('image'))).toEqual({
      msgType: 'unsupported',
      originalType: 'image',
      toUserName: 'corp',
      fromUserName: 'u1',
      createTime: 1700000002,
      agentId: '1',
      msgId: '9223372036854775807',
    });
    expect(parseInboundMessage(xml('voice'))).toMatchObject({ msgType: 'unsupported', originalType: 'voice' });
  });

  it('when a required field is missing or CreateTime is not a number, then parsing fails with -40002', () => {
    expect(codeOf(() => parseInboundMessage(textXml('x').replace(/<FromUserName>.*?<\/FromUserName>/, '')))).toBe(-40002);
    expect(codeOf(() => parseInboundMessage(textXml('x').replace('1409659813', 'soon')))).toBe(-40002);
    expect(codeOf(() => parseInboundMessage(textXml('x', '12ab')))).toBe(-40002);
  });
});

describe('WeCom reply building', () => {
  it('when a reply is built, then it parses back to the same content even with "]]>" inside', () => {
    const xml = buildTextReplyXml({ toUser: 'mycreate', fromUser: 'wwcorp', createTime: 1700000000, content: '剩余 a]]>b <x> & 完' });
    expect(xml).toContain('<MsgType><![CDATA[text]]></MsgType>');
    const back = parseInboundMessage(xml.replace('</xml>', '<MsgId>1</MsgId></xml>'));
    expect(back).toMatchObject({ msgType: 'text', toUserName: 'mycreate', fromUserName: 'wwcorp', content: '剩余 a]]>b <x> & 完' });
  });

  it('when the encrypted envelope is built, then it has the four fields WeCom reads', () => {
    const xml = buildEncryptedEnvelopeXml({ encrypt: 'abc==', msgSignature: 'sig', timestamp: '1409659813', nonce: 'n1' });
    expect(xml).toBe(
      '<xml><Encrypt><![CDATA[abc==]]></Encrypt><MsgSignature><![CDATA[sig]]></MsgSignature>' +
        '<TimeStamp>1409659813</TimeStamp><Nonce><![CDATA[n1]]></Nonce></xml>',
    );
  });
});
