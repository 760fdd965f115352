// Policy documents as GetAccountAuthorizationDetails returns them (URL-encoded) and as
// resource APIs do (plain JSON).
import { describe, expect, it } from 'vitest';
import { parsePolicyDocument, statementsOf } from '../../../src/scan/aws/iam/policy-document.js';

describe('policy documents', () => {
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/a b%c/*' }] };

  it('decodes URL-encoded documents and reads plain JSON as it is', () => {
    expect(parsePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
    expect(parsePolicyDocument(JSON.stringify(doc))).toEqual(doc);
    expect(parsePolicyDocument(`  ${JSON.stringify(doc)}`)).toEqual(doc);
    expect(parsePolicyDocument(undefined)).toEqual({});
  });

  it('refuses a document that is not a JSON object', () => {
    expect(() => parsePolicyDocument('%5B%5D')).toThrow(/not a JSON object/);
  });

  it('reads Statement as one object or a list', () => {
    expect(statementsOf({ Statement: doc.Statement[0] })).toEqual(doc.Statement);
    expect(statementsOf({ Statement: [doc.Statement[0], 'junk', null] })).toEqual(doc.Statement);
    expect(statementsOf({})).toEqual([]);
  });
});
