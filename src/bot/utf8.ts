/** UTF-8 byte length, the unit WeCom (and most channels) count their message limits in. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
