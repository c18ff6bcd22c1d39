import { QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import { type ReactNode, useState } from "react";
import { AuthProvider } from "./auth/AuthProvider";
import { createQueryClient } from "./queries/queryClient";

const theme = { token: { colorPrimary: "#d4380d" } };

/** Locale, theme, data layer and session, shared by the app and component tests. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <ConfigProvider locale={zhCN} theme={theme} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>{children}</AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
