// What the scanner decides about the bytes of a file or blob before the detectors see them.
import { isUtf8 } from 'node:buffer';

/** Like git: a NUL byte near the start means binary. */
export const BINARY_SNIFF_BYTES = 8192;

export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) >= 0;
}

export { isUtf8 };

/**
 * Text for the detectors. Content that is not valid UTF-8 is read as latin1, which maps
 * every byte to one character, so ASCII keys in it are still found at the right column.
 */
export function textOf(content: Buffer, utf8: boolean = isUtf8(content)): string {
  return content.toString(utf8 ? 'utf8' : 'latin1');
}
