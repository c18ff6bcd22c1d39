import { Button, Text, View } from "@tarojs/components";
import Taro, { useLoad } from "@tarojs/taro";
import type { ResidentAccount } from "@warmline/shared";
import { useState } from "react";
import { StatusTag } from "../../components/StatusTag";
import { PAGES } from "../../constants";
import { getAccount } from "../../services/accounts";
import { describeError } from "../../services/errors";
import { accountRows } from "./fields";
import "./index.scss";

export default function AccountPage() {
  const [account, setAccount] = useState<ResidentAccount | null>(null);
  const [error, setError] = useState("");

  useLoad((params: Record<string, string | undefined>) => {
    const id = Number(params.id);
    if (!Number.isInteger(id) || id <= 0) {
      setError("户号信息不存在");
      return;
    }
    getAccount(id).then(setAccount, (err) => setError(describeError(err)));
  });

  return (
    <View className="page page-account">
      {error ? <Text className="error-text">{error}</Text> : null}
      {account ? (
        <View className="card">
          <View className="card-title">
            <Text>户号 {account.accountNo}</Text>
            <StatusTag status={account.status} />
          </View>
          {accountRows(account).map((row) => (
            <View key={row.label} className="row">
              <Text className="row-label">{row.label}</Text>
              <Text className="row-value">{row.value}</Text>
            </View>
          ))}
        </View>
      ) : null}
      {account ? (
        <View className="link-row account-links">
          <Button
            className="btn btn-primary"
            onClick={() => Taro.navigateTo({ url: `${PAGES.bills}?accountId=${account.id}` })}
          >
            账单
          </Button>
          <Button
            className="btn btn-plain"
            onClick={() => Taro.navigateTo({ url: `${PAGES.payments}?accountId=${account.id}` })}
          >
            缴费记录
          </Button>
          <Button
            className="btn btn-plain"
            onClick={() => Taro.navigateTo({ url: `${PAGES.invoices}?accountId=${account.id}` })}
          >
            电子发票
          </Button>
        </View>
      ) : null}
      {account ? (
        <Button
          className="btn btn-plain account-report"
          onClick={() => Taro.navigateTo({ url: `${PAGES.report}?accountId=${account.id}` })}
        >
          我要报修
        </Button>
      ) : null}
    </View>
  );
}
