import { Button, Text, View } from "@tarojs/components";
import Taro, { useDidShow } from "@tarojs/taro";
import type { ResidentAccount } from "@warmline/shared";
import { useState } from "react";
import { AccountCard } from "../../components/AccountCard";
import { PAGES } from "../../constants";
import { listAccounts, unbindAccount } from "../../services/accounts";
import { describeError } from "../../services/errors";

export default function AccountsPage() {
  const [accounts, setAccounts] = useState<ResidentAccount[] | null>(null);
  const [error, setError] = useState("");

  async function load() {
    try {
      setAccounts(await listAccounts());
      setError("");
    } catch (err) {
      setError(describeError(err));
    }
  }

  useDidShow(() => {
    void load();
  });

  async function unbind(account: ResidentAccount) {
    const { confirm } = await Taro.showModal({ title: "解绑户号", content: "确定解绑该户号吗？" });
    if (!confirm) return;
    try {
      await unbindAccount(account.id);
      await Taro.showToast({ title: "已解绑", icon: "success" });
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <View className="page page-accounts">
      {error ? <Text className="error-text">{error}</Text> : null}
      {accounts && accounts.length === 0 ? <View className="card empty">您还没有绑定供热户号</View> : null}
      {accounts?.map((account) => (
        <AccountCard
          key={account.id}
          account={account}
          onOpen={(a) => Taro.navigateTo({ url: `${PAGES.account}?id=${a.id}` })}
          actions={
            <Text
              className="link unbind"
              onClick={(e) => {
                e.stopPropagation();
                void unbind(account);
              }}
            >
              解绑
            </Text>
          }
        />
      ))}
      <Button className="btn btn-primary" onClick={() => Taro.navigateTo({ url: PAGES.bind })}>
        绑定新户号
      </Button>
    </View>
  );
}
