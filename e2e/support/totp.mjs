// What an authenticator app does (RFC 6238 over RFC 4226: HMAC-SHA-1, 6 digits, 30-second steps),
// written independently of Amparo's own implementation so the browser tests check it from outside.

import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

export function codeAtStep(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

export const currentStep = () => Math.floor(Date.now() / 1000 / 30);

/** An authenticator holding one secret; each code it hands out is for a step not used before. */
export class Authenticator {
  constructor(secret) {
    this.secret = secret;
    this.lastStep = 0;
  }

  async nextCode() {
    const step = Math.max(currentStep(), this.lastStep + 1);
    // The server accepts one step ahead; beyond that, wait for the clock.
    while (step > currentStep() + 1) await new Promise((done) => setTimeout(done, 500));
    this.lastStep = step;
    return codeAtStep(this.secret, step);
  }
}
