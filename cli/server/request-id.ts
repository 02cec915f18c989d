/**
 * Request ids: an incoming `X-Request-Id` is kept when it is a UUID (canonical, `urn:uuid:`-prefixed,
 * braced or 32 hex digits); otherwise a new random (v4) UUID is used.
 */
const uuidForms = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i,
  /^[0-9a-f]{32}$/i,
];

export const isUuid = (s: string): boolean => uuidForms.some((re) => re.test(s));

export function requestIdOf(header: string | null): string {
  return header !== null && isUuid(header) ? header : crypto.randomUUID();
}
