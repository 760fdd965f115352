// Decoded user data bytes as text for the detectors, or why they are not text. UTF-8 (with
// or without a BOM), UTF-16 with a BOM (Windows PowerShell scripts are often saved so), and
// other 8-bit text as latin1, whose ASCII bytes the detectors still see unchanged.

export type TextResult = { ok: true; text: string } | { ok: false; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const SAMPLE_BYTES = 8192;
// Text has almost no control characters; random or compressed bytes have ~13% of them.
const MAX_CONTROL_RATIO = 0.05;
// Accented 8-bit text has a few high bytes; random bytes have half.
const MAX_HIGH_RATIO_OUTSIDE_UTF8 = 0.3;

export function bytesToText(bytes: Buffer): TextResult {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, text: bytes.subarray(2).toString('utf16le') };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { ok: true, text: Buffer.from(bytes.subarray(2)).swap16().toString('utf16le') };
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let control = 0;
  let high = 0;
  for (const b of sample) {
    if (b === 0) return { ok: false, problem: 'binary data (NUL bytes): not scanned' };
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) || b === 0x7f) control++;
    if (b >= 0x80) high++;
  }
  if (sample.length > 0 && control / sample.length > MAX_CONTROL_RATIO) return { ok: false, problem: 'binary data (control bytes): not scanned' };
  try {
    const text = utf8.decode(bytes);
    return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
  } catch {
    if (sample.length > 0 && high / sample.length > MAX_HIGH_RATIO_OUTSIDE_UTF8) return { ok: false, problem: 'binary data (not UTF-8 text): not scanned' };
    return { ok: true, text: bytes.toString('latin1') };
  }
}
