import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination';
import { unitCodeSchema } from '../identity/identity.schemas';
import { documentLineViewSchema, documentViewSchema } from './document.views';

/** The documents the bureau reviews, as the inbox names them. */
export const APPROVAL_KINDS = ['application', 'writeoff', 'return', 'stock_void', 'destruction'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export const approvalsQuerySchema = pageQuerySchema.extend({
  kind: z.enum(APPROVAL_KINDS).optional(),
  unitCode: unitCodeSchema.optional(),
});
export type ApprovalsQuery = z.infer<typeof approvalsQuerySchema>;

/** One rule an approval runs, as read now: passed or not, with the Chinese explanation. */
export const approvalCheckSchema = z.object({
  key: z.string(),
  label: z.string(),
  ok: z.boolean(),
  message: z.string(),
});
export type ApprovalCheck = z.infer<typeof approvalCheckSchema>;

export const approvalItemSchema = documentViewSchema.omit({ transitions: true }).extend({
  kind: z.enum(APPROVAL_KINDS),
  kindName: z.string(),
  unitName: z.string(),
  submittedByName: z.string().nullable(),
  counts: z.record(z.string(), z.number().int()),
  lines: z.array(documentLineViewSchema),
  checks: z.array(approvalCheckSchema),
  /** Every check passes now (the approve endpoint still decides). */
  canApprove: z.boolean(),
  /** An application that may be approved and issued at once (通过并发放). */
  canIssueNow: z.boolean(),
});
export type ApprovalItem = z.infer<typeof approvalItemSchema>;

export const approvalsPageSchema = z.object({
  items: z.array(approvalItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Documents awaiting review per kind (whatever the kind filter), for the inbox's tabs. */
  byKind: z.record(z.enum(APPROVAL_KINDS), z.number().int()),
});
