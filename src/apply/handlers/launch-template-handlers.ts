// The attach steps for what launches new instances: a new launch template version (the
// workload's instance profile, IMDSv2, and the user data without the static keys), and the
// Auto Scaling group pointed at it. Running instances keep what they were launched with; the
// plan does not replace them (no instance refresh).
//
// The new version is marked with VersionDescription `keyshift <planId>`, which is how a resumed
// run finds the version it made before a crash, and how rollback finds what to delete.
//
// User data: the static keys are removed line by line from inside whatever encodes them
// (EC2's base64, gzip, further base64 layers, MIME multipart and its transfer encodings),
// following the same layers as the scanner's decoder (src/scan/aws/user-data), and everything
// else is put back as it was: unchanged parts and lines byte for byte, changed layers
// re-encoded the way they were encoded. Where that cannot be done safely (a key inside a part
// that cannot be read or re-encoded, a key inside a longer command, a line continuation) the
// step is blocked and says where, rather than change what the instance runs.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
  type LaunchTemplateInstanceMetadataOptionsRequest,
  type ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { gzipSync } from 'node:zlib';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { DEFAULT_PROXIMITY_LINES, detectCredentials, findSecretCandidates, LineIndex } from '../../detect/index.js';
import { gunzipBounded, isGzip } from '../../scan/aws/user-data/bounded-gunzip.js';
import { bytesToText } from '../../scan/aws/user-data/bytes-to-text.js';
import { cloudInitType } from '../../scan/aws/user-data/cloud-init-type.js';
import { base64Layer, decodeUserData, MAX_DECODED_BYTES } from '../../scan/aws/user-data/decode-user-data.js';
import { decodeTransferEncoding, headerParam, mediaType, parseEntity, parsePart, splitMultipart } from '../../scan/aws/user-data/mime-multipart.js';
import type { CheckResult, StepContext, StepHandler, StepHandlers, StepOutcome } from '../step-handler.js';
import { parseStepShape } from './profile-association-handlers.js';

// ---------------------------------------------------------------------------------------------
// User data without the static keys

export type UserDataRewrite =
  | {
      ok: true;
      /** base64, as EC2 takes it */
      userData: string;
      changed: boolean;
      removedLines: number;
      /** the parts lines were removed from, as the scanner numbers them ("part 0") */
      parts: string[];
    }
  | { ok: false; problem: string };

/** EC2's limit on user data, before base64. */
export const EC2_USER_DATA_LIMIT = 16 * 1024;
// the decoder's limits, so both walk the same layers
const MAX_LAYERS = 4;
const MAX_MULTIPART_DEPTH = 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why a removal cannot be done safely; caught at the top and reported as a blocked step. */
class Unsafe extends Error {}

interface Rewritten {
  bytes: Buffer;
  changed: boolean;
}

const unchanged = (bytes: Buffer): Rewritten => ({ bytes, changed: false });

/**
 * The user data (base64, as EC2 returns it) with the lines holding `keys` and their secrets
 * removed; `ok: false` with the reason when that cannot be done safely.
 */
export function removeCredentialsFromUserData(userData: string, keys: readonly string[]): UserDataRewrite {
  const compact = userData.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) return { ok: false, problem: 'the user data is not valid base64 (as EC2 returns it)' };
  const rewriter = new UserDataRewriter(keys);
  try {
    const out = rewriter.layers(Buffer.from(compact, 'base64'), 'user data', 0, 0);
    if (!out.changed) {
      rewriter.verify(compact, compact);
      return { ok: true, userData: compact, changed: false, removedLines: 0, parts: [] };
    }
    if (out.bytes.length > EC2_USER_DATA_LIMIT) throw new Unsafe(`without the keys the user data would be ${out.bytes.length} bytes, over EC2's ${EC2_USER_DATA_LIMIT}-byte limit`);
    const rewritten = out.bytes.toString('base64');
    rewriter.verify(compact, rewritten);
    return { ok: true, userData: rewritten, changed: true, removedLines: rewriter.removedLines, parts: [...new Set(rewriter.parts)] };
  } catch (e) {
    if (e instanceof Unsafe) return { ok: false, problem: e.message };
    throw e;
  }
}

