// decodeUserData: every layer EC2 user data comes in (EC2's base64, gzip, MIME multipart as
// cloud-init writes it, parts with their own base64 and gzip), and inputs it cannot read,
// which give a problem and never an exception.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUserData, MAX_DECODED_BYTES } from '../../../src/scan/aws/user-data/decode-user-data.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');

/** A cloud-init multipart document as `write-mime-multipart` makes it. */
function multipart(parts: { headers: string[]; body: string }[], boundary = '===============5432100987654321==', eol = '\n'): string {
  const lines = [`Content-Type: multipart/mixed; boundary="${boundary}"`, 'MIME-Version: 1.0', '', 'This is a preamble.'];
  for (const p of parts) lines.push(`--${boundary}`, ...p.headers, '', p.body);
  lines.push(`--${boundary}--`, 'epilogue');
  return lines.join(eol);
}

describe('decodeUserData', () => {
  const script = `#!/bin/bash\nset -e\nexport ID=${fakeKeyId()}\n`;

  it('reads a plain script as one part, typed the way cloud-init would', () => {
    expect(decodeUserData(Buffer.from(script))).toEqual({ parts: [{ index: 0, contentType: 'text/x-shellscript', text: script }] });
  });

  it('undoes the base64 EC2 returns (a string), and base64 left on a Buffer', () => {
    expect(decodeUserData(b64(script)).parts[0]?.text).toBe(script);
    expect(decodeUserData(Buffer.from(b64(script))).parts[0]?.text).toBe(script);
    // EC2 line-wraps nothing, but people paste wrapped base64
    expect(decodeUserData(b64(script).replace(/(.{20})/g, '$1\n')).parts[0]?.text).toBe(script);
  });

  it('gunzips gzip and base64-wrapped gzip, and base64 inside base64', () => {
    expect(decodeUserData(gzipSync(script)).parts[0]?.text).toBe(script);
    expect(decodeUserData(b64(gzipSync(script))).parts[0]?.text).toBe(script);
    expect(decodeUserData(b64(b64(gzipSync(script)))).parts[0]?.text).toBe(script);
  });

  it('reads #cloud-config and PowerShell user data, including UTF-16 with a BOM', () => {
    expect(decodeUserData(Buffer.from('#cloud-config\nruncmd: [ls]\n')).parts[0]?.contentType).toBe('text/cloud-config');
    const ps = '<powershell>\n$env:X = "y"\n</powershell>\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ps, 'utf16le')]);
    expect(decodeUserData(utf16).parts[0]).toEqual({ index: 0, contentType: 'text/x-powershell', text: ps });
  });

  it('splits a cloud-init MIME multipart document into its parts, undoing base64 and gzip inside them', () => {
    const config = '#cloud-config\nwrite_files:\n  - path: /etc/app.env\n';
    const shell = '#!/bin/sh\necho part two\n';
    const zipped = '#!/bin/sh\necho part three\n';
    const doc = multipart([
      { headers: ['Content-Type: text/cloud-config; charset="us-ascii"', 'MIME-Version: 1.0', 'Content-Transfer-Encoding: 7bit', 'Content-Disposition: attachment; filename="cloud-config.txt"'], body: config },
      { headers: ['Content-Type: text/x-shellscript', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment;', ' filename=setup.sh'], body: b64(shell).replace(/(.{16})/g, '$1\n') },
      { headers: ['Content-Type: application/x-gzip', 'Content-Transfer-Encoding: base64'], body: b64(gzipSync(zipped)) },
    ]);
    for (const input of [doc, doc.replace(/\n/g, '\r\n')]) {
      const decoded = decodeUserData(b64(gzipSync(input)));
      expect(decoded.problem).toBeUndefined();
      expect(decoded.parts.map((p) => ({ ...p, text: p.text.replace(/\r\n/g, '\n') }))).toEqual([
        { index: 0, contentType: 'text/cloud-config', filename: 'cloud-config.txt', text: config },
        { index: 1, contentType: 'text/x-shellscript', filename: 'setup.sh', text: shell },
        { index: 2, contentType: 'application/x-gzip', text: zipped },
      ]);
    }
  });

  it('flattens a nested multipart, numbering parts in document order', () => {
    const inner = multipart([{ headers: ['Content-Type: text/x-shellscript'], body: 'echo inner' }], 'inner-b');
    const [innerHeader, ...innerRest] = inner.split('\n');
    const doc = multipart([
      { headers: ['Content-Type: text/cloud-config'], body: '#cloud-config' },
      { headers: [innerHeader!], body: innerRest.slice(2).join('\n') },
      { headers: ['Content-Type: text/x-shellscript'], body: 'echo last' },
    ]);
    expect(decodeUserData(Buffer.from(doc)).parts.map((p) => [p.index, p.text])).toEqual([
      [0, '#cloud-config'],
      [1, 'echo inner'],
      [2, 'echo last'],
    ]);
  });

  it('keeps an empty document empty', () => {
    expect(decodeUserData('')).toEqual({ parts: [] });
    expect(decodeUserData(Buffer.alloc(0))).toEqual({ parts: [] });
  });

  describe('inputs it cannot read give a problem, never an exception', () => {
    it('binary data', () => {
      const binary = Buffer.from(Array.from({ length: 2048 }, (_, n) => (n * 7919 + 13) % 256));
      const d = decodeUserData(b64(binary));
      expect(d.problem).toMatch(/binary/);
      expect(d.parts.every((p) => p.text === '')).toBe(true);
    });

    it('a string that is not base64, as EC2 never returns', () => {
      expect(decodeUserData('#!/bin/sh not base64 at all')).toEqual({ parts: [], problem: expect.stringMatching(/not valid base64/) });
    });

    it('truncated gzip', () => {
      const gz = gzipSync(script);
      expect(decodeUserData(gz.subarray(0, gz.length - 6)).problem).toMatch(/gzip data is corrupt/);
    });

    it('a gzip bomb: stops at the decompression ceiling', () => {
      const bomb = gzipSync(Buffer.alloc(MAX_DECODED_BYTES * 4));
      expect(bomb.length).toBeLessThan(64 * 1024);
      const d = decodeUserData(b64(bomb));
      expect(d.problem).toMatch(/gzip bomb/);
      expect(d.parts).toEqual([]);
    });

    it('a gzip bomb inside a MIME part: the other parts are still read', () => {
      const doc = multipart([
        { headers: ['Content-Type: application/x-gzip', 'Content-Transfer-Encoding: base64'], body: b64(gzipSync(Buffer.alloc(MAX_DECODED_BYTES * 2))) },
        { headers: ['Content-Type: text/x-shellscript'], body: script },
      ]);
      const d = decodeUserData(Buffer.from(doc));
      expect(d.problem).toMatch(/part 0: gzip data expands beyond/);
      expect(d.parts[1]).toMatchObject({ index: 1, text: script });
    });

    it('a multipart document without a boundary is scanned whole', () => {
      const d = decodeUserData(Buffer.from(`Content-Type: multipart/mixed\n\n${script}`));
      expect(d.problem).toMatch(/no boundary/);
      expect(d.parts).toEqual([{ index: 0, contentType: 'text/x-shellscript', text: script }]);
    });

    it('a part with broken base64', () => {
      const doc = multipart([
        { headers: ['Content-Type: text/x-shellscript', 'Content-Transfer-Encoding: base64'], body: '!!! not base64 !!!' },
        { headers: ['Content-Type: text/x-shellscript'], body: script },
      ]);
      const d = decodeUserData(Buffer.from(doc));
      expect(d.problem).toMatch(/part 0: invalid base64/);
      expect(d.parts.map((p) => p.text)).toEqual(['', script]);
    });

    it('arbitrary bytes and strings', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
          const d = decodeUserData(Buffer.from(bytes));
          expect(Array.isArray(d.parts)).toBe(true);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.string({ maxLength: 2048 }), (s) => {
          expect(Array.isArray(decodeUserData(s).parts)).toBe(true);
          expect(Array.isArray(decodeUserData(`Content-Type: multipart/mixed; boundary=x\n\n--x\n${s}\n--x--`).parts)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });
});
