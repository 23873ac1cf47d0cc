import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { at, isRecord, type PathSegment, parsePath } from '../../../shared/config/paths.js';
import { validate, validateDocument } from '../../../shared/config/validate.js';
import { type Doc, SEED_CONFIGS, seedConfig, seedConfigText } from '../../fixtures/configs.js';

/** Every path to a node of a document, the root included. */
function nodePaths(doc: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const children: [PathSegment, unknown][] = Array.isArray(doc)
    ? doc.map((item, i) => [i, item])
    : isRecord(doc)
      ? Object.entries(doc)
      : [];
  return [prefix, ...children.flatMap(([segment, child]) => nodePaths(child, [...prefix, segment]))];
}

const resolves = (doc: unknown, path: readonly PathSegment[]): boolean =>
  path.length === 0 || at(doc, ...path) !== undefined;

type Mutation = (doc: Doc, path: PathSegment[], value: unknown, key: string) => void;

const setAt = (doc: Doc, path: PathSegment[], value: unknown) => {
  const parent = at(doc, ...path.slice(0, -1)) as Doc;
  parent[path.at(-1) as PathSegment] = value;
};

const MUTATIONS: Mutation[] = [
  (doc, path) => {
    if (path.length === 0) return;
    const parent = at(doc, ...path.slice(0, -1));
    const last = path.at(-1) as PathSegment;
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete (parent as Doc)[last];
  },
  (doc, path, value) => path.length > 0 && setAt(doc, path, value),
  (doc, path, value, key) => {
    const node = at(doc, ...path);
    if (isRecord(node)) (node as Doc)[key] = value;
    else if (Array.isArray(node)) node.push(value);
  },
  (doc, path, _value, key) => {
    const node = at(doc, ...path);
    if (typeof node === 'string' && path.length > 0) setAt(doc, path, key);
  },
  (doc, path) => {
    const node = at(doc, ...path);
    if (Array.isArray(node) && node.length > 0) node.push(structuredClone(node[0]));
  },
];

const mutatedFile = fc
  .record({
    seed: fc.constantFrom(...SEED_CONFIGS),
    steps: fc.array(
      fc.record({
        pick: fc.nat(),
        mutation: fc.nat(MUTATIONS.length - 1),
        value: fc.jsonValue({ maxDepth: 2 }),
        key: fc.oneof(fc.string(), fc.constantFrom('name', 'tags', 'schedules', 'tagKey', 'serviceConfig', 'fields')),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ seed, steps }) => {
    const doc = seedConfig(seed);
    for (const step of steps) {
      const paths = nodePaths(doc);
      const path = paths[step.pick % paths.length] as PathSegment[];
      MUTATIONS[step.mutation]?.(doc, path, step.value, step.key);
    }
    return doc;
  });

function checkInvariants(doc: unknown): void {
  const before = JSON.stringify(doc);
  const result = validateDocument(doc);
  expect(JSON.stringify(doc)).toBe(before);
  expect(result.ok).toBe(result.errors.length === 0);
  expect(result.config !== undefined).toBe(result.ok);
  for (const issue of [...result.errors, ...result.warnings]) {
    const path = parsePath(issue.path);
    const pointsIn = resolves(doc, path) || resolves(doc, path.slice(0, -1));
    expect(pointsIn, `${issue.path}: ${issue.message}`).toBe(true);
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

describe('validate: properties', () => {
  it('never throws, never mutates, and every error points into the file (1000 mutated seed files)', () => {
    fc.assert(fc.property(mutatedFile, checkInvariants), { numRuns: 1000 });
  });

  it('never throws on arbitrary JSON documents', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), checkInvariants), { numRuns: 300 });
  });

  it('never throws on arbitrary or truncated text', () => {
    const text = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom(...SEED_CONFIGS), fc.nat()).map(([seed, cut]) => {
        // A strict prefix of the document (trailing whitespace is not part of it): never valid JSON.
        const full = seedConfigText(seed).trimEnd();
        return full.slice(0, cut % full.length);
      }),
    );
    fc.assert(
      fc.property(text, (source) => {
        const result = validate(source);
        expect(result.ok).toBe(false);
        expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('formats and parses paths as inverses', async () => {
    const { formatPath } = await import('../../../shared/config/paths.js');
    const segment = fc.oneof(fc.nat(), fc.string());
    fc.assert(
      fc.property(fc.array(segment), (path) => {
        expect(parsePath(formatPath(path))).toEqual(path);
      }),
      { numRuns: 500 },
    );
  });
});
