/** The staff session's tokens: kept in memory, mirrored to localStorage so a reload keeps the session. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export interface TokenStore {
  get(): SessionTokens | null;
  set(tokens: SessionTokens): void;
  clear(): void;
  /** Called after every change, including changes made by another browser tab. */
  subscribe(listener: () => void): () => void;
}

export const SESSION_STORAGE_KEY = "warmline.console.session";

function read(storage: Storage | null, key: string): SessionTokens | null {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<SessionTokens>;
    return typeof v.accessToken === "string" && typeof v.refreshToken === "string"
      ? { accessToken: v.accessToken, refreshToken: v.refreshToken }
      : null;
  } catch {
    return null;
  }
}

export function createTokenStore(storage: Storage | null, key = SESSION_STORAGE_KEY): TokenStore {
  let current = read(storage, key);
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };

  // Another tab signed in, out, or rotated the tokens: follow it.
  if (typeof window !== "undefined" && storage) {
    window.addEventListener("storage", (e) => {
      if (e.key !== key && e.key !== null) return;
      current = read(storage, key);
      notify();
    });
  }

  return {
    get: () => current,
    set(tokens) {
      current = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
      try {
        storage?.setItem(key, JSON.stringify(current));
      } catch {
        // storage full or blocked: the session still works until the page reloads
      }
      notify();
    },
    clear() {
      if (current === null) return;
      current = null;
      try {
        storage?.removeItem(key);
      } catch {
        // ignore
      }
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const sessionTokens = createTokenStore(typeof localStorage === "undefined" ? null : localStorage);
