import { Button, Text, View } from "@tarojs/components";
import Taro, { useLoad } from "@tarojs/taro";
import {
  HARDSHIP_APP_STATUS_LABELS,
  type HardshipApplicationDetail,
  type HardshipApplicationView,
  OPEN_HARDSHIP_APP_STATUSES,
  type ResidentAccount,
} from "@warmline/shared";
import { useState } from "react";
import { ArrearsNotice } from "../../components/ArrearsNotice";
import { StatusTag } from "../../components/StatusTag";
import { SuspensionEntry } from "../../components/SuspensionEntry";
import { PAGES } from "../../constants";
import { getAccount } from "../../services/accounts";
import { describeError } from "../../services/errors";
import { getHardshipApplication, listHardshipApplications } from "../../services/hardship";
import { planLine } from "../hardship/present";
import { accountRows } from "./fields";
import "./index.scss";

/** 困难缓缴/分期申请: the newest application's state (and plan), or an invitation to apply. */
function HardshipEntry({
  accountId,
  app,
}: {
  accountId: number;
  app: HardshipApplicationView | HardshipApplicationDetail | null;
}) {
  const plan = app && "plan" in app ? app.plan : null;
  const ongoing =
    app !== null &&
    (OPEN_HARDSHIP_APP_STATUSES.includes(app.status) || plan?.status === "active" || plan?.status === "defaulted");
  const state = !app
    ? "家庭确有困难、一时缴不齐的，可申请分期缴纳或缓缴（困难不拒缴）"
    : plan
      ? planLine(plan)
      : HARDSHIP_APP_STATUS_LABELS[app.status];
  return (
    <View
      className="card hardship-entry"
      data-state={app?.status ?? "none"}
      onClick={() =>
        Taro.navigateTo({
          url:
            ongoing && app ? `${PAGES.hardshipDetail}?id=${app.id}` : `${PAGES.hardshipApply}?accountId=${accountId}`,
        })
      }
    >
      <View className="entry-row">
        <Text>困难缓缴/分期申请</Text>
        <Text className="link">{ongoing ? "查看进度" : "去申请"}</Text>
      </View>
      <Text className="muted hardship-entry-state">{state}</Text>
      {app && !ongoing ? (
        <Text
          className="link hardship-entry-last"
          onClick={(e) => {
            e.stopPropagation();
            void Taro.navigateTo({ url: `${PAGES.hardshipDetail}?id=${app.id}` });
          }}
        >
          {`查看上次申请（${HARDSHIP_APP_STATUS_LABELS[app.status]}）`}
        </Text>
      ) : null}
    </View>
  );
}

export default function AccountPage() {
  const [account, setAccount] = useState<ResidentAccount | null>(null);
  const [error, setError] = useState("");
  /** the account's newest hardship application (with its plan when approved); null = none */
  const [hardship, setHardship] = useState<HardshipApplicationView | HardshipApplicationDetail | null>(null);

  useLoad((params: Record<string, string | undefined>) => {
    const id = Number(params.id);
    if (!Number.isInteger(id) || id <= 0) {
      setError("户号信息不存在");
      return;
    }
    getAccount(id).then(setAccount, (err) => setError(describeError(err)));
    listHardshipApplications(id).then(
      async ([latest]) => {
        setHardship(latest?.status === "approved" ? await getHardshipApplication(latest.id) : (latest ?? null));
      },
      () => undefined,
    );
  });

  return (
    <View className="page page-account">
      {error ? <Text className="error-text">{error}</Text> : null}
      {account ? <ArrearsNotice accountId={account.id} /> : null}
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
      {account ? <HardshipEntry accountId={account.id} app={hardship} /> : null}
      {account ? <SuspensionEntry accountId={account.id} /> : null}
    </View>
  );
}