/** Walks the layers the scanner's decoder walks (decode-user-data.ts), rebuilding only what changed. */
class UserDataRewriter {
  removedLines = 0;
  readonly parts: string[] = [];
  readonly removedFingerprints = new Set<string>();
  private budget = MAX_DECODED_BYTES;
  private partIndex = 0;

  constructor(private readonly keys: readonly string[]) {}

  /** gzip and base64 layers around an entity */
  layers(bytes: Buffer, where: string, depth: number, layer: number): Rewritten {
    if (layer < MAX_LAYERS && isGzip(bytes)) {
      const out = gunzipBounded(bytes, this.budget);
      if (!out.ok) throw new Unsafe(`${where}: ${out.problem}; keyshift cannot tell whether it holds a key`);
      this.budget -= out.data.length;
      const inner = this.layers(out.data, where, depth, layer + 1);
      // the same content compressed again: cloud-init sees the same bytes once decompressed
      return inner.changed ? { bytes: gzipSync(inner.bytes), changed: true } : unchanged(bytes);
    }
    const hidden = layer < MAX_LAYERS ? base64Layer(bytes) : undefined;
    if (hidden) {
      const inner = this.layers(hidden, where, depth, layer + 1);
      return inner.changed ? { bytes: base64Like(bytes, inner.bytes), changed: true } : unchanged(bytes);
    }
    return this.entity(bytes, where, depth);
  }

  /** a MIME multipart document, or one text */
  entity(bytes: Buffer, where: string, depth: number): Rewritten {
    const entity = parseEntity(bytes);
    if (entity && mediaType(entity.headers.get('content-type'))?.startsWith('multipart/')) {
      const head = bytes.subarray(0, bytes.length - entity.body.length);
      const body = this.multipart(entity.body, entity.headers.get('content-type'), where, depth);
      return body.changed ? { bytes: Buffer.concat([head, body.bytes]), changed: true } : unchanged(bytes);
    }
    return this.text(bytes);
  }

  private multipart(body: Buffer, contentType: string | undefined, where: string, depth: number): Rewritten {
    if (depth >= MAX_MULTIPART_DEPTH) return this.opaque(body, where, `multipart nested more than ${MAX_MULTIPART_DEPTH} deep`);
    const boundary = headerParam(contentType, 'boundary');
    const split = boundary ? splitMultipart(body, boundary) : undefined;
    if (!split || split.parts.length === 0) return this.entity(body, where, depth + 1);
    // each part goes back where it was, between the same delimiters
    const text = body.toString('latin1');
    let out = '';
    let cursor = 0;
    let changed = false;
    for (const raw of split.parts) {
      const rawText = raw.toString('latin1');
      const at = text.indexOf(rawText, cursor);
      if (at < 0) throw new Unsafe(`${where}: a multipart part could not be located in its document`);
      const next = this.part(raw, `part ${this.partIndex}`, depth);
      out += text.slice(cursor, at) + (next.changed ? next.bytes.toString('latin1') : rawText);
      cursor = at + rawText.length;
      changed ||= next.changed;
    }
    out += text.slice(cursor);
    return changed ? { bytes: Buffer.from(out, 'latin1'), changed: true } : unchanged(body);
  }

  private part(raw: Buffer, label: string, depth: number): Rewritten {
    const part = parsePart(raw);
    const head = raw.subarray(0, raw.length - part.body.length);
    const partType = part.headers.get('content-type');
    const encoding = part.headers.get('content-transfer-encoding');
    const decoded = decodeTransferEncoding(part.body, encoding);
    if (!decoded.ok) {
      this.partIndex++;
      return this.opaque(raw, label, decoded.problem);
    }
    const inner = mediaType(partType)?.startsWith('multipart/') ? this.multipart(decoded.data, partType, label, depth + 1) : this.layers(decoded.data, label, depth + 1, 0);
    if (!inner.changed) return unchanged(raw);
    return { bytes: Buffer.concat([head, transferEncoded(part.body, inner.bytes, encoding, label)]), changed: true };
  }

