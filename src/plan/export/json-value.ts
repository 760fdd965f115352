// Policy documents arrive as `object`; the exports write them out value by value, so they
// first check that a document is plain JSON (no undefined, NaN, dates or class instances)
// rather than let such a value vanish or change on the way.
import { KeyshiftError } from '../../errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function asJsonObject(value: unknown, where: string): JsonObject {
  const checked = asJsonValue(value, where);
  if (checked === null || typeof checked !== 'object' || Array.isArray(checked)) {
    throw new KeyshiftError('internal', `export: ${where} is not a JSON object`);
  }
  return checked;
}

function asJsonValue(value: unknown, where: string): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new KeyshiftError('internal', `export: ${where} holds a number JSON cannot carry (${value})`);
  }
  if (Array.isArray(value)) return value.map((item, i) => asJsonValue(item, `${where}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asJsonValue(v, `${where}.${k}`)]));
  }
  throw new KeyshiftError('internal', `export: ${where} holds a value that is not JSON (${typeof value})`);
}
