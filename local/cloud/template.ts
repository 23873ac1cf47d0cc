/**
 * Reading a CloudFormation template: resources, their dependencies, and the
 * intrinsic functions Serverless Framework templates use (Ref, Fn::GetAtt,
 * Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If with Conditions, Fn::Not,
 * Fn::Equals, Fn::And, Fn::Or). Pure: the deployer supplies what each resource
 * resolves to.
 */

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
}

export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string; Condition?: string }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

/** What a logical id resolves to once created: its Ref value and its attributes. */
export interface Resolved {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface Scope {
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  readonly resolved: ReadonlyMap<string, Resolved>;
  readonly parameters?: Readonly<Record<string, string>>;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function pseudo(name: string, scope: Scope): string | undefined {
  switch (name) {
    case 'AWS::AccountId':
      return scope.account;
    case 'AWS::Region':
      return scope.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::StackName':
      return scope.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${scope.region}:${scope.account}:stack/${scope.stackName}/local`;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NoValue':
      return undefined;
    default:
      return undefined;
  }
}

function ref(name: string, scope: Scope): string {
  if (name.startsWith('AWS::')) {
    const value = pseudo(name, scope);
    if (value === undefined) throw new TemplateError(`unsupported pseudo parameter ${name}`);
    return value;
  }
  const parameter = scope.parameters?.[name];
  if (parameter !== undefined) return parameter;
  const resolved = scope.resolved.get(name);
  if (!resolved) throw new TemplateError(`Ref to ${name}, which is not created (yet)`);
  return resolved.ref;
}

function getAtt(logicalId: string, attribute: string, scope: Scope): string {
  const resolved = scope.resolved.get(logicalId);
  if (!resolved) throw new TemplateError(`Fn::GetAtt on ${logicalId}, which is not created (yet)`);
  const value = resolved.attributes[attribute];
  if (value === undefined) throw new TemplateError(`${logicalId} has no attribute ${attribute} in the local cloud`);
  return value;
}

/** Evaluates a named condition of the template. */
export function condition(template: Template, name: string, scope: Scope): boolean {
  const body = template.Conditions?.[name];
  if (body === undefined) throw new TemplateError(`unknown condition ${name}`);
  return Boolean(resolveValue(body, scope, template));
}

/** Marker for Fn::If's AWS::NoValue branch: the property is dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

function resolveIntrinsic(key: string, arg: unknown, scope: Scope, template: Template): unknown {
  const again = (value: unknown) => resolveValue(value, scope, template);
  switch (key) {
    case 'Ref':
      if (arg === 'AWS::NoValue') return NO_VALUE;
      return ref(String(arg), scope);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
      return getAtt(String(logicalId), String(attribute), scope);
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
      const values = Object.fromEntries(Object.entries(variables ?? {}).map(([k, v]) => [k, String(again(v))]));
      return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (values[name] !== undefined) return values[name] as string;
        const [logicalId, attribute] = name.split(/\.(.+)/);
        return attribute ? getAtt(logicalId as string, attribute, scope) : ref(name, scope);
      });
    }
    case 'Fn::Join': {
      const [separator, list] = arg as [string, unknown[]];
      return (again(list) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      return (again(list) as unknown[])[Number(again(index))];
    }
    case 'Fn::Split': {
      const [separator, text] = arg as [string, unknown];
      return String(again(text)).split(separator);
    }
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      return condition(template, name, scope) ? again(whenTrue) : again(whenFalse);
    }
    case 'Fn::Equals': {
      const [a, b] = (arg as unknown[]).map(again);
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !again((arg as unknown[])[0]);
    case 'Fn::And':
      return (arg as unknown[]).every((c) => Boolean(again(c)));
    case 'Fn::Or':
      return (arg as unknown[]).some((c) => Boolean(again(c)));
    case 'Condition':
      return condition(template, String(arg), scope);
    default:
      throw new TemplateError(`unsupported intrinsic function ${key}`);
  }
}

const INTRINSICS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Condition',
]);

/** Resolves every intrinsic function inside a value. Throws TemplateError for what the local cloud cannot resolve. */
export function resolveValue(value: unknown, scope: Scope, template: Template): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolveValue(v, scope, template)).filter((v) => v !== NO_VALUE);
  }
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (INTRINSICS.has(keys[0] as string) || (keys[0] as string).startsWith('Fn::'))) {
    return resolveIntrinsic(keys[0] as string, value[keys[0] as string], scope, template);
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const resolved = resolveValue(inner, scope, template);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/** Logical ids a value refers to (Ref, GetAtt, ${...} in Sub), pseudo parameters excluded. */
export function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, out);
  } else if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) out.add(inner);
      else if (key === 'Fn::GetAtt')
        out.add(Array.isArray(inner) ? String(inner[0]) : (String(inner).split('.')[0] as string));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? String(inner[0]) : String(inner);
        for (const match of text.matchAll(/\$\{([^}!.]+)(?:\.[^}]+)?\}/g)) {
          if (!(match[1] as string).startsWith('AWS::')) out.add(match[1] as string);
        }
        if (Array.isArray(inner)) references(inner[1], out);
      } else references(inner, out);
    }
  }
  return out;
}

/** Logical ids in an order where every resource comes after those it refers to or depends on. */
export function creationOrder(template: Template): string[] {
  const ids = Object.keys(template.Resources);
  const deps = new Map<string, Set<string>>();
  for (const id of ids) {
    const resource = template.Resources[id] as TemplateResource;
    const set = references(resource.Properties ?? {});
    for (const d of ([] as string[]).concat(resource.DependsOn ?? [])) set.add(d);
    deps.set(id, new Set([...set].filter((d) => d in template.Resources && d !== id)));
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new TemplateError(`circular dependency: ${[...path, id].join(' → ')}`);
    state.set(id, 'visiting');
    for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of ids) visit(id, []);
  return order;
}
