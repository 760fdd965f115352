// Every document keyshift reads or writes carries this envelope, so each pipeline stage
// can run on its own, be stored as an artifact, and refuse input it does not understand.
import { z } from 'zod';

export const DocumentKind = z.enum(['findings', 'inventory', 'usage', 'plan', 'journal']);
export type DocumentKind = z.infer<typeof DocumentKind>;

export const AccountId = z.string().regex(/^\d{12}$/, 'an AWS account ID is 12 digits');

export const envelopeShape = {
  kind: DocumentKind,
  version: z.number().int().positive(),
  /** the AWS account the facts are about; null where there is none (a repository scan) */
  account: AccountId.nullable(),
  /** when the document's facts were true (ISO 8601); the clock is injectable */
  asOf: z.iso.datetime({ offset: true }),
  generator: z.object({ name: z.literal('keyshift'), version: z.string() }),
};

export const Envelope = z.object(envelopeShape);
export type Envelope = z.infer<typeof Envelope>;
