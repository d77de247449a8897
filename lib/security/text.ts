/**
 * Text the application can keep. PostgreSQL refuses a NUL character in text and in jsonb, and an unpaired
 * UTF-16 surrogate in jsonb (the audit log's before and after): either one in a query parameter or a body
 * reached a query and came back as a 500. Every input boundary refuses them first, by this one rule:
 * `safeText(schema)` wherever a query or body is parsed (lib/api/http.ts parseWith, lib/actions/define.ts
 * runAs), and `unsafeTextPath` in proxy.ts for the query of every page.
 */
import { z } from "zod";

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSAFE_TEXT_MESSAGE = "contains a NUL character or an unpaired surrogate, which is not text this application accepts";

export function isSafeText(s: string): boolean {
  return !UNSAFE.test(s);
}

type Step = { key: string | number; up: Step | null } | null;

function pathOf(step: Step): (string | number)[] {
  const path: (string | number)[] = [];
  for (let s = step; s; s = s.up) path.push(s.key);
  return path.reverse();
}

/** Where the first string (a value or an object key) holding unsafe text is, or null when there is none. */
export function unsafeTextPath(value: unknown): (string | number)[] | null {
  // Iterative, with each step linked to its parent: parsed JSON may nest deeper than a recursive walk can go,
  // and copying the path at every level would be quadratic in the depth.
  const stack: [unknown, Step][] = [[value, null]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === "string") {
      if (!isSafeText(v)) return pathOf(at);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { key: i, up: at }]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v).reverse()) {
        if (!isSafeText(k)) return pathOf({ key: k, up: at });
        stack.push([x, { key: k, up: at }]);
      }
    }
  }
  return null;
}

/** `schema`, refusing unsafe text anywhere in the input before `schema` sees it. */
export function safeText<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      const path = unsafeTextPath(v);
      if (path) ctx.addIssue({ code: "custom", path, message: UNSAFE_TEXT_MESSAGE });
    })
    .pipe(schema);
}
