/**
 * ACS control bits as P2PDMA reads them (spec 1.4): decoding for explanations, and the seq_buf
 * the kernel collects redirecting BDFs in, including its truncation (spec 2.17.2).
 */
import { ACS_FLAG_NAMES } from "@p2pdma/pci-core";
import type { AcsFlagName } from "@p2pdma/pci-core";
import { ACS_REDIRECT_MASK } from "./spec/constants";

/** The names of the set bits of an ACS register (SV, TB, RR, CR, UF, EC, DT ...). */
export function decodeAcs(value: number): AcsFlagName[] {
  return ACS_FLAG_NAMES.filter((_n, i) => (value & (1 << i)) !== 0);
}

/** The names of the set bits P2PDMA cares about (RR, CR, EC). */
export function redirectBits(ctl: number): AcsFlagName[] {
  return decodeAcs(ctl & ACS_REDIRECT_MASK);
}

/**
 * What `%s` of the `pci=disable_acs_redir=%s` hint prints for a list of BDFs, given the
 * seq_buf size: each BDF is appended as `<bdf>;`; the final `;` is dropped. When the text does
 * not fit, vsnprintf fills the buffer to size-1 characters and the seq_buf is marked overflowed
 * (len = size + 1), so the kernel's "drop the final semicolon" store lands one byte past the
 * buffer and the printed text is the first size-1 characters. Returns the printed text and
 * whether that happened.
 */
export function acsListText(bdfs: readonly string[], bufSize: number): { text: string; truncated: boolean; full: string } {
  const joined = bdfs.map((b) => `${b};`).join("");
  const full = bdfs.join(";");
  if (joined.length < bufSize) return { text: joined.slice(0, -1), truncated: false, full };
  // seq_buf_printf succeeds only while len + n < size; the first failing print leaves the
  // partial text vsnprintf wrote (up to size - 1 characters).
  let len = 0;
  for (const b of bdfs) {
    const n = b.length + 1;
    if (len + n < bufSize) len += n;
    else {
      len = bufSize - 1;
      break;
    }
  }
  return { text: joined.slice(0, len), truncated: true, full };
}
