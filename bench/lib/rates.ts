/** The most of `times` (milliseconds) that fall within any window of `windowMs`. */
export function peakCount(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[i] as number) - (sorted[j] as number) >= windowMs) j += 1;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}
