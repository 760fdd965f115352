// The findings document's version, apart from its schema so that writing a document does not
// load zod (≈ 30 ms of a `scan repo` start-up).
export const FINDINGS_VERSION = 1;
