/** Messages per field, Judge0's 422 body: `{"language_id": ["can't be blank"]}`. */
export type FieldErrors = Record<string, string[]>;

/** Adds one message for a field. */
export function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** Reads one field of a Judge0 submission body; `""` and `null` read as not set (undefined). */
export function present(body: Record<string, unknown>, field: string): unknown {
  const value = body[field];
  return value === null || value === '' ? undefined : value;
}

/**
 * A number as Rails reads one: a JSON number or a numeric string (`"4"`, `"1.5"`). Anything else
 * is an error "is not a number"; `integer` also refuses fractions ("must be an integer").
 */
export function readNumber(
  body: Record<string, unknown>,
  field: string,
  errors: FieldErrors,
  integer = false,
): number | undefined {
  const value = present(body, field);
  if (value === undefined) return undefined;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== '' && value.length <= 32
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(number)) {
    addError(errors, field, 'is not a number');
    return undefined;
  }
  if (integer && !Number.isInteger(number)) {
    addError(errors, field, 'must be an integer');
    return undefined;
  }
  return number;
}

/** Checks a number against Judge0's bounds for it, with Judge0's messages. */
export function checkRange(
  errors: FieldErrors,
  field: string,
  value: number | undefined,
  bounds: { min: number; minExclusive?: boolean; max: number },
): void {
  if (value === undefined) return;
  if (bounds.minExclusive ? value <= bounds.min : value < bounds.min) {
    addError(
      errors,
      field,
      `must be greater than ${bounds.minExclusive ? '' : 'or equal to '}${bounds.min}`,
    );
  } else if (value > bounds.max) {
    addError(errors, field, `must be less than or equal to ${bounds.max}`);
  }
}

/** A boolean as Rails reads one: true/false, "true"/"false", 1/0 ("1"/"0"). */
export function readBoolean(
  body: Record<string, unknown>,
  field: string,
  errors: FieldErrors,
): boolean | undefined {
  const value = present(body, field);
  if (value === undefined) return undefined;
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  addError(errors, field, 'is not a boolean');
  return undefined;
}

/** A text field; base64-decoded when the request says `base64_encoded=true`. */
export function readText(
  body: Record<string, unknown>,
  field: string,
  errors: FieldErrors,
  base64: boolean,
): string | undefined {
  const value = present(body, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    addError(errors, field, 'must be a string');
    return undefined;
  }
  if (!base64) return value;
  // Judge0's clients wrap base64 at 60/76 columns; whitespace is not part of the data.
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    addError(errors, field, 'is not valid base64');
    return undefined;
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * Splits `command_line_arguments` as the shell Judge0 hands it to would, for the common cases:
 * whitespace separates, single and double quotes group, a backslash escapes the next character.
 * One linear pass without regular expressions (request data).
 */
export function splitArguments(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && index + 1 < line.length) {
        index += 1;
        current += line.charAt(index);
      } else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inArg = true;
    } else if (char === '\\' && index + 1 < line.length) {
      index += 1;
      current += line.charAt(index);
      inArg = true;
    } else if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += char;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args;
}
