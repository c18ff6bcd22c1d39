import { LOGIN_PROVIDERS, type LoginProvider } from "@warmline/shared";

/** What the sandbox (or a real OAuth page) appends to redirect_uri when it sends the browser back. */
export interface LoginReturn {
  provider: LoginProvider;
  code: string;
  state: string;
}

type Params = Record<string, string | undefined>;

/** Query parameters of a hash route: "#/pages/login/index?code=a&state=b" → { code: "a", state: "b" }. */
export function hashQuery(hash: string): Params {
  const at = hash.indexOf("?");
  if (at < 0) return {};
  return Object.fromEntries(new URLSearchParams(hash.slice(at + 1)));
}

function isProvider(value: string | undefined): value is LoginProvider {
  return (LOGIN_PROVIDERS as readonly string[]).includes(value ?? "");
}

/** A complete login return in one set of parameters, or null. */
export function parseLoginReturn(params: Params): LoginReturn | null {
  const { code, provider, state } = params;
  if (!code || !state || !isProvider(provider)) return null;
  return { provider, code, state };
}

/**
 * Finds the login return: Taro's router params first, then the hash route's query, then the page's
 * own query string (where a redirect_uri without a hash route would carry it).
 */
export function readLoginReturn(routerParams: Params, location: { hash: string; search: string }): LoginReturn | null {
  return (
    parseLoginReturn(routerParams) ??
    parseLoginReturn(hashQuery(location.hash)) ??
    parseLoginReturn(Object.fromEntries(new URLSearchParams(location.search)))
  );
}

/** The provider's H5 login page on the server's sandbox. */
export function sandboxLoginUrl(provider: LoginProvider, redirectUri: string, state: string): string {
  const query = new URLSearchParams({ redirect_uri: redirectUri, state });
  return `/sandbox/${provider}/h5-login?${query.toString()}`;
}
