import { Select } from "antd";
import { useCommunities } from "../queries/accounts";

interface Props {
  value?: number;
  onChange?: (value: number | undefined) => void;
}

/** 小区 filter; lists every community with its account count. */
export function CommunitySelect({ value, onChange }: Props) {
  const { data, isPending, isError } = useCommunities();
  return (
    <Select<number>
      id="community-select"
      allowClear
      showSearch={{ optionFilterProp: "name" }}
      placeholder={isError ? "小区列表加载失败" : "全部小区"}
      loading={isPending}
      status={isError ? "error" : undefined}
      style={{ width: 240 }}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={(data ?? []).map((c) => ({
        value: c.id,
        name: c.name,
        label: `${c.name}（${c.accountCount} 户）`,
      }))}
    />
  );
}
