import { Button, Image, Text, View } from "@tarojs/components";
import Taro, { useDidShow, useRouter } from "@tarojs/taro";
import {
  formatYuan,
  HARDSHIP_APP_STATUS_LABELS,
  HARDSHIP_PLAN_KIND_LABELS,
  HARDSHIP_PLAN_STATUS_LABELS,
  type HardshipApplicationDetail,
  type PaymentPlanView,
} from "@warmline/shared";
import { useState } from "react";
import { Kv } from "../../../components/Kv";
import { PAGES } from "../../../constants";
import { resolveApiUrl } from "../../../services/config";
import { describeError } from "../../../services/errors";
import { getHardshipApplication, withdrawHardshipApplication } from "../../../services/hardship";
import { formatDateTime } from "../../../utils/format";
import { positiveId } from "../../../utils/params";
import {
  APP_STATUS_TONE,
  categoryText,
  INSTALMENT_STATUS_LABELS,
  INSTALMENT_STATUS_TONE,
  nextPayment,
  planLine,
  termsText,
} from "../present";
import "../hardship.scss";

const PLAN_TONE: Record<PaymentPlanView["status"], string> = {
  active: "status-partial",
  completed: "status-paid",
  defaulted: "status-unpaid",
};

/** who did a step, as the resident sees it (staff names are not shown to residents) */
function actorText(kind: string): string {
  if (kind === "resident") return "本人";
  if (kind === "system") return "系统";
  return "工作人员";
}

function PlanCard({ plan, onPay }: { plan: PaymentPlanView; onPay: () => void }) {
  const next = nextPayment(plan);
  return (
    <View className="card hardship-plan" data-plan-status={plan.status}>
      <View className="card-title">
        <Text>{`${HARDSHIP_PLAN_KIND_LABELS[plan.kind]}计划`}</Text>
        <Text className={`status ${PLAN_TONE[plan.status]} plan-status`}>
          {HARDSHIP_PLAN_STATUS_LABELS[plan.status]}
        </Text>
      </View>
      <Kv label="计划本金">{formatYuan(plan.principalFen)}</Kv>
      <Kv label="已缴">{formatYuan(plan.paidFen)}</Kv>
      <Kv label="尚欠" valueClass={plan.principalFen - plan.paidFen > 0 ? "amount-danger" : undefined}>
        {formatYuan(Math.max(0, plan.principalFen - plan.paidFen))}
      </Kv>
      {plan.lateFeeWaivedFen > 0 ? <Kv label="已减免滞纳金">{formatYuan(plan.lateFeeWaivedFen)}</Kv> : null}
      {plan.deferredUntil ? <Kv label="缓缴至">{plan.deferredUntil}</Kv> : null}
      <View className="instalments">
        {plan.instalments.map((i) => (
          <View key={i.seq} className={`instalment instalment-${i.status}`} data-seq={i.seq} data-status={i.status}>
            <View className="instalment-main">
              <Text className="instalment-title">{plan.kind === "deferral" ? "缓缴到期" : `第${i.seq}期`}</Text>
              <Text className="muted instalment-due">{`截止 ${i.dueDate}`}</Text>
            </View>
            <View className="instalment-side">
              <Text className="instalment-amount">{formatYuan(i.amountFen)}</Text>
              <Text className={`status ${INSTALMENT_STATUS_TONE[i.status]} instalment-status`}>
                {INSTALMENT_STATUS_LABELS[i.status]}
              </Text>
              {i.status === "partial" || ((i.status === "late" || i.status === "missed") && i.paidFen > 0) ? (
                <Text className="muted instalment-paid-amount">{`已缴 ${formatYuan(i.paidFen)}`}</Text>
              ) : null}
            </View>
          </View>
        ))}
      </View>
      <Text className={`plan-line${plan.status === "defaulted" ? " amount-danger" : ""}`}>{planLine(plan)}</Text>
      {plan.status === "defaulted" ? (
        <Text className="muted plan-note">
          逾期超过宽限期，计划已失效：欠费从逾期之日起恢复计收滞纳金。供热中心可酌情恢复计划一次，请联系社区。
        </Text>
      ) : null}
      {next ? (
        <Button className="btn btn-primary plan-pay" onClick={onPay}>
          {`缴纳${plan.kind === "deferral" ? "缓缴欠费" : `第${next.seq}期`} ${formatYuan(next.fen)}`}
        </Button>
      ) : null}
      {next ? <Text className="muted plan-note">多缴的部分自动计入下一期。分期期间免收滞纳金。</Text> : null}
    </View>
  );
}