  private text(bytes: Buffer): Rewritten {
    const label = `part ${this.partIndex++}`;
    const decoded = bytesToText(bytes);
    if (!decoded.ok) return this.opaque(bytes, label, decoded.problem);
    const codec = textCodec(bytes);
    // latin1 maps each byte to one character and back, so untouched lines stay byte for byte
    const text = codec === 'latin1' ? bytes.toString('latin1') : decoded.text;
    const removal = removeCredentialLines(text, this.keys, label);
    if (removal.lines === 0) return unchanged(bytes);
    this.removedLines += removal.lines;
    this.parts.push(label);
    for (const f of removal.fingerprints) this.removedFingerprints.add(f);
    return { bytes: encodeText(removal.text, codec), changed: true };
  }

  /** a part that cannot be read: fine as long as none of the keys shows in it */
  private opaque(bytes: Buffer, where: string, why: string): Rewritten {
    const raw = bytes.toString('latin1');
    const held = this.keys.filter((k) => raw.includes(k));
    if (held.length > 0) throw new Unsafe(`${where} holds ${held.join(', ')} but cannot be rewritten (${why})`);
    return unchanged(bytes);
  }

  /** The rewritten user data, decoded again: the same parts, and neither the keys nor their secrets in any. */
  verify(before: string, after: string): void {
    const was = decodeUserData(before);
    const now = decodeUserData(after);
    if (now.parts.length !== was.parts.length || (now.problem ?? '') !== (was.problem ?? '')) {
      throw new Unsafe(`removing the keys changed how the user data decodes (${was.parts.length} parts before, ${now.parts.length} after)`);
    }
    for (const part of now.parts) {
      const held = this.keys.filter((k) => part.text.includes(k));
      if (held.length > 0) throw new Unsafe(`part ${part.index} still holds ${held.join(', ')} where keyshift cannot remove it line by line`);
      if (detectCredentials(part.text).some((d) => d.secretFingerprint !== undefined && this.removedFingerprints.has(d.secretFingerprint))) {
        throw new Unsafe(`part ${part.index} still holds the secret of a removed key where keyshift cannot remove it line by line`);
      }
    }
  }
}

/** `data` in base64, laid out like `original` was: the same line width, line breaks and surrounding blanks. */
function base64Like(original: Buffer, data: Buffer): Buffer {
  const text = original.toString('latin1');
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  const trail = /\s*$/.exec(text.slice(lead.length))?.[0] ?? '';
  const lines = text.slice(lead.length, text.length - trail.length).split(/\r?\n/);
  const encoded = data.toString('base64');
  const width = lines.length > 1 ? (lines[0]?.length ?? 0) : 0;
  if (width === 0) return Buffer.from(lead + encoded + trail, 'latin1');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const wrapped: string[] = [];
  for (let i = 0; i < encoded.length; i += width) wrapped.push(encoded.slice(i, i + width));
  return Buffer.from(lead + wrapped.join(eol) + trail, 'latin1');
}

function transferEncoded(original: Buffer, data: Buffer, encoding: string | undefined, label: string): Buffer {
  const enc = (encoding ?? '7bit').trim().toLowerCase();
  if (enc === '7bit' || enc === '8bit' || enc === 'binary') return data;
  if (enc === 'base64') return base64Like(original, data);
  throw new Unsafe(`${label} is sent as Content-Transfer-Encoding ${enc}, which keyshift does not write back`);
}

type TextCodec = 'latin1' | 'utf16le' | 'utf16be';

function textCodec(bytes: Buffer): TextCodec {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be';
  return 'latin1';
}

function encodeText(text: string, codec: TextCodec): Buffer {
  if (codec === 'latin1') return Buffer.from(text, 'latin1');
  const le = Buffer.from(text, 'utf16le');
  return codec === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
}

