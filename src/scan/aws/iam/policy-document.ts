// IAM policy documents as the APIs return them: GetAccountAuthorizationDetails gives them
// URL-encoded (RFC 3986), resource APIs give plain JSON. Both become parsed JSON here, and
// the fields that may be a string or a list are read the same way everywhere.

export type PolicyDocument = Record<string, unknown>;
export type PolicyStatement = Record<string, unknown>;

/** Parses a policy document, URL-decoding it first when it is encoded. */
export function parsePolicyDocument(raw: string | undefined): PolicyDocument {
  if (raw === undefined || raw.trim() === '') return {};
  const text = raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw);
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('a policy document is not a JSON object');
  return parsed as PolicyDocument;
}

/** The statements of a document; `Statement` may be one object or a list. */
export function statementsOf(doc: PolicyDocument): PolicyStatement[] {
  const s = doc.Statement;
  const list = Array.isArray(s) ? s : s === undefined ? [] : [s];
  return list.filter((x): x is PolicyStatement => x !== null && typeof x === 'object' && !Array.isArray(x));
}

/** A policy field that is one string or a list of strings (Action, Resource, Principal.AWS). */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
