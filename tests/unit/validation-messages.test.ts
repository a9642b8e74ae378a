import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInput } from '../../src/api/http/validate';
import { ValidationError } from '../../src/domain/errors';
import { createWriteoffSchema } from '../../src/domain/documents/line-documents.schemas';
import { createUserSchema } from '../../src/domain/identity/identity.schemas';
import { createReceiptSchema, listApplicationsSchema } from '../../src/domain/ledger/ledger.schemas';

const ENGLISH = /Invalid|expected|received|Too (small|big)|Unrecognized|Required/;

function refusal(schema: z.ZodType, input: unknown): ValidationError {
  try {
    parseInput(schema, input, '请求内容');
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('validation messages', () => {
  it.each([
    ['a receipt with no fields', createReceiptSchema, {}],
    [
      'a receipt with wrong types and an unknown field',
      createReceiptSchema,
      { billTypeCode: 1, batchCode: 'x', startNo: 'a', endNo: -1, extra: 1 },
    ],
    ['a list query with an unknown status', listApplicationsSchema, { status: 'zzz' }],
    ['a write-off with a line of the wrong shape', createWriteoffSchema, { unitCode: 'U', billTypeCode: 'B', used: [{ batchCode: 1 }] }],
    ['a body that is not an object', createWriteoffSchema, null],
    ['a user with an unknown role', createUserSchema, { username: 'abc', name: 'x', role: 'root' }],
  ])('when %s is parsed, then every message is Chinese and none is a zod default', (_name, schema, input) => {
    const err = refusal(schema, input);
    expect(err.message).toMatch(/^请求内容不正确：/);
    expect(err.details.length).toBeGreaterThan(0);
    for (const d of err.details as Array<{ message: string }>) {
      expect(d.message).not.toMatch(ENGLISH);
      expect(d.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('when a field is missing, an enum is wrong or a key is unknown, then the message says so in plain words', () => {
    const s = z.object({ name: z.string(), kind: z.enum(['a', 'b']), n: z.number().max(5) }).strict();
    const messages = (refusal(s, { kind: 'c', n: 9, extra: 1 }).details as Array<{ path: string; message: string }>).map(
      (d) => `${d.path}:${d.message}`,
    );
    expect(messages).toEqual(['name:必填', 'kind:应为以下之一：a、b', 'n:不能大于 5', ':不支持的字段：extra']);
  });

  it('when a schema carries its own Chinese message, then that message wins over the default', () => {
    const s = z.object({ quantity: z.number().int().positive('数量必须大于 0') }).strict();
    expect(refusal(s, { quantity: 0 }).details).toEqual([{ path: 'quantity', message: '数量必须大于 0' }]);
  });
});
