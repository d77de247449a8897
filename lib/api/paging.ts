import { z } from "zod";

/** An API listing's paging parameters: the opaque cursor of the page before, and how many rows (at most 500). */
export function cursorPaging(defaultLimit: number) {
  return { cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).default(defaultLimit) };
}
