import { z } from 'zod';

/**
 * Turns the request shapes that `@aws-sdk/client-personalize` ships at run time
 * (Smithy static schemas such as `CreateSolutionRequest$`) into zod schemas.
 *
 * This is how mpx accepts every field of today's Personalize API without a
 * hand-kept copy that goes stale (the deprecated solution pinned an old model
 * and rejected new fields, REFERENCE.md defect 3): upgrading the SDK upgrades
 * the accepted fields.
 */

/** A Smithy static schema reference: a type code, a lazy schema, or `[lazy schema, traits]`. */
type SchemaRef = number | (() => unknown) | readonly unknown[];

const LIST_MODIFIER = 0b0100_0000;
const MAP_MODIFIER = 0b1000_0000;

export interface StructureShape {
  readonly name: string;
  readonly members: readonly string[];
  readonly memberRefs: readonly SchemaRef[];
  readonly requiredCount: number;
}

/** Reads a Smithy static structure schema (`[3, namespace, name, traits, members, refs, required?]`). */
export function structureShape(schema: unknown): StructureShape {
  const resolved = resolve(schema as SchemaRef);
  if (!Array.isArray(resolved) || resolved[0] !== 3) throw new TypeError('not a Smithy structure schema');
  return {
    name: String(resolved[2]),
    members: resolved[4] as string[],
    memberRefs: resolved[5] as SchemaRef[],
    requiredCount: typeof resolved[6] === 'number' ? resolved[6] : 0,
  };
}

function resolve(ref: SchemaRef): unknown {
  if (typeof ref === 'function') return ref();
  if (Array.isArray(ref) && typeof ref[0] === 'function') return (ref[0] as () => unknown)();
  return ref;
}

function fromTypeCode(code: number): z.ZodType {
  if (code & MAP_MODIFIER) return z.record(z.string(), fromTypeCode(code & ~MAP_MODIFIER));
  if (code & LIST_MODIFIER) return z.array(fromTypeCode(code & ~LIST_MODIFIER));
  switch (code) {
    case 0:
    case 21:
      return z.string();
    case 1:
    case 17:
    case 19:
      return z.number();
    case 2:
      return z.boolean();
    case 4:
    case 5:
    case 6:
    case 7:
      return z.union([z.string(), z.number()]);
    default:
      return z.unknown();
  }
}

/** The zod schema of any Smithy schema reference; structures are strict (unknown keys are errors). */
export function zodFromSchema(ref: SchemaRef): z.ZodType {
  const schema = resolve(ref);
  if (typeof schema === 'number') return fromTypeCode(schema);
  if (!Array.isArray(schema)) return z.unknown();
  switch (schema[0]) {
    case 0:
      return zodFromSchema(schema[4] as SchemaRef);
    case 1:
      return z.array(zodFromSchema(schema[4] as SchemaRef));
    case 2:
      return z.record(z.string(), zodFromSchema(schema[5] as SchemaRef));
    case 3:
      return zodFromStructure(schema);
    case 4: {
      const union = structureShape([3, ...schema.slice(1)]);
      const shape = Object.fromEntries(
        union.members.map((m, i) => [m, zodFromSchema(union.memberRefs[i] as SchemaRef).optional()]),
      );
      return z.strictObject(shape).refine((value) => Object.keys(value).length === 1, {
        message: `must set exactly one of ${union.members.join(', ')}`,
      });
    }
    default:
      return z.unknown();
  }
}

export interface StructureOptions {
  /** Members the caller fills in itself; they are rejected in the input. */
  readonly omit?: readonly string[];
  /** Members required by the API that the caller makes optional (it generates a default). */
  readonly optional?: readonly string[];
  /** Members optional in the API that the caller requires. */
  readonly required?: readonly string[];
  /** Replacement schemas for some members (stricter rules than the API shape). */
  readonly override?: Readonly<Record<string, z.ZodType>>;
  /** Extra members that are not part of the API request. */
  readonly extend?: Readonly<Record<string, z.ZodType>>;
}

/** A strict zod object for a Smithy structure schema, keeping its required members required. */
export function zodFromStructure(schema: unknown, options: StructureOptions = {}): z.ZodObject {
  const shape = structureShape(schema);
  const entries: [string, z.ZodType][] = [];
  shape.members.forEach((member, index) => {
    if (options.omit?.includes(member)) return;
    const base = options.override?.[member] ?? zodFromSchema(shape.memberRefs[index] as SchemaRef);
    const required =
      (index < shape.requiredCount && !options.optional?.includes(member)) ||
      options.required?.includes(member) === true;
    entries.push([member, required ? base : base.optional()]);
  });
  for (const [member, extra] of Object.entries(options.extend ?? {})) entries.push([member, extra]);
  return z.strictObject(Object.fromEntries(entries));
}
