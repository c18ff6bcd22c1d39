import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { StaffLoginInput } from "@warmline/shared";
import { type ReactNode, useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import { fetchMe, staffLogin, staffLogout } from "../api/auth";
import { sessionTokens } from "../api/tokens";
import { queryKeys } from "../queries/keys";
import { AuthContext, type AuthState } from "./AuthContext";

const hasSession = () => sessionTokens.get() !== null;

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const signedIn = useSyncExternalStore(sessionTokens.subscribe, hasSession);
  const me = useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => fetchMe(signal),
    enabled: signedIn,
    staleTime: 5 * 60 * 1000,
  });

  // Session ended (sign-out, refused refresh, another tab): drop everything the last user loaded.
  useEffect(() => {
    if (!signedIn) qc.clear();
  }, [signedIn, qc]);

  const signIn = useCallback(
    async (input: StaffLoginInput) => {
      const result = await staffLogin(input);
      qc.setQueryData(queryKeys.me, result.staff);
      sessionTokens.set(result);
      return result.staff;
    },
    [qc],
  );

  const value = useMemo<AuthState>(
    () => ({
      signedIn,
      staff: signedIn ? (me.data ?? null) : null,
      error: signedIn ? me.error : null,
      retry: () => void me.refetch(),
      signIn,
      signOut: staffLogout,
    }),
    [signedIn, me.data, me.error, me.refetch, signIn],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