// What may stand on a removed line next to the key or secret: the assignment of a credential
// variable (export, set, ENV, YAML and JSON keys, `aws configure set`, PowerShell's
// SetEnvironmentVariable, `value:` lines) and nothing that does anything else.
const SETTER_WORDS = new Set([
  'export', 'set', 'setx', 'declare', 'local', 'readonly', 'typeset', 'env', 'environment', 'system',
  'setenvironmentvariable', 'aws', 'configure', 'echo', 'printf', 'value', 'machine', 'user', 'process', 'm', 'e', 'n',
]);
const CREDENTIAL_WORDS = new Set(['aws', 'access', 'secret', 'key', 'id', 'keyid']);

function onlyAssignsACredential(rest: string): boolean {
  const stripped = rest
    .replace(/(^|\s)#.*$/, '') // a trailing comment
    .replace(/\s*\d?>>?\s*\S+\s*$/, '') // `echo … >> ~/.aws/credentials`
    .replace(/--profile[= ]+\S+/g, '');
  const tokens = stripped.split(/[^A-Za-z0-9_]+/).filter(Boolean);
  return tokens.every((t) => {
    if (SETTER_WORDS.has(t.toLowerCase())) return true;
    const words = t.split(/_|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/).filter(Boolean);
    return words.every((w) => CREDENTIAL_WORDS.has(w.toLowerCase()));
  });
}

const continues = (line: string): boolean => /[\\`]\s*$/.test(line);

/**
 * The text without the lines that hold one of `keys`, the secret paired with it, or a secret
 * assigned by name within a few lines of it (the detectors decide what is a secret).
 */
export function removeCredentialLines(text: string, keys: readonly string[], where: string): { text: string; lines: number; fingerprints: string[] } {
  const wanted = new Set(keys);
  const detections = detectCredentials(text);
  const ours = detections.filter((d) => d.keyId !== undefined && wanted.has(d.keyId));
  if (ours.length === 0) return { text, lines: 0, fingerprints: [] };
  const lines = new LineIndex(text);
  const remove = new Set(ours.map((d) => d.line));
  const fingerprints = new Set(ours.flatMap((d) => (d.secretFingerprint ? [d.secretFingerprint] : [])));
  const keyLines = [...remove];
  for (const d of detections) {
    if (d.rule === 'aws-secret-access-key' && d.secretFingerprint && keyLines.some((l) => Math.abs(l - d.line) <= DEFAULT_PROXIMITY_LINES)) fingerprints.add(d.secretFingerprint);
  }
  // every place the secrets are written in this text, however far from the key
  const secrets = findSecretCandidates(text).filter((c) => fingerprints.has(c.fingerprint));
  for (const s of secrets) remove.add(lines.lineOf(s.index));

  for (const line of remove) {
    const start = lines.startOf(line);
    let rest = lines.textOf(line);
    for (const s of secrets) {
      if (s.index >= start && s.index < start + rest.length) rest = rest.slice(0, s.index - start) + ' '.repeat(s.length) + rest.slice(s.index - start + s.length);
    }
    for (const k of wanted) rest = rest.split(k).join(' ');
    if (!onlyAssignsACredential(rest)) throw new Unsafe(`${where}, line ${line}: the key is part of a longer command; removing the line would remove the command too, so edit the user data by hand`);
    if (continues(lines.textOf(line)) && !remove.has(line + 1)) throw new Unsafe(`${where}, line ${line}: the line continues on the next one; edit the user data by hand`);
    if (line > 1 && !remove.has(line - 1) && continues(lines.textOf(line - 1))) throw new Unsafe(`${where}, line ${line}: the line continues the one before it; edit the user data by hand`);
  }

  let out = '';
  let cursor = 0;
  for (const line of [...remove].sort((a, b) => a - b)) {
    const start = lines.startOf(line);
    const end = lines.endOf(line);
    out += text.slice(cursor, start);
    cursor = end < text.length ? end + 1 : end;
  }
  out += text.slice(cursor);
  keepsStructure(text, out, where);
  return { text: out, lines: remove.size, fingerprints: [...fingerprints] };
}

/** A JSON or cloud-config document must still parse without the lines. */
function keepsStructure(before: string, after: string, where: string): void {
  if (parsesAsJson(before) && !parsesAsJson(after)) throw new Unsafe(`${where}: without the key's lines the JSON document would not parse; edit it by hand`);
  if (cloudInitType(before) === 'text/cloud-config' && parseDocument(before).errors.length === 0 && parseDocument(after).errors.length > 0) {
    throw new Unsafe(`${where}: without the key's lines the cloud-config would not parse; edit it by hand`);
  }
}

function parsesAsJson(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Launch templates

/** The VersionDescription of the version keyshift makes for a plan. */
export function versionMarker(planId: string): string {
  return `keyshift ${planId}`;
}

export interface TemplateState {
  latestVersion: number;
  defaultVersion: number;
}

export async function templateState(ec2: EC2Client, launchTemplateId: string): Promise<TemplateState | undefined> {
  const out = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [launchTemplateId] })).catch((e: { name?: string }) => {
    if (e?.name === 'InvalidLaunchTemplateId.NotFound' || e?.name === 'InvalidLaunchTemplateId.Malformed') return { LaunchTemplates: [] };
    throw e;
  });
  const t = out.LaunchTemplates?.find((x) => x.LaunchTemplateId === launchTemplateId);
  if (!t || t.LatestVersionNumber === undefined || t.DefaultVersionNumber === undefined) return undefined;
  return { latestVersion: t.LatestVersionNumber, defaultVersion: t.DefaultVersionNumber };
}

