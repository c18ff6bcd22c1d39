import Taro from "@tarojs/taro";
import type { TokenPair } from "@warmline/shared";

const STORAGE_KEY = "warmline.tokens";

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** epoch milliseconds when the access token expires (informational; the server decides) */
  expiresAt: number;
}

export function getTokens(): StoredTokens | null {
  let value: unknown;
  try {
    value = Taro.getStorageSync(STORAGE_KEY);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const t = value as Partial<StoredTokens>;
  if (typeof t.accessToken !== "string" || typeof t.refreshToken !== "string") return null;
  return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: Number(t.expiresAt) || 0 };
}

export function saveTokens(pair: TokenPair): void {
  const stored: StoredTokens = {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: Date.now() + pair.expiresIn * 1000,
  };
  Taro.setStorageSync(STORAGE_KEY, stored);
}

export function clearTokens(): void {
  try {
    Taro.removeStorageSync(STORAGE_KEY);
  } catch {
    // nothing stored: already signed out
  }
}

export function isSignedIn(): boolean {
  return getTokens() !== null;
}
