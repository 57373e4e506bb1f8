/** Plain JSON data: what `jsonPieces` serializes (undefined members are left out). */
export type JsonData =
  | string
  | number
  | boolean
  | null
  | readonly JsonData[]
  | { readonly [key: string]: JsonData | undefined };

/** A part of serialized JSON: text, or the JSON of one long string as UTF-8 bytes. */
export type JsonPiece = string | Buffer;

/** Strings of at least this many UTF-16 units become a Buffer piece of their own. */
export const LONG_STRING_LENGTH = 16 * 1024;

/**
 * `JSON.stringify(value)` as pieces that, written in order, are exactly its text. Each long
 * string's JSON is encoded once to a Buffer, and a string that appears twice (a result's
 * `output` is its `run.stdout`) is the same Buffer twice: a socket writes Buffers without
 * copying them, where the one string of the whole text would be built, then copied to be sent.
 *
 * @example jsonPieces({ output: long, run: { stdout: long } }) // ['{"output":', <Buffer>, ',"run":{"stdout":', <Buffer>, '}}']
 */
export function jsonPieces(value: JsonData, longString = LONG_STRING_LENGTH): JsonPiece[] {
  const pieces: JsonPiece[] = [];
  const encoded = new Map<string, Buffer>();
  let text = '';

  function write(item: JsonData): void {
    if (typeof item === 'string' && item.length >= longString) {
      let bytes = encoded.get(item);
      if (!bytes) {
        bytes = Buffer.from(JSON.stringify(item), 'utf8');
        encoded.set(item, bytes);
      }
      if (text !== '') pieces.push(text);
      pieces.push(bytes);
      text = '';
    } else if (item === null || typeof item !== 'object') {
      text += JSON.stringify(item);
    } else if (isArray(item)) {
      text += '[';
      item.forEach((element, i) => {
        if (i > 0) text += ',';
        write(element);
      });
      text += ']';
    } else {
      text += '{';
      let first = true;
      for (const [key, member] of Object.entries(item)) {
        if (member === undefined) continue;
        text += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        write(member);
      }
      text += '}';
    }
  }

  write(value);
  if (text !== '') pieces.push(text);
  return pieces;
}

// Array.isArray does not narrow a readonly array type.
function isArray(item: object): item is readonly JsonData[] {
  return Array.isArray(item);
}