/** The versions after `after` marked as the plan's, oldest first. */
export async function markedVersions(ec2: EC2Client, launchTemplateId: string, planId: string, after: number, latest: number): Promise<number[]> {
  if (latest <= after) return [];
  const marker = versionMarker(planId);
  const found: number[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, MinVersion: String(after + 1), MaxResults: 200, NextToken: token }));
    for (const v of page.LaunchTemplateVersions ?? []) if (v.VersionDescription === marker && v.VersionNumber !== undefined) found.push(v.VersionNumber);
    token = page.NextToken;
  } while (token);
  return [...new Set(found)].sort((a, b) => a - b);
}

/** One version's description and data, or undefined when it does not exist. */
export async function readVersion(ec2: EC2Client, launchTemplateId: string, version: number): Promise<{ description: string | null; data: ResponseLaunchTemplateData } | undefined> {
  const out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, Versions: [String(version)] })).catch((e: { name?: string }) => {
    if (e?.name?.startsWith('InvalidLaunchTemplate')) return { LaunchTemplateVersions: [] };
    throw e;
  });
  const v = out.LaunchTemplateVersions?.find((x) => x.VersionNumber === version);
  return v ? { description: v.VersionDescription ?? null, data: v.LaunchTemplateData ?? {} } : undefined;
}

const VersionParams = z.object({
  launchTemplateId: z.string(),
  region: z.string(),
  sourceVersion: z.number().int().positive(),
  instanceProfileName: z.string(),
  metadataOptions: z.object({ httpTokens: z.enum(['optional', 'required']), httpEndpoint: z.enum(['enabled', 'disabled']), httpPutResponseHopLimit: z.number().int().min(1).max(64) }),
  userData: z.object({ removeCredentials: z.array(z.string()), keys: z.array(z.string()) }),
  setDefault: z.boolean(),
});
type VersionParams = z.infer<typeof VersionParams>;
const VersionExpect = z.object({ latestVersion: z.number().int(), defaultVersion: z.number().int() });