export default function HardshipDetailPage() {
  const { params } = useRouter();
  const id = positiveId(params.id);
  const [app, setApp] = useState<HardshipApplicationDetail | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  function load() {
    if (id === null) {
      setError("申请不存在");
      return;
    }
    getHardshipApplication(id).then(
      (a) => {
        setApp(a);
        setError("");
      },
      (err) => setError(describeError(err)),
    );
  }

  // each time the page shows: coming back from paying an instalment shows it paid
  useDidShow(load);

  async function withdraw() {
    if (!app || busy) return;
    const { confirm } = await Taro.showModal({
      title: "撤回申请",
      content: "撤回后本次申请不再审核，如仍有困难可重新申请。确定撤回吗？",
      confirmText: "确定撤回",
    });
    if (!confirm) return;
    setBusy(true);
    try {
      setApp(await withdrawHardshipApplication(app.id));
      setError("");
    } catch (err) {
      setError(describeError(err));
      load();
    } finally {
      setBusy(false);
    }
  }

  function pay() {
    if (!app?.plan) return;
    void Taro.navigateTo({ url: `${PAGES.pay}?accountId=${app.accountId}&applicationId=${app.id}` });
  }

  return (
    <View className="page page-hardship-detail">
      {error ? <Text className="error-text">{error}</Text> : null}
      {app ? (
        <>
          <View className="card hardship-summary">
            <View className="card-title">
              <Text>{`申请 ${app.applicationNo}`}</Text>
              <Text className={`status ${APP_STATUS_TONE[app.status]} app-status`} data-status={app.status}>
                {HARDSHIP_APP_STATUS_LABELS[app.status]}
              </Text>
            </View>
            <Kv label="户号">{app.accountNo}</Kv>
            <Kv label="困难类别">{categoryText(app.category, app.categoryReason)}</Kv>
            {app.certificateNo ? <Kv label="证件编号">{app.certificateNo}</Kv> : null}
            <Kv label="申请方式">{termsText(app.requestedTerms)}</Kv>
            {app.grantedTerms ? <Kv label="批准方式">{termsText(app.grantedTerms)}</Kv> : null}
            <Kv label="申请时欠费本金">{formatYuan(app.principalFen)}</Kv>
            {app.contactPhone ? <Kv label="联系电话">{app.contactPhone}</Kv> : null}
            {app.attachments.length ? (
              <View className="hardship-files">
                {app.attachments.map((f) =>
                  f.mime === "application/pdf" ? (
                    <Text key={f.id} className="pdf-chip">
                      PDF扫描件
                    </Text>
                  ) : (
                    <Image key={f.id} className="hardship-file" src={resolveApiUrl(f.url)} mode="aspectFill" />
                  ),
                )}
              </View>
            ) : null}
            {app.status === "pending_community" || app.status === "pending_center" ? (
              <Text className="muted hardship-wait">
                {app.status === "pending_community"
                  ? "社区正在初审，审核结果会通过消息通知您。"
                  : "社区初审已通过，供热中心正在复核。"}
              </Text>
            ) : null}
            {app.actions.includes("withdraw") ? (
              <Button className="btn btn-plain hardship-withdraw" disabled={busy} onClick={() => void withdraw()}>
                撤回申请
              </Button>
            ) : null}
          </View>

          {app.plan ? <PlanCard plan={app.plan} onPay={pay} /> : null}

          <View className="card hardship-timeline">
            <View className="card-title">
              <Text>办理进度</Text>
            </View>
            {[...app.timeline].reverse().map((e) => (
              <View key={e.id} className={`timeline-item timeline-${e.type}`} data-type={e.type}>
                <View className="timeline-dot" />
                <View className="timeline-main">
                  <View className="timeline-head">
                    <Text className="timeline-label">{e.label}</Text>
                    <Text className="muted timeline-time">{formatDateTime(e.at)}</Text>
                  </View>
                  <Text className="muted timeline-actor">{actorText(e.actorKind)}</Text>
                  {e.reason ? <Text className="timeline-text">{`理由：${e.reason}`}</Text> : null}
                </View>
              </View>
            ))}
          </View>
          {app.status === "rejected" || app.status === "withdrawn" ? (
            <Button
              className="btn btn-plain"
              onClick={() => Taro.redirectTo({ url: `${PAGES.hardshipApply}?accountId=${app.accountId}` })}
            >
              重新申请
            </Button>
          ) : null}
        </>
      ) : null}
    </View>
  );
}
