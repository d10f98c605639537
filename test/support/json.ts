/**
 * A parsed JSON (or XML) answer as the tests read it: they take fields straight off it and the
 * assertions are the check, so its shape is not declared here. The one loosely typed value of the
 * tests; everything else is typed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the assertions type it
export type Json = any;

/** An answer's body as the tests read it: parsed where it is JSON, else the text itself. */
export function jsonOrText(text: string): Json {
  try { return JSON.parse(text); } catch { return text; }
}
