// An IAM policy document (parsed JSON, JSON text, or the URL-encoded JSON that the IAM API
// returns) -> the normalised Policy. Structural errors throw a bad-input KeyshiftError naming the
// statement: a policy the evaluator misreads would silently widen or narrow a planned role.
import { badInput } from '../../errors.js';
import { parseConditionOperator } from './condition-operator.js';
import type { ActionElement, ConditionClause, Effect, Policy, PolicyVersion, ResourceElement, Statement } from './policy.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function documentObject(doc: unknown): Json {
  if (typeof doc === 'string') {
    const text = doc.trimStart().startsWith('%') ? decodeURIComponent(doc) : doc;
    try {
      return documentObject(JSON.parse(text) as unknown);
    } catch (e) {
      throw badInput('IAM policy document is not valid JSON', undefined, e);
    }
  }
  if (!isObject(doc)) throw badInput('IAM policy document must be a JSON object');
  return doc;
}

function version(doc: Json): PolicyVersion {
  const v = doc['Version'];
  // IAM reads a document without Version as 2008-10-17, the version without policy variables
  if (v === undefined) return '2008-10-17';
  if (v === '2012-10-17' || v === '2008-10-17') return v;
  throw badInput(`IAM policy Version ${JSON.stringify(v)} is not 2012-10-17 or 2008-10-17`);
}

/** A string or a list of strings, as Action, Resource and their Not- forms are written. */
function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) throw badInput(`${where} is an empty list`);
  return list.map((item) => {
    if (typeof item !== 'string') throw badInput(`${where} must hold strings, found ${JSON.stringify(item)}`);
    return item;
  });
}

/** Exactly one of `name` and `Not${name}`. */
function eitherElement(stmt: Json, name: 'Action' | 'Resource', where: string): ActionElement | ResourceElement {
  const plain = stmt[name];
  const not = stmt[`Not${name}`];
  if (plain !== undefined && not !== undefined) throw badInput(`${where} has both ${name} and Not${name}`);
  if (plain === undefined && not === undefined) throw badInput(`${where} has neither ${name} nor Not${name}`);
  const negated = plain === undefined;
  return { negated, patterns: stringList(negated ? not : plain, `${where} ${negated ? 'Not' : ''}${name}`) };
}

function conditionValue(value: unknown, where: string): string {
  // IAM accepts JSON numbers and booleans in conditions and compares their text
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badInput(`${where} has a condition value that is not a string, number or boolean: ${JSON.stringify(value)}`);
}

function conditions(value: unknown, where: string): ConditionClause[] {
  if (value === undefined) return [];
  if (!isObject(value)) throw badInput(`${where} Condition must be an object`);
  const clauses: ConditionClause[] = [];
  for (const [operatorText, keys] of Object.entries(value)) {
    const parsed = parseConditionOperator(operatorText);
    if (parsed === null) throw badInput(`${where} uses an unknown condition operator ${JSON.stringify(operatorText)}`);
    if (!isObject(keys)) throw badInput(`${where} condition ${operatorText} must map keys to values`);
    for (const [key, raw] of Object.entries(keys)) {
      const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
      clauses.push({ operatorText, ...parsed, key, values: list.map((v) => conditionValue(v, `${where} ${operatorText} ${key}`)) });
    }
  }
  return clauses;
}

function effect(value: unknown, where: string): Effect {
  if (value === 'Allow' || value === 'Deny') return value;
  throw badInput(`${where} Effect must be "Allow" or "Deny", found ${JSON.stringify(value)}`);
}

function statement(raw: unknown, index: number): Statement {
  const where = `statement ${index}`;
  if (!isObject(raw)) throw badInput(`${where} must be an object`);
  const sid = raw['Sid'];
  if (sid !== undefined && typeof sid !== 'string') throw badInput(`${where} Sid must be a string`);
  const named = sid === undefined || sid === '' ? where : `${where} (${sid})`;
  // Principal and NotPrincipal belong to resource and trust policies; identity policies have none
  return {
    index,
    sid: sid === '' ? undefined : sid,
    effect: effect(raw['Effect'], named),
    action: eitherElement(raw, 'Action', named),
    resource: eitherElement(raw, 'Resource', named),
    conditions: conditions(raw['Condition'], named),
  };
}

/** Normalises an IAM identity policy document; throws a bad-input KeyshiftError when it is malformed. */
export function parsePolicy(doc: unknown): Policy {
  const obj = documentObject(doc);
  const raw = obj['Statement'];
  if (raw === undefined) throw badInput('IAM policy document has no Statement');
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const id = obj['Id'];
  return {
    version: version(obj),
    id: typeof id === 'string' ? id : undefined,
    statements: list.map((s, i) => statement(s, i)),
  };
}
