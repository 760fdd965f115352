// The credential report's CSV and its <root_account> row, as AWS writes it.
import { describe, expect, it } from 'vitest';
import { parseCsv, rootKeyFindings, rootKeysFromReport } from '../../../src/scan/aws/iam/root-keys.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function report(rows: string[], eol = '\n'): string {
  return [HEADER, ...rows].join(eol) + eol;
}

const ROOT_ONE_ACTIVE_KEY =
  '<root_account>,arn:aws:iam::111122223333:root,2015-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,true,2016-03-01T12:00:00+00:00,2024-04-30T08:15:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const USER = 'alice,arn:aws:iam::111122223333:user/alice,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-01-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';

describe('credential report', () => {
  it('parses CSV with quoted fields, doubled quotes and CRLF line ends', () => {
    expect(parseCsv('a,b,c\r\n1,"x, ""y""",3\r\n')).toEqual([{ a: '1', b: 'x, "y"', c: '3' }]);
    expect(parseCsv('a,b\n1,2')).toEqual([{ a: '1', b: '2' }]);
    expect(parseCsv('')).toEqual([]);
  });

  it("reads the root user's keys from the <root_account> row, ignoring users' keys", () => {
    const read = rootKeysFromReport(report([ROOT_ONE_ACTIVE_KEY, USER], '\r\n'));
    expect(read.rootRowFound).toBe(true);
    expect(read.rootKeys).toEqual({
      keys: [{ slot: 1, active: true, lastRotated: '2016-03-01T12:00:00.000Z', lastUsed: '2024-04-30T08:15:00.000Z' }],
    });
    const findings = rootKeyFindings(read.rootKeys);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'root-access-key', severity: 'critical', subject: { type: 'root' } });
  });

  it('keeps an inactive root key without a finding, and no keys at all as an empty list', () => {
    const inactive = ROOT_ONE_ACTIVE_KEY.replace(',true,true,2016', ',true,false,2016');
    const read = rootKeysFromReport(report([inactive]));
    expect(read.rootKeys.keys).toEqual([{ slot: 1, active: false, lastRotated: '2016-03-01T12:00:00.000Z', lastUsed: '2024-04-30T08:15:00.000Z' }]);
    expect(rootKeyFindings(read.rootKeys)).toEqual([]);
    const none = '<root_account>,arn:aws:iam::111122223333:root,2015-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
    expect(rootKeysFromReport(report([none])).rootKeys).toEqual({ keys: [] });
  });

  it('gives unknown (null) root keys when the report has no root row, as moto writes it', () => {
    expect(rootKeysFromReport(report([USER]))).toEqual({ rootKeys: { keys: null }, rootRowFound: false });
    expect(rootKeyFindings({ keys: null })).toEqual([]);
  });
});
