import { Card, Space, Typography } from "antd";
import { AccountSearchForm, type AccountSearchValues } from "../components/AccountSearchForm";
import { AccountTable } from "../components/AccountTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { useAccountSearch } from "../queries/accounts";
import { useSearchState } from "./useSearchState";

export function AccountSearchPage() {
  const s = useSearchState();
  const filters: AccountSearchValues = { q: s.text("q") || undefined, communityId: s.int("communityId") };
  const search = useAccountSearch({ ...filters, page: s.page, pageSize: s.pageSize });

  return (
    <Card title={<Typography.Text strong>账户查询</Typography.Text>}>
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <AccountSearchForm
          initial={filters}
          onSearch={(v) => {
            const same = v.q === filters.q && v.communityId === filters.communityId && s.page === 1;
            if (same) void search.refetch();
            else s.update({ ...v, page: undefined });
          }}
        />
        {search.isError && <QueryErrorAlert error={search.error} onRetry={() => void search.refetch()} />}
        <AccountTable
          data={search.data}
          loading={search.isFetching}
          page={s.page}
          pageSize={s.pageSize}
          onPageChange={(page, pageSize) => s.update({ page: pageSize === s.pageSize ? page : undefined, pageSize })}
        />
      </Space>
    </Card>
  );
}
