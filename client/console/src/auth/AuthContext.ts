import type { Staff, StaffLoginInput } from "@warmline/shared";
import { createContext, useContext } from "react";

export interface AuthState {
  /** Tokens are present (the session may still turn out to be expired). */
  signedIn: boolean;
  /** The signed-in staff member, once /staff/me answered. */
  staff: Staff | null;
  /** /staff/me failed for a reason other than an ended session (e.g. network). */
  error: unknown;
  retry: () => void;
  signIn: (input: StaffLoginInput) => Promise<Staff>;
  signOut: () => Promise<void>;
}

export const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const v = useContext(AuthContext);
  if (!v) throw new Error("useAuth must be used inside <AuthProvider>");
  return v;
}