function createVersionHandler(): StepHandler {
  async function check(ctx: StepContext): Promise<CheckResult> {
    const p = parseStepShape(ctx.step, 'params', VersionParams);
    const expected = parseStepShape(ctx.step, 'expect', VersionExpect);
    const ec2 = ctx.aws.client(EC2Client, p.region);
    const t = await templateState(ec2, p.launchTemplateId);
    if (!t) return { state: 'drift', message: `launch template ${p.launchTemplateId} no longer exists` };
    const mine = (await markedVersions(ec2, p.launchTemplateId, ctx.plan.planId, expected.latestVersion, t.latestVersion)).at(-1);
    if (mine !== undefined) {
      if (!p.setDefault || t.defaultVersion === mine) return { state: 'done', output: { version: mine }, message: `version ${mine} of ${p.launchTemplateId} was made by this plan` };
      // made, but the crash came before it was made the default: run finishes that
      if (t.defaultVersion === expected.defaultVersion) return { state: 'ready' };
    }
    if (mine === undefined && t.latestVersion === expected.latestVersion && t.defaultVersion === expected.defaultVersion) return { state: 'ready' };
    return {
      state: 'drift',
      message: `launch template ${p.launchTemplateId} is at version ${t.latestVersion} (default ${t.defaultVersion}); the plan expected ${expected.latestVersion} (default ${expected.defaultVersion})`,
    };
  }

  return {
    check,
    async run(ctx): Promise<StepOutcome> {
      const p = parseStepShape(ctx.step, 'params', VersionParams);
      const expected = parseStepShape(ctx.step, 'expect', VersionExpect);
      const ec2 = ctx.aws.client(EC2Client, p.region);
      const state = await check(ctx);
      if (state.state === 'drift') return { status: 'blocked', message: state.message };
      const t = await templateState(ec2, p.launchTemplateId);
      if (!t) return { status: 'blocked', message: `launch template ${p.launchTemplateId} no longer exists` };
      let version = (await markedVersions(ec2, p.launchTemplateId, ctx.plan.planId, expected.latestVersion, t.latestVersion)).at(-1);
      let made = '';
      if (version === undefined) {
        const created = await createVersion(ctx, ec2, p, t);
        if (created.status !== 'done') return created;
        version = created.version;
        made = created.message;
      }
      if (p.setDefault && t.defaultVersion !== version) {
        const defaultVersion = version;
        await ctx.mutate(
          {
            api: 'ec2:ModifyLaunchTemplate',
            region: p.region,
            target: p.launchTemplateId,
            args: { launchTemplateId: p.launchTemplateId, defaultVersion, previous: { defaultVersion: t.defaultVersion } },
          },
          () => ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: p.launchTemplateId, DefaultVersion: String(defaultVersion) })),
          (r) => ({ defaultVersion: r.LaunchTemplate?.DefaultVersionNumber ?? null }),
        );
        made = `${made || `version ${version} of ${p.launchTemplateId} was already made`}; it is the default version now (was ${t.defaultVersion})`;
      }
      return { status: 'done', message: made || `version ${version} of ${p.launchTemplateId} was already made`, output: { version } };
    },
  };
}

