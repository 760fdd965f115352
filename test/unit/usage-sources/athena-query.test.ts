// The generated Athena SQL, read as text (no engine runs it here; moto's Athena runs no SQL):
// the clauses that select, filter, prune and group, and that nothing given by the user can
// reach the query except in the shapes it is checked for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeyshiftError } from '../../../src/errors.js';
import { AGGREGATE_COLUMNS } from '../../../src/usage/sources/aggregate-row.js';
import { athenaUsageQuery, athenaWindow, type AthenaQueryInput } from '../../../src/usage/sources/athena-query.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const WINDOW = { since: new Date('2024-05-02T00:00:00Z'), until: new Date('2024-05-04T00:00:00Z') };
const keyA = fakeKeyId();
const keyB = fakeKeyId();
const base: AthenaQueryInput = { database: 'security_logs', table: 'cloudtrail_logs', window: WINDOW };

/** The outer SELECT's column aliases, in order. */
function outputColumns(sql: string): string[] {
  const outer = sql.slice(sql.lastIndexOf('\nSELECT'), sql.indexOf('\nFROM calls'));
  return outer
    .split(',\n')
    .map((line) => /(?:AS\s+)?([a-z_]+)\s*$/.exec(line.trim())?.[1] ?? line.trim());
}

/** Every single-quoted literal of the SQL ('' inside a literal is an escaped quote). */
function literals(sql: string): string[] {
  return [...sql.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!);
}

describe('athenaUsageQuery', () => {
  it('returns the aggregate columns, in order, grouped by all but the time and count', () => {
    const sql = athenaUsageQuery(base);
    expect(outputColumns(sql)).toEqual([...AGGREGATE_COLUMNS]);
    expect(sql).toContain('min(eventtime) AS first_seen');
    expect(sql).toContain('max(eventtime) AS last_seen');
    expect(sql).toContain('count(*) AS calls');
    const groupBy = sql.slice(sql.indexOf('GROUP BY'), sql.indexOf('ORDER BY'));
    for (const c of AGGREGATE_COLUMNS.filter((c) => !['first_seen', 'last_seen', 'calls'].includes(c))) expect(groupBy).toContain(`  ${c}`);
  });

  it('reads the documented CloudTrail table columns', () => {
    const sql = athenaUsageQuery(base);
    expect(sql).toContain('FROM "security_logs"."cloudtrail_logs"');
    for (const column of [
      'useridentity.accesskeyid AS access_key_id',
      'useridentity.type AS principal_type',
      'useridentity.arn AS principal_arn',
      'useridentity.sessioncontext.sessionissuer.username',
      'eventsource AS event_source',
      'eventname AS event_name',
      'awsregion AS aws_region',
      'sourceipaddress AS source_ip',
      'vpcendpointid AS vpc_endpoint_id',
      'useragent AS user_agent',
      'errorcode AS error_code',
      'readonly AS read_only',
      'eventcategory AS event_category',
      'transform(resources, r -> r.arn)',
      "json_extract_scalar(responseelements, '$.credentials.accessKeyId')",
    ]) {
      expect(sql).toContain(column);
    }
  });

  it('names resources from the request parameters, with S3 keys cut to three folders', () => {
    const sql = athenaUsageQuery(base);
    expect(sql).toContain(`json_extract(requestparameters, '$["bucketName"]')`);
    expect(sql).toContain(`json_extract(requestparameters, '$["roleArn"]')`);
    expect(sql).toContain(`regexp_extract(json_extract_scalar(requestparameters, '$["key"]'), '^([^/]*/){0,3}')`);
    expect(sql).toContain(`IF(json_extract(requestparameters, '$["versionId"]') IS NOT NULL, JSON '"*"')`);
    // the whole requestparameters is never a grouping column: it would make a row per call
    expect(sql).not.toMatch(/\brequestparameters AS\b/);
  });

  it('filters on eventtime for the window, at whole seconds', () => {
    const sql = athenaUsageQuery(base);
    expect(sql).toContain("eventtime >= '2024-05-02T00:00:00Z'");
    expect(sql).toContain("eventtime < '2024-05-04T00:00:00Z'");
    expect(sql).not.toContain('"timestamp"');
    const odd = athenaUsageQuery({ ...base, window: { since: new Date('2024-05-02T00:00:00.700Z'), until: new Date('2024-05-04T00:00:00.200Z') } });
    expect(odd).toContain("eventtime >= '2024-05-02T00:00:00Z'");
    expect(odd).toContain("eventtime < '2024-05-04T00:00:01Z'");
    expect(athenaWindow({ since: null, until: new Date('2024-05-04T00:00:00.200Z') })).toEqual({ since: null, until: new Date('2024-05-04T00:00:01Z') });
  });

  it('prunes date partitions, allowing a day for late delivery', () => {
    const projected = athenaUsageQuery({ ...base, partitioning: 'timestamp' });
    expect(projected).toContain(`"timestamp" >= '2024/05/02'`);
    expect(projected).toContain(`"timestamp" <= '2024/05/04'`);
    const ymd = athenaUsageQuery({ ...base, partitioning: 'year-month-day' });
    expect(ymd).toContain(`concat("year", '/', "month", '/', "day") >= '2024/05/02'`);
    expect(ymd).toContain(`concat("year", '/', "month", '/', "day") <= '2024/05/04'`);
    const openStart = athenaUsageQuery({ ...base, partitioning: 'timestamp', window: { since: null, until: WINDOW.until } });
    expect(openStart).not.toContain('"timestamp" >=');
    expect(openStart).toContain(`"timestamp" <= '2024/05/04'`);
  });

  it('with no window and no keys, reads everything', () => {
    const sql = athenaUsageQuery({ ...base, window: { since: null, until: null } });
    expect(sql).not.toContain('WHERE');
  });

  it('with --keys, keeps those keys and the temporary keys their STS calls issued', () => {
    const sql = athenaUsageQuery({ ...base, keys: [keyB, keyA, keyB], partitioning: 'timestamp' });
    const list = `('${[keyA, keyB].sort().join("', '")}')`;
    expect(sql).toContain(`useridentity.accesskeyid IN ${list}`);
    expect(sql).toContain(`OR useridentity.accesskeyid IN (\n        SELECT json_extract_scalar(responseelements, '$.credentials.accessKeyId')`);
    const subquery = sql.slice(sql.indexOf('SELECT json_extract_scalar(responseelements'));
    expect(subquery).toContain("eventsource = 'sts.amazonaws.com'");
    // the subquery is pruned like the outer query
    expect(subquery).toContain(`"timestamp" >= '2024/05/02'`);
    expect(subquery).toContain("eventtime < '2024-05-04T00:00:00Z'");
  });

  it('is balanced: parentheses and quotes close', () => {
    const sql = athenaUsageQuery({ ...base, keys: [keyA], partitioning: 'year-month-day' });
    const withoutLiterals = sql.replace(/'(?:[^']|'')*'/g, "''");
    expect(withoutLiterals.split('(').length).toBe(withoutLiterals.split(')').length);
    expect(withoutLiterals.split('"').length % 2).toBe(1);
  });
});

