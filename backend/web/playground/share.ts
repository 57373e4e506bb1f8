/** What a share link holds. */
export interface SharedProgram {
  language: string;
  version?: string;
  code: string;
  stdin: string;
  args: string[];
}

const PREFIX = '#code/';

/**
 * The URL fragment for a program: its JSON, deflated (the browser's CompressionStream) and
 * base64url-encoded. A fragment never reaches the server, so nothing is stored there.
 */
export async function encodeShare(program: SharedProgram): Promise<string> {
  const json = JSON.stringify({
    l: program.language,
    v: program.version,
    c: program.code,
    i: program.stdin || undefined,
    a: program.args.length ? program.args : undefined,
  });
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return `${PREFIX}${toBase64Url(bytes)}`;
}

/** The program in a fragment made by encodeShare, or undefined when it is not one. */
export async function decodeShare(hash: string): Promise<SharedProgram | undefined> {
  if (!hash.startsWith(PREFIX) || hash.length > 200_000) return undefined;
  try {
    const bytes = fromBase64Url(hash.slice(PREFIX.length));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    const data = JSON.parse(await new Response(stream).text()) as Record<string, unknown>;
    if (typeof data.l !== 'string' || typeof data.c !== 'string') return undefined;
    return {
      language: data.l,
      version: typeof data.v === 'string' ? data.v : undefined,
      code: data.c,
      stdin: typeof data.i === 'string' ? data.i : '',
      args: Array.isArray(data.a) ? data.a.filter((a): a is string => typeof a === 'string') : [],
    };
  } catch {
    return undefined;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