async function createVersion(
  ctx: StepContext,
  ec2: EC2Client,
  p: VersionParams,
  t: TemplateState,
): Promise<{ status: 'done'; version: number; message: string } | Exclude<StepOutcome, { status: 'done' }>> {
  const source = await readVersion(ec2, p.launchTemplateId, p.sourceVersion);
  if (!source) return { status: 'blocked', message: `version ${p.sourceVersion} of launch template ${p.launchTemplateId}, the plan's source, no longer exists` };
  let userData: string | undefined;
  let rewritten = false;
  let removed = 'no user data';
  if (source.data.UserData) {
    const rewrite = removeCredentialsFromUserData(source.data.UserData, p.userData.keys);
    if (!rewrite.ok) return { status: 'blocked', message: `cannot remove ${p.userData.keys.join(', ')} from the user data of ${p.launchTemplateId} version ${p.sourceVersion}: ${rewrite.problem}` };
    userData = rewrite.userData;
    rewritten = rewrite.changed;
    removed = rewrite.changed ? `user data without ${p.userData.keys.join(', ')} (${rewrite.removedLines} line${rewrite.removedLines === 1 ? '' : 's'} removed from ${rewrite.parts.join(', ')})` : 'user data unchanged (it held none of the keys)';
  }
  const sourceOptions = source.data.MetadataOptions;
  const metadataOptions: LaunchTemplateInstanceMetadataOptionsRequest = {
    // AWS replaces MetadataOptions as a whole: the options the plan does not set are carried over
    ...(sourceOptions?.HttpProtocolIpv6 && { HttpProtocolIpv6: sourceOptions.HttpProtocolIpv6 }),
    ...(sourceOptions?.InstanceMetadataTags && { InstanceMetadataTags: sourceOptions.InstanceMetadataTags }),
    HttpTokens: p.metadataOptions.httpTokens,
    HttpEndpoint: p.metadataOptions.httpEndpoint,
    // a higher hop limit than planned is kept: the instances' containers may need it
    HttpPutResponseHopLimit: Math.max(sourceOptions?.HttpPutResponseHopLimit ?? 1, p.metadataOptions.httpPutResponseHopLimit),
  };
  const versionDescription = versionMarker(ctx.plan.planId);
  const response = await ctx.mutate(
    {
      api: 'ec2:CreateLaunchTemplateVersion',
      region: p.region,
      target: p.launchTemplateId,
      // never the user data itself: it may hold other secrets
      args: {
        launchTemplateId: p.launchTemplateId,
        sourceVersion: p.sourceVersion,
        versionDescription,
        instanceProfileName: p.instanceProfileName,
        metadataOptions: { ...metadataOptions },
        userData: { keys: p.userData.keys, rewritten },
        previous: { latestVersion: t.latestVersion, defaultVersion: t.defaultVersion },
      },
    },
    () =>
      ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: p.launchTemplateId,
          SourceVersion: String(p.sourceVersion),
          VersionDescription: versionDescription,
          LaunchTemplateData: {
            IamInstanceProfile: { Name: p.instanceProfileName },
            MetadataOptions: metadataOptions,
            // sent even when unchanged, so the new version's user data does not depend on inheritance
            ...(userData !== undefined && { UserData: userData }),
          },
        }),
      ),
    (r) => ({ version: r.LaunchTemplateVersion?.VersionNumber ?? null }),
  );
  const version = response.LaunchTemplateVersion?.VersionNumber;
  if (version === undefined) return { status: 'failed', message: `EC2 made a version of ${p.launchTemplateId} but did not say which` };
  return {
    status: 'done',
    version,
    message: `made version ${version} of ${p.launchTemplateId} from version ${p.sourceVersion}: instance profile ${p.instanceProfileName}, IMDSv2 ${p.metadataOptions.httpTokens}, ${removed}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Auto Scaling groups

const GroupParams = z.object({
  autoScalingGroupName: z.string(),
  region: z.string(),
  launchTemplate: z.object({ id: z.string(), version: z.object({ fromStep: z.string() }) }),
  /** not set by today's planner: see run() */
  instanceRefresh: z.boolean().optional(),
});
const GroupExpect = z.object({ launchTemplate: z.object({ id: z.string().nullable(), version: z.string().nullable() }) });

/** The launch template a group launches from: its own, or its mixed instances policy's. */
export interface GroupLaunchTemplate {
  launchTemplateId: string | null;
  launchTemplateName: string | null;
  version: string | null;
  viaMixedInstancesPolicy: boolean;
}

export async function groupLaunchTemplate(autoScaling: AutoScalingClient, name: string): Promise<GroupLaunchTemplate | undefined> {
  const out = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group: AutoScalingGroup | undefined = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
  if (!group) return undefined;
  const spec = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  return {
    launchTemplateId: spec?.LaunchTemplateId ?? null,
    launchTemplateName: spec?.LaunchTemplateName ?? null,
    version: spec?.Version ?? null,
    viaMixedInstancesPolicy: group.LaunchTemplate === undefined && group.MixedInstancesPolicy !== undefined,
  };
}

function describeSpec(s: { launchTemplateId: string | null; version: string | null } | { id: string | null; version: string | null }): string {
  const id = 'id' in s ? s.id : s.launchTemplateId;
  return id === null ? 'no launch template' : `launch template ${id} version ${s.version ?? '(unset: $Default)'}`;
}

function updateGroupHandler(): StepHandler {
  const plannedVersion = (ctx: StepContext, fromStep: string): number | undefined => {
    const v = ctx.outputOf(fromStep)?.version;
    return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  };

  async function check(ctx: StepContext): Promise<CheckResult> {
    const p = parseStepShape(ctx.step, 'params', GroupParams);
    const expected = parseStepShape(ctx.step, 'expect', GroupExpect).launchTemplate;
    const live = await groupLaunchTemplate(ctx.aws.client(AutoScalingClient, p.region), p.autoScalingGroupName);
    if (!live) return { state: 'drift', message: `Auto Scaling group ${p.autoScalingGroupName} no longer exists` };
    const version = plannedVersion(ctx, p.launchTemplate.version.fromStep);
    if (version !== undefined && live.launchTemplateId === p.launchTemplate.id && live.version === String(version)) {
      return { state: 'done', output: { launchTemplate: { id: p.launchTemplate.id, version: String(version) } }, message: `${p.autoScalingGroupName} already launches from version ${version}` };
    }
    if (live.launchTemplateId === expected.id && live.version === expected.version) return { state: 'ready' };
    return { state: 'drift', message: `Auto Scaling group ${p.autoScalingGroupName} launches from ${describeSpec(live)}; the plan expected ${describeSpec(expected)}` };
  }

  return {
    check,
    async run(ctx): Promise<StepOutcome> {
      const p = parseStepShape(ctx.step, 'params', GroupParams);
      const state = await check(ctx);
      if (state.state === 'done') return { status: 'done', message: state.message ?? 'already updated', output: state.output ?? {} };
      if (state.state === 'drift') return { status: 'blocked', message: state.message };
      const version = plannedVersion(ctx, p.launchTemplate.version.fromStep);
      if (version === undefined) return { status: 'failed', message: `step ${p.launchTemplate.version.fromStep} recorded no launch template version for ${p.autoScalingGroupName} to use` };
      const autoScaling = ctx.aws.client(AutoScalingClient, p.region);
      const live = await groupLaunchTemplate(autoScaling, p.autoScalingGroupName);
      if (!live) return { status: 'blocked', message: `Auto Scaling group ${p.autoScalingGroupName} no longer exists` };
      const command = `aws autoscaling update-auto-scaling-group --region ${p.region} --auto-scaling-group-name ${p.autoScalingGroupName}`;
      if (live.viaMixedInstancesPolicy) {
        // its overrides would have to be sent back whole: a person does this one
        return {
          status: 'paused',
          message: `${p.autoScalingGroupName} launches through a mixed instances policy: set its LaunchTemplateSpecification to ${p.launchTemplate.id} version ${version}, keeping its overrides`,
          commands: [`${command} --mixed-instances-policy file://policy.json   # the group's current policy with LaunchTemplateSpecification.Version = "${version}"`],
        };
      }
      await ctx.mutate(
        {
          api: 'autoscaling:UpdateAutoScalingGroup',
          region: p.region,
          target: p.autoScalingGroupName,
          args: {
            autoScalingGroupName: p.autoScalingGroupName,
            launchTemplate: { id: p.launchTemplate.id, version: String(version) },
            previous: { launchTemplateId: live.launchTemplateId, launchTemplateName: live.launchTemplateName, version: live.version },
          },
        },
        () => autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: p.autoScalingGroupName, LaunchTemplate: { LaunchTemplateId: p.launchTemplate.id, Version: String(version) } })),
      );
      const message = `${p.autoScalingGroupName} launches from ${p.launchTemplate.id} version ${version} now (was ${describeSpec(live)}); its running instances keep what they were launched with`;
      // No instance refresh: replacing running instances is the owner's decision, and the plan
      // does not ask for it today. Should a plan ever set instanceRefresh, a person starts it:
      // keyshift does not journal (or know how to undo) an instance refresh.
      if (p.instanceRefresh === true) {
        return { status: 'paused', message: `${message}; the plan asks for an instance refresh, which a person starts`, commands: [`aws autoscaling start-instance-refresh --region ${p.region} --auto-scaling-group-name ${p.autoScalingGroupName}`] };
      }
      return { status: 'done', message, output: { launchTemplate: { id: p.launchTemplate.id, version: String(version) } } };
    },
  };
}

/** The two step kinds for what launches new instances. */
export const launchTemplateHandlers = { 'create-launch-template-version': createVersionHandler(), 'update-auto-scaling-group': updateGroupHandler() } satisfies StepHandlers;
