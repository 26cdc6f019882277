/**
 * Small schema checks for what the app reads back from outside itself:
 * imported model files, stored checkpoints, cached records. A schema returns
 * the value it accepted, rebuilt from the fields it knows (unknown fields
 * are dropped, so nothing unchecked travels further), or throws a
 * SchemaError naming the field, what it should be, and what it is.
 */

export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`"${path}" must be ${expected} (it is ${describeValue(got)})`);
  }
}

export type Schema<T> = (value: unknown, path: string) => T;

/** "the string "0.41"", "a list of 3", "an object", for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

export function number({ min, max, integer = false }: { min: number; max: number; integer?: boolean }): Schema<number> {
  const expected = `${integer ? 'a whole number' : 'a number'} in [${min}, ${max}]`;
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new SchemaError(path, expected, value);
    }
    return value;
  };
}

export function string({ maxLength, minLength = 0 }: { maxLength: number; minLength?: number }): Schema<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.length < minLength || value.length > maxLength) {
      throw new SchemaError(path, `text of ${minLength > 0 ? `${minLength} to ` : 'at most '}${maxLength} characters`, value);
    }
    return value;
  };
}

export const boolean: Schema<boolean> = (value, path) => {
  if (typeof value !== 'boolean') throw new SchemaError(path, 'true or false', value);
  return value;
};

export function oneOf<const T extends string | number>(values: readonly T[]): Schema<T> {
  return (value, path) => {
    if (!values.includes(value as T)) throw new SchemaError(path, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, value);
    return value as T;
  };
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return (value, path) => (value === null ? null : schema(value, path));
}

export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return (value, path) => (value === undefined ? undefined : schema(value, path));
}

export function array<T>(item: Schema<T>, { minLength = 0, maxLength }: { minLength?: number; maxLength: number }): Schema<T[]> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length < minLength || value.length > maxLength) {
      throw new SchemaError(path, `a list of ${minLength > 0 ? `${minLength} to ` : 'at most '}${maxLength} items`, value);
    }
    return value.map((entry, k) => item(entry, join(path, k)));
  };
}

type Shape = Record<string, Schema<unknown>>;
type Checked<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

export function object<S extends Shape>(shape: S): Schema<Checked<S>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SchemaError(path, 'an object', value);
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(shape)) {
      const checked = schema(record[key], join(path, key));
      if (checked !== undefined) out[key] = checked;
    }
    return out as Checked<S>;
  };
}

/** Runs `schema` on `value`; the error names the file or store it came from. */
export function checkValue<T>(schema: Schema<T>, value: unknown, where: string): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: schema(value, '') };
  } catch (error) {
    if (error instanceof SchemaError) return { ok: false, error: `${where}: ${error.message}` };
    throw error;
  }
}

/**
 * Whether JSON text nests deeper than `maxDepth`, found by one pass over the
 * text before JSON.parse builds anything (strings skipped): 4 MB of "[[[[…"
 * is refused in milliseconds instead of costing seconds and hundreds of MB.
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (inString) {
      if (c === 92)
        k++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}
