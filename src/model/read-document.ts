// Reading a document: the kind and version are checked before the schema, so the error says
// "this is an inventory, not a plan" or "this was written by a newer keyshift" instead of a
// list of schema violations.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { badInput } from '../errors.js';
import type { DocumentKind } from './envelope.js';

export interface DocumentSpec<T> {
  kind: DocumentKind;
  version: number;
  schema: z.ZodType<T>;
}

export function parseDocument<T>(text: string, spec: DocumentSpec<T>, source: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw badInput(`${source} is not valid JSON: ${(e as Error).message}`, `pass a ${spec.kind} document written by keyshift`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badInput(`${source} is not a keyshift document (expected a JSON object)`, `pass a ${spec.kind} document written by keyshift`);
  }
  const { kind, version } = raw as { kind?: unknown; version?: unknown };
  if (kind !== spec.kind) {
    const got = typeof kind === 'string' ? `a ${kind} document` : 'a document without a kind';
    throw badInput(`${source} is ${got}, not a ${spec.kind} document`, `pass the ${spec.kind} document this command reads`);
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw badInput(`${source} has no valid version`, `pass a ${spec.kind} document written by keyshift`);
  }
  if (version > spec.version) {
    throw badInput(
      `${source} is a ${spec.kind} document of version ${version}, newer than this keyshift reads (${spec.version})`,
      'upgrade keyshift to read it',
    );
  }
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw badInput(`${source} is not a valid ${spec.kind} document${where}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export async function readDocument<T>(path: string, spec: DocumentSpec<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw badInput(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, undefined, e);
  }
  return parseDocument(text, spec, path);
}
