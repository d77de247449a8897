/**
 * Reading a page's URL parameters: a parameter given twice counts once (its first value), and one that is
 * missing or invalid falls back to its default, never an error page. The one definition the pages' zod
 * schemas build on.
 */
import { z } from "zod";

export const firstValue = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export const lenient = <T extends z.ZodType>(schema: T, fallback: z.infer<T>) => z.preprocess(firstValue, schema).catch(fallback);

/** A 1-based page number (past the last page, the list shows its last). */
export const pageParam = lenient(z.coerce.number().int().min(1).max(100_000), 1);

/** A list with a search box and pages, as the users and teams pages have. */
export const searchPageParams = (maxQuery: number) => z.object({ q: lenient(z.string().trim().max(maxQuery), ""), page: pageParam });

export type SearchPageParams = z.infer<ReturnType<typeof searchPageParams>>;
