/** JSON paths as users read them: `solutions[2].campaigns[0].serviceConfig.name`. */

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The inverse of `formatPath`. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const pattern = /(?:^|\.)([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let match = pattern.exec(path);
  while (match) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3] as string) as string);
    if (pattern.lastIndex === path.length) break;
    match = pattern.exec(path);
  }
  return segments;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a value at a path of an untrusted document; undefined when any step is missing. */
export function at(root: unknown, ...segments: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (!isRecord(current) || !Object.hasOwn(current, segment)) return undefined;
      current = current[segment];
    }
  }
  return current;
}

/** Elements of an array at a path (empty when it is not an array). */
export function items(root: unknown, ...segments: readonly PathSegment[]): unknown[] {
  const value = at(root, ...segments);
  return Array.isArray(value) ? value : [];
}

export function text(root: unknown, ...segments: readonly PathSegment[]): string | undefined {
  const value = at(root, ...segments);
  return typeof value === 'string' ? value : undefined;
}
