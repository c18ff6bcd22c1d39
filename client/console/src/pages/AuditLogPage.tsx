import { Card, Space, Typography } from "antd";
import { AuditFilterForm, type AuditFilterValues } from "../components/AuditFilterForm";
import { AuditTable } from "../components/AuditTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { useAuditLogs } from "../queries/audit";
import { useSearchState } from "./useSearchState";

export function AuditLogPage() {
  const s = useSearchState();
  const filters: AuditFilterValues = { action: s.text("action") || undefined, actorId: s.int("actorId") };
  const logs = useAuditLogs({ ...filters, page: s.page, pageSize: s.pageSize });

  return (
    <Card title={<Typography.Text strong>审计日志</Typography.Text>}>
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <AuditFilterForm
          initial={filters}
          onSearch={(v) => {
            const same = v.action === filters.action && v.actorId === filters.actorId && s.page === 1;
            if (same) void logs.refetch();
            else s.update({ ...v, page: undefined });
          }}
        />
        {logs.isError && <QueryErrorAlert error={logs.error} onRetry={() => void logs.refetch()} />}
        <AuditTable
          data={logs.data}
          loading={logs.isFetching}
          page={s.page}
          pageSize={s.pageSize}
          onPageChange={(page, pageSize) => s.update({ page: pageSize === s.pageSize ? page : undefined, pageSize })}
        />
      </Space>
    </Card>
  );
}
