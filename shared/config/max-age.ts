/**
 * `maxAge` durations as the deprecated solution read them ("365 days",
 * "1 day", "2 weeks", "1 month" = 31 days, "1 year" = 365 days), parsed
 * strictly: the original silently treated garbage as "no maxAge"
 * (REFERENCE.md defect 12); here garbage is an error.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
  month: 31 * 86_400,
  year: 365 * 86_400,
};

export type MaxAgeResult =
  | { readonly ok: true; readonly seconds: number }
  | { readonly ok: false; readonly message: string };

/** Parses "N unit" terms ("1 day", "2 weeks 3 days", "1 hour, 30 minutes"). Never throws. */
export function parseMaxAge(text: string): MaxAgeResult {
  const terms = text.trim().split(/\s*,\s*|\s+(?=\d)/);
  if (text.trim() === '') return invalid(text);
  let seconds = 0;
  for (const term of terms) {
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]+?)s?$/i.exec(term);
    const unit = match?.[2]?.toLowerCase();
    if (!match || unit === undefined || !(unit in UNIT_SECONDS)) return invalid(text);
    seconds += Number(match[1]) * (UNIT_SECONDS[unit] as number);
  }
  if (seconds <= 0) return { ok: false, message: `maxAge "${text}" must be longer than zero` };
  return { ok: true, seconds };
}

function invalid(text: string): MaxAgeResult {
  return {
    ok: false,
    message: `"${text}" is not a duration: use terms like "1 day", "2 weeks", "12 hours", "1 month" (31 days) or "1 year" (365 days)`,
  };
}
