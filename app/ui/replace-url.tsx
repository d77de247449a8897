"use client";
import { useEffect } from "react";

/**
 * The server answered a different URL than the one asked for (a page past the end shows the last page):
 * the address bar says which, without a second request or a history entry.
 */
export function ReplaceUrl({ href }: { href: string }) {
  useEffect(() => {
    if (`${window.location.pathname}${window.location.search}` !== href) window.history.replaceState(null, "", href);
  }, [href]);
  return null;
}
