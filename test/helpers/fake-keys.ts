// Tests generate their credentials with the same generator the demo uses: random, never real.
export { fakeKeyId, fakeLegacyKeyId, fakeSecret, secretPieces } from '../../src/demo/synthetic-credentials.js';
