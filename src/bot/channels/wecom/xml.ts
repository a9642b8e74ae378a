import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WecomCryptoError } from './crypto';

/** An element's content: text for a leaf, child elements for a container. */
export type XmlNode = string | XmlRecord;
export interface XmlRecord {
  [name: string]: XmlNode;
}

/** Default input cap: WeCom envelopes and messages are a few KB; anything near this is hostile. */
export const DEFAULT_MAX_XML_BYTES = 128 * 1024;

const CDATA = '__cdata';
const TEXT = '#text';

// No entity processing and no tag-value parsing: 64-bit MsgIds must stay exact strings, and
// nothing in the input may expand. DOCTYPE/ENTITY is rejected before the parser sees it.
const parser = new XMLParser({
  preserveOrder: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: CDATA,
  trimValues: true,
  maxNestedTags: 16,
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes only XML's five predefined entities and numeric references, never declared ones. */
function decodeText(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name];
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

type Ordered = Record<string, unknown>;

function toNode(children: Ordered[]): XmlNode {
  let text = '';
  const record: XmlRecord = {};
  let hasElements = false;
  for (const child of children) {
    const name = Object.keys(child).find((k) => k !== ':@');
    if (name === undefined) continue;
    const value = child[name];
    if (name === TEXT) text += decodeText(String(value));
    else if (name === CDATA) text += (value as Ordered[]).map((v) => scalarText(v[TEXT])).join('');
    else {
      // A repeated element would let one copy be validated and another used: refuse it.
      if (name in record) throw new WecomCryptoError(-40002, `duplicate element <${name}>`);
      record[name] = toNode(value as Ordered[]);
      hasElements = true;
    }
  }
  return hasElements ? record : text;
}

/**
 * True if markup outside CDATA and comments declares a DOCTYPE or ENTITY. CDATA bodies are user
 * text (someone may type "<!DOCTYPE"); scanning left to right consumes each section as a unit, so
 * a "<![CDATA[" inside a comment cannot hide a real declaration after it.
 */
function declaresDoctype(xml: string): boolean {
  for (const m of xml.matchAll(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<!\s*(DOCTYPE|ENTITY)/gi)) {
    if (m[1] !== undefined) return true;
  }
  return false;
}

/** Parses WeCom XML safely into a record of the root's children; every failure is -40002. */
export function parseWecomXml(xml: string, maxBytes = DEFAULT_MAX_XML_BYTES): XmlRecord {
  if (xml.length > maxBytes || Buffer.byteLength(xml, 'utf8') > maxBytes) {
    throw new WecomCryptoError(-40002, `input exceeds ${maxBytes} bytes`);
  }
  if (declaresDoctype(xml)) throw new WecomCryptoError(-40002, 'DOCTYPE/ENTITY not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new WecomCryptoError(-40002, `malformed XML: ${valid.err.code}`);
  let parsed: Ordered[];
  try {
    parsed = parser.parse(xml) as Ordered[];
  } catch {
    throw new WecomCryptoError(-40002, 'XML parser failed');
  }
  const roots = parsed.filter((n) => Object.keys(n).some((k) => k !== ':@' && k !== TEXT));
  if (roots.length !== 1 || !('xml' in roots[0])) throw new WecomCryptoError(-40002, 'root element must be <xml>');
  const root = toNode(roots[0].xml as Ordered[]);
  return typeof root === 'string' ? {} : root;
}

/** The text of a parsed scalar (fast-xml-parser gives strings or numbers); anything else is no text. */
const scalarText = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

// Characters XML 1.0 forbids even inside CDATA (and lone surrogates); WeCom would reject the whole document.
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text without the characters XML 1.0 forbids (NUL and other C0 controls but tab/CR/LF, U+FFFE/FFFF, lone surrogates). */
export const stripXmlInvalid = (text: string): string => text.replace(XML_INVALID, '');

/** Wraps text in CDATA, splitting any "]]>" so user text cannot close the section. */
export function cdata(text: string): string {
  return `<![CDATA[${stripXmlInvalid(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
