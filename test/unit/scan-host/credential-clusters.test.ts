// Values whose meaning a format gives, handed to the shared detector: pairs form only within
// a cluster, and in an environment by the stems of their names, whatever their order.
import { describe, expect, it } from 'vitest';
import { secretFingerprint } from '../../../src/detect/index.js';
import { detectInClusters, detectInEnvironment, type NamedValue } from '../../../src/scan/host/credential-clusters.js';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';

const named = (name: string, value: string): NamedValue<string> => ({ name, value, at: name });

function summary(sightings: ReturnType<typeof detectInEnvironment<string>>) {
  return sightings.map((s) => [s.at, s.detection.rule, s.detection.keyId ?? null, s.detection.secretFingerprint ?? null]);
}

describe('detectInClusters', () => {
  it('pairs within a cluster and never across clusters', () => {
    const [a, b] = [fakeKeyId(), fakeKeyId()];
    const [sa, sb] = [fakeSecret(), fakeSecret()];
    const sightings = detectInClusters([[named('aws_access_key_id', a)], [named('aws_secret_access_key', sa)], [named('aws_access_key_id', b), named('aws_secret_access_key', sb)]]);
    expect(summary(sightings)).toEqual([
      ['aws_access_key_id', 'aws-access-key-id', a, null],
      ['aws_secret_access_key', 'aws-secret-access-key', null, secretFingerprint(sa)],
      ['aws_access_key_id', 'aws-access-key-pair', b, secretFingerprint(sb)],
    ]);
  });

  it('leaves the documentation examples and placeholders to the detector, which drops them', () => {
    const sightings = detectInClusters([
      [named('aws_access_key_id', 'AKIAIOSFODNN7EXAMPLE'), named('aws_secret_access_key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')],
      [named('aws_secret_access_key', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN')],
    ]);
    expect(sightings).toEqual([]);
  });
});

describe('detectInEnvironment', () => {
  it('pairs key IDs and secrets whose names share a stem, however far apart', () => {
    const [app, s3] = [fakeKeyId(), fakeKeyId()];
    const [appSecret, s3Secret] = [fakeSecret(), fakeSecret()];
    const filler = Array.from({ length: 10 }, (_, i) => named(`V${i}`, 'x'));
    const sightings = detectInEnvironment([
      named('S3_ACCESS_KEY', s3),
      named('AWS_ACCESS_KEY_ID', app),
      ...filler,
      named('AWS_SECRET_ACCESS_KEY', appSecret),
      named('S3_SECRET_KEY', s3Secret),
    ]);
    expect(summary(sightings)).toEqual([
      ['S3_ACCESS_KEY', 'aws-access-key-pair', s3, secretFingerprint(s3Secret)],
      ['AWS_ACCESS_KEY_ID', 'aws-access-key-pair', app, secretFingerprint(appSecret)],
    ]);
  });

  it('pairs the only key ID and the only secret left, and keeps a pair within one value whole', () => {
    const [lone, inline] = [fakeKeyId(), fakeKeyId()];
    const [loneSecret, inlineSecret] = [fakeSecret(), fakeSecret()];
    const sightings = detectInEnvironment([
      named('UPLOADER_ID', lone),
      named('BACKUP_CREDENTIALS', `${inline}:${inlineSecret}`),
      named('MY_SECRET_KEY', loneSecret),
    ]);
    expect(summary(sightings)).toEqual([
      ['UPLOADER_ID', 'aws-access-key-pair', lone, secretFingerprint(loneSecret)],
      ['BACKUP_CREDENTIALS', 'aws-access-key-pair', inline, secretFingerprint(inlineSecret)],
    ]);
  });

  it('does not guess between two unmatched key IDs and one secret', () => {
    const [a, b] = [fakeKeyId(), fakeKeyId()];
    const secret = fakeSecret();
    const sightings = detectInEnvironment([named('FIRST', a), named('SECOND', b), named('THE_SECRET_KEY', secret)]);
    expect(summary(sightings).map(([at, rule]) => [at, rule])).toEqual([
      ['FIRST', 'aws-access-key-id'],
      ['SECOND', 'aws-access-key-id'],
      ['THE_SECRET_KEY', 'aws-secret-access-key'],
    ]);
  });
});
