import { Button, Text, Textarea, View } from "@tarojs/components";
import Taro, { useDidShow, useRouter } from "@tarojs/taro";
import {
  type HeatingStatusHistory,
  SUSPENSION_KIND_LABELS,
  type SuspensionKind,
  type SuspensionRulesView,
} from "@warmline/shared";
import { useState } from "react";
import { inputIdProps } from "../../components/inputId";
import { HOTLINE } from "../../constants";
import { describeError } from "../../services/errors";
import { applySuspension, heatingStatus, suspensionRules, withdrawSuspension } from "../../services/suspensions";
import { positiveId } from "../../utils/params";
import "./index.scss";

const REASON_MAX = 200;
const percent = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;
const dateText = (iso: string) => {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
};

/**
 * 报停/复供: the account's heating status this season and next, the rules (which season an application is
 * for, its deadline, the base fee, arrears), the form (报停 when the next season is heated, 复供 when it is
 * suspended) and every application with its progress; a pending one can be withdrawn.
 */
export default function SuspensionPage() {
  const { params } = useRouter();
  const accountId = positiveId(params.accountId);
  const [rules, setRules] = useState<SuspensionRulesView | null>(null);
  const [status, setStatus] = useState<HeatingStatusHistory | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [loadError, setLoadError] = useState("");
  const [busy, setBusy] = useState(false);

  async function load() {
    if (accountId === null) {
      setLoadError("户号信息不存在");
      return;
    }
    try {
      const [r, s] = await Promise.all([suspensionRules(), heatingStatus(accountId)]);
      setRules(r);
      setStatus(s);
      setLoadError("");
    } catch (err) {
      setLoadError(describeError(err));
    }
  }
  useDidShow(() => void load());

  const kind: SuspensionKind = status?.next.status === "suspended" ? "restart" : "suspend";
  const open = status?.applications.find(
    (a) => a.seasonCode === rules?.seasonCode && (a.status === "pending" || a.status === "valve_visit_scheduled"),
  );

  async function submit() {
    if (busy || accountId === null) return;
    if (reason.trim().length < 2) {
      setError("请填写申请原因（至少2个字）");
      return;
    }
    setBusy(true);
    setError("");
    try {
      await applySuspension(accountId, kind, reason.trim());
      setReason("");
      await Taro.showToast({ title: "已提交，请等待审核", icon: "none" });
      await load();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  async function withdraw(id: number) {
    if (busy) return;
    setBusy(true);
    try {
      await withdrawSuspension(id);
      await load();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="page page-suspension">
      {loadError ? <Text className="error-text">{loadError}</Text> : null}
      {status ? (
        <View className="card heating-status">
          <View className="card-title">
            <Text>供热状态</Text>
          </View>
          {[status.current, status.next].map((s, i) => (
            <View className="status-row" key={s.seasonCode}>
              <Text>{`${i === 0 ? "本供热季" : "下一供热季"} ${s.seasonCode}`}</Text>
              <Text className={`status-tag${s.status === "suspended" ? " is-suspended" : ""}`}>{s.label}</Text>
            </View>
          ))}
        </View>
      ) : null}

      {rules ? (
        <View className="card suspension-rules">
          <View className="card-title">
            <Text>办理须知</Text>
          </View>
          <Text className="rule-line">
            {"本次申请适用于 "}
            <Text className="season-code">{rules.seasonCode}</Text>
            {" 供热季，申请截止日期："}
            <Text className="deadline">{rules.deadline}</Text>
            {"（逾期不再受理该供热季的申请）。"}
          </Text>
          <Text className="rule-line">{`· 报停后该供热季按基本热费收取，即全额热费的 ${percent(rules.baseShareBp)}（按面积×单价计算后取整到分）。`}</Text>
          <Text className="rule-line">
            {rules.arrearsRule === "refuse"
              ? "· 有欠费的户需先缴清欠费，才能申请报停。"
              : "· 有欠费的户也可申请报停，欠费仍需按时缴纳。"}
          </Text>
          <Text className="rule-line">· 审核通过后，工作人员可能上门关阀加封（复供时拆封开阀），请保持电话畅通。</Text>
          <Text className="muted rule-line">{`如有疑问请拨打供热服务热线 ${HOTLINE.display}。`}</Text>
        </View>
      ) : null}

      {rules && status ? (
        open ? (
          <View className="card">
            <Text>{`该户 ${rules.seasonCode} 供热季已有一份${open.kindLabel}申请正在办理，请等待结果。`}</Text>
          </View>
        ) : (
          <View className="card suspension-form">
            <View className="field">
              <Text className="field-label">{`申请${SUSPENSION_KIND_LABELS[kind]}（${rules.seasonCode} 供热季）`}</Text>
              <Textarea
                {...inputIdProps("suspensionReason")}
                className="field-textarea"
                maxlength={REASON_MAX}
                placeholder={kind === "suspend" ? "如：房屋空置、长期外出等" : "如：回家居住，恢复供热"}
                value={reason}
                onInput={(e) => {
                  setReason(e.detail.value);
                  setError("");
                }}
              />
            </View>
            {error ? <Text className="error-text submit-error">{error}</Text> : null}
            <Button
              className={`btn btn-primary${busy ? " is-busy" : ""}`}
              disabled={busy}
              onClick={() => void submit()}
            >
              {`提交${SUSPENSION_KIND_LABELS[kind]}申请`}
            </Button>
          </View>
        )
      ) : null}

      {status ? (
        <View className="card suspension-history">
          <View className="card-title">
            <Text>申请记录</Text>
          </View>
          {status.applications.length === 0 ? <Text className="muted">暂无报停/复供申请</Text> : null}
          {status.applications.map((a) => (
            <View className="app-item" key={a.id} data-id={a.id}>
              <View className="app-head">
                <Text>{`${a.kindLabel} · ${a.seasonCode}`}</Text>
                <Text className={`app-status status-${a.status}`}>{a.statusLabel}</Text>
              </View>
              <Text className="muted app-line">{`申请时间 ${dateText(a.createdAt)}　原因：${a.reason}`}</Text>
              {a.reviewNote ? <Text className="app-line">{`审核意见：${a.reviewNote}`}</Text> : null}
              {a.visit ? (
                <Text className="app-line">{`${a.visit.label}：${a.visit.scheduledDate}${a.visit.confirmedAt ? "（已办结）" : ""}`}</Text>
              ) : null}
              {a.status === "pending" ? (
                <Text className="link app-withdraw" onClick={() => void withdraw(a.id)}>
                  撤回申请
                </Text>
              ) : null}
            </View>
          ))}
        </View>
      ) : null}
    </View>
  );
}
