import {
  type Staff,
  type StaffLoginInput,
  type StaffLoginResult,
  StaffLoginResultSchema,
  StaffSchema,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";
import { sessionTokens } from "./tokens";

/** Signs in; the caller stores the tokens (sessionTokens.set) once it has taken the staff record. */
export async function staffLogin(input: StaffLoginInput): Promise<StaffLoginResult> {
  const body = await api.post("/api/v1/auth/staff/login", input, { auth: false });
  return parseWith(StaffLoginResultSchema, body);
}

export async function fetchMe(signal?: AbortSignal): Promise<Staff> {
  return parseWith(StaffSchema, await api.get("/api/v1/staff/me", undefined, signal));
}

/** Ends the session locally at once; tells the server best-effort. */
export async function staffLogout(): Promise<void> {
  const current = sessionTokens.get();
  sessionTokens.clear();
  if (!current) return;
  try {
    await api.post("/api/v1/auth/logout", { refreshToken: current.refreshToken }, { auth: false });
  } catch {
    // the refresh token expires on its own; nothing the user can do here
  }
}
