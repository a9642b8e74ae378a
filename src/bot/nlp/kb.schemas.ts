import { z } from 'zod';

/** Kinds of intent: faq answers from the KB, domain queries the ledger, negative means out of scope. */
export const kbKindSchema = z.enum(['faq', 'domain', 'conversation', 'fault', 'negative']);
export type KbKind = z.infer<typeof kbKindSchema>;

/** Where an answer's rule comes from; reviewers check it against the notice. */
export const kbProvenanceSchema = z.strictObject({
  source: z.string().trim().min(1),
  effectiveDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
});

/** One intent of the knowledge base, as stored in YAML or in the admin DB. */
export const kbIntentSchema = z.strictObject({
  intent: z.string().regex(/^(None|[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)*)$/, 'must be None or dotted lower-case'),
  kind: kbKindSchema,
  description: z.string().trim().min(1),
  utterances: z.array(z.string().trim().min(1)).min(1),
  answers: z.array(z.string().trim().min(1)),
  provenance: kbProvenanceSchema,
});
export type KbIntent = z.infer<typeof kbIntentSchema>;

/** knowledge-base/<lang>/<area>.yml */
export const kbAreaFileSchema = z.strictObject({
  area: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case kebab'),
  intents: z.array(kbIntentSchema).min(1),
});
export type KbAreaFile = z.infer<typeof kbAreaFileSchema>;

/** knowledge-base/<lang>/region.yml: values for {{placeholders}} in answers. */
export const kbRegionFileSchema = z.strictObject({
  // The corpus writer labels the file like the area files; harmless, so accepted.
  area: z.literal('region').optional(),
  values: z.record(z.string().regex(/^[\w.-]+$/), z.union([z.string(), z.number()])),
});
export type KbRegionFile = z.infer<typeof kbRegionFileSchema>;
