/**
 * What a request may be believed to say about its client: its address, whether it arrived over https, and the
 * host it asked for. The proxy, route handlers and server actions never see the socket, and any client can send
 * X-Forwarded-For/-Proto/-Host (Next.js only fills them in when they are absent, and derives
 * `request.nextUrl.protocol` from X-Forwarded-Proto). So no forwarded header is believed unless the operator
 * vouches for exactly one reverse proxy in front (POSTURE_TRUSTED_PROXY=1), and then only the value that proxy
 * wrote: the last one in each list, because a proxy that appends leaves whatever the client sent before it.
 * This is the one place forwarded headers are read (the proxy, route handlers and server actions all ask it).
 */
import { config, type Env } from "../config.ts";

export interface ClientView {
  /** The client's address, or null when nothing trustworthy says it. */
  ip: string | null;
  /** Whether the browser is talking https to us (HSTS, upgrade-insecure-requests, Secure cookies, CSRF origin). */
  https: boolean;
  /** The host the browser asked for, as the CSRF rule expects it in Origin. */
  host: string | null;
}

export function trustedProxy(env?: Env): boolean {
  return config(env).trustedProxy;
}

function lastValue(headers: Headers, name: string): string | null {
  const v = headers.get(name)?.split(",").at(-1)?.trim();
  return v ? v.slice(0, 255) : null;
}

export function clientView(headers: Headers, env?: Env): ClientView {
  const settings = config(env);
  if (!settings.trustedProxy) {
    // Served directly: https only when the operator says so (POSTURE_SECURE_COOKIES=1 means TLS ends here).
    return { ip: null, https: settings.secureCookies, host: headers.get("host") };
  }
  return {
    ip: lastValue(headers, "x-forwarded-for")?.slice(0, 64) ?? null,
    https: lastValue(headers, "x-forwarded-proto")?.toLowerCase() === "https",
    host: lastValue(headers, "x-forwarded-host") ?? headers.get("host"),
  };
}

/** The origin a same-site request must carry, or null when the host is not one a URL can have. */
export function expectedOrigin(client: ClientView): string | null {
  if (!client.host) return null;
  try {
    const url = new URL(`${client.https ? "https" : "http"}://${client.host}`);
    // A Host header is a host and a port, nothing more: "evil.example/x" or "a@b" would parse to something else.
    return url.host === client.host.toLowerCase() || url.host === client.host.toLowerCase().replace(/:(80|443)$/, "") ? url.origin : null;
  } catch {
    return null;
  }
}