describe('athenaUsageQuery refuses what could change the query', () => {
  const refuses = (input: Partial<AthenaQueryInput>) => {
    let error: unknown = null;
    try {
      athenaUsageQuery({ ...base, ...input });
    } catch (e) {
      error = e;
    }
    expect(isKeyshiftError(error) && error.kind).toBe('usage');
  };

  it('key IDs that are not key IDs', () => {
    for (const bad of ["AKIA' OR '1'='1", "AKIAAAAAAAAAAAAAAAAA') --", 'akiaaaaaaaaaaaaaaaaa', 'AKIA AAAAAAAAAAAAAAA', 'AKIA\nAAAAAAAAAAAAAAAA', 'SHORT', '']) refuses({ keys: [keyA, bad] });
  });

  it('database and table names that would need escaping', () => {
    for (const bad of ['logs"; DROP TABLE x; --', 'a.b', 'with space', "quote'", '', 'x'.repeat(256)]) {
      refuses({ database: bad });
      refuses({ table: bad });
    }
  });

  it('unknown partitioning and invalid dates', () => {
    refuses({ partitioning: 'year' as never });
    refuses({ window: { since: new Date('not a date'), until: null } });
  });

  it('for any input, either refuses or puts only checked shapes into literals', () => {
    // the query's own literals, whatever the input
    const fixed = new Set(literals(athenaUsageQuery({ ...base, partitioning: 'year-month-day' })));
    expect(fixed.has('/')).toBe(true);
    const checked = [/^[A-Z0-9]{16,128}$/, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, /^\d{4}\/\d{2}\/\d{2}$/];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.stringMatching(/^[A-Z0-9]{16,20}$/)), { maxLength: 3 }),
        fc.string(),
        fc.string(),
        fc.constantFrom('none', 'timestamp', 'year-month-day'),
        (keys, database, table, partitioning) => {
          let sql: string;
          try {
            sql = athenaUsageQuery({ database, table, keys, window: WINDOW, partitioning: partitioning as AthenaQueryInput['partitioning'] });
          } catch (e) {
            return isKeyshiftError(e) && e.kind === 'usage';
          }
          return literals(sql).every((l) => fixed.has(l) || checked.some((re) => re.test(l))) && sql.includes(`FROM "${database}"."${table}"`) && !/["'\s;]/.test(database + table);
        },
      ),
      { numRuns: 300 },
    );
  });
});
