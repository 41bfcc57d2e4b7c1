// Exact arithmetic for what the form shows next to the rules' own checks: sums of 万元
// amounts (decimal strings, as BigInt hundredths) and a profile's share as a percentage.
// Never a float: 0.1 + 0.2 must read 0.30. No rule lives here — the sums are display only
// (the quantitative share is the rules', meters.ts).

/** An amount string as FORMATS §3 reads it (digits, at most 2 decimals, matched whole), in
 * hundredths; undefined when it is not one. */
export function hundredths(s: string): bigint | undefined {
  const m = /^(\d{1,16})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
}

/** Hundredths as an amount with two decimals: 8640n → "86.40". */
export function formatHundredths(n: bigint): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
}

/** A decimal string share ("0.7") as a percentage ("70"), exactly. */
export function sharePercent(s: string): string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) return s;
  const frac = (m[2] ?? "").padEnd(2, "0");
  const whole = `${m[1]}${frac.slice(0, 2)}`.replace(/^0+(?=\d)/, "");
  const rest = frac.slice(2);
  return trimDecimal(rest ? `${whole}.${rest}` : whole);
}

/** A decimal string without trailing zeros: "75.00" → "75", "3.10" → "3.1". */
export function trimDecimal(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
