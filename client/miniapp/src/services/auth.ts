import type { Resident, ResidentLoginInput, ResidentLoginResult } from "@warmline/shared";
import { request } from "./request";
import { clearTokens, getTokens, saveTokens } from "./tokens";

/** Exchanges a platform login code for a session and keeps the token pair. */
export async function loginResident(input: ResidentLoginInput): Promise<ResidentLoginResult> {
  const result = await request<ResidentLoginResult>("/api/v1/auth/resident/login", {
    method: "POST",
    data: input,
    auth: false,
  });
  saveTokens(result);
  return result;
}

/** Ends the session on the server (best effort) and forgets the tokens here in any case. */
export async function logout(): Promise<void> {
  const tokens = getTokens();
  try {
    if (tokens) {
      await request<void>("/api/v1/auth/logout", { method: "POST", data: { refreshToken: tokens.refreshToken } });
    }
  } catch {
    // the session is dropped locally either way; an unreachable server must not keep anyone signed in
  } finally {
    clearTokens();
  }
}

export function getMe(): Promise<Resident> {
  return request<Resident>("/api/v1/me");
}
