/**
 * ZenML's API key format: `ZENKEY_` followed by the base64 of the JSON `{"id": <key id>, "key":
 * <secret>}` (zenml/models/v2/core/api_key.py). The suite reads a key's id from it and builds keys
 * that differ from a real one in exactly one part, to show the server checks that part.
 */
export const API_KEY_PREFIX = 'ZENKEY_';

export interface KeyParts {
  id: string;
  key: string;
}

/** The parts of a ZenML API key, or undefined for any other format. */
export function parseApiKey(value: string): KeyParts | undefined {
  if (!value.startsWith(API_KEY_PREFIX)) return undefined;
  try {
    const inner = JSON.parse(Buffer.from(value.slice(API_KEY_PREFIX.length), 'base64').toString('utf8')) as Partial<KeyParts>;
    return typeof inner.id === 'string' && typeof inner.key === 'string' ? { id: inner.id, key: inner.key } : undefined;
  } catch {
    return undefined;
  }
}

export function encodeApiKey(parts: KeyParts): string {
  return `${API_KEY_PREFIX}${Buffer.from(JSON.stringify(parts)).toString('base64')}`;
}

/** The same key id with another secret of the same length: only checking the secret refuses it.
 * Undefined when the key is not in ZenML's format. */
export function withOtherSecret(value: string, secret: (length: number) => string): string | undefined {
  const parts = parseApiKey(value);
  return parts && encodeApiKey({ ...parts, key: secret(parts.key.length) });
}

/** `ZENKEY_` and the base64 of any text (valid JSON or not), in either base64 alphabet: for keys that
 * differ from a real one in their JSON or their encoding. */
export function encodeApiKeyText(text: string, alphabet: 'base64' | 'base64url' = 'base64'): string {
  return `${API_KEY_PREFIX}${Buffer.from(text, 'utf8').toString(alphabet)}`;
}
