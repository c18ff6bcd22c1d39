import { EditOutlined, FilePdfOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  TEMP_METHOD_LABELS,
  VISIT_POLICY_LABELS,
  VISIT_RECORD_ROLES,
  type VisitPosition,
  type VisitView,
} from "@warmline/shared";
import { App, Button, Card, Empty, Image, Space, Tag, Timeline, Typography } from "antd";
import { useMemo, useState } from "react";
import { messageOf } from "../api/api";
import { fileUrl } from "../api/files";
import { downloadVisitsPdf, getAccountVisits } from "../api/visits";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { formatDateTime } from "../format";
import { QueryErrorAlert } from "./QueryErrorAlert";
import { saveBlob } from "./saveBlob";
import { VisitCorrectionModal } from "./VisitCorrectionModal";
import "./accountVisits.css";

const POSITION_COLOR: Record<VisitPosition, string> = {
  willing: "green",
  promised: "blue",
  hardship: "gold",
  disputes_quality: "orange",
  refuses: "red",
  other: "default",
};

/** A record's chain, newest first: the current row, then the rows it replaced (each 已更正). */
export function chainsOf(items: VisitView[]): VisitView[][] {
  const byId = new Map(items.map((v) => [v.id, v]));
  const chains: VisitView[][] = [];
  for (const v of items) {
    if (v.supersededById !== null) continue;
    const chain = [v];
    let prev = v.correctsId === null ? undefined : byId.get(v.correctsId);
    while (prev) {
      chain.push(prev);
      prev = prev.correctsId === null ? undefined : byId.get(prev.correctsId);
    }
    chains.push(chain);
  }
  return chains.sort((a, b) => (b[0] as VisitView).startedAt.localeCompare((a[0] as VisitView).startedAt));
}

function VisitBody({ v }: { v: VisitView }) {
  const rows: [string, React.ReactNode][] = [
    ["走访人员", v.visitors.map((p) => p.name).join("、")],
    ["结果", v.outcomeLabel],
  ];
  if (v.indoorTempC10 !== null)
    rows.push([
      "室内温度",
      `${(v.indoorTempC10 / 10).toFixed(1)}℃${v.tempMethod ? `（${TEMP_METHOD_LABELS[v.tempMethod]}）` : ""}${
        v.outdoorTempC10 !== null ? `，室外${(v.outdoorTempC10 / 10).toFixed(1)}℃` : ""
      }`,
    ]);
  if (v.faultsFound) rows.push(["发现问题", v.faultsFound]);
  if (v.faultsFixed) rows.push(["处理情况", v.faultsFixed]);
  if (v.policyExplained.length)
    rows.push(["政策宣讲", v.policyExplained.map((p) => VISIT_POLICY_LABELS[p]).join("、")]);
  if (v.position)
    rows.push([
      "住户态度",
      <span key="p">
        <Tag color={POSITION_COLOR[v.position.kind]}>{v.position.label}</Tag>
        {v.position.promisedDate && `承诺 ${v.position.promisedDate} 缴费`}
        {v.position.reason && `：${v.position.reason}`}
      </span>,
    ]);
  if (v.notes) rows.push(["备注", v.notes]);
  for (const e of v.effects) rows.push(["后续", `${e.label}${e.refId ? `（#${e.refId}）` : ""}`]);
  return (
    <div className="account-visit-body">
      {rows.map(([k, val]) => (
        <div key={k + String(typeof val === "string" ? val : "")} className="account-visit-row">
          <Typography.Text type="secondary">{k}：</Typography.Text>
          {val}
        </div>
      ))}
      {v.photos.length > 0 && (
        <Image.PreviewGroup>
          <Space wrap size={8} className="account-visit-photos">
            {v.photos.map((p) => (
              <figure key={p.id} className="account-visit-photo" data-role={p.role}>
                <Image
                  src={fileUrl(p.url)}
                  width={72}
                  height={72}
                  style={{ objectFit: p.role === "signature" ? "contain" : "cover", background: "#fff" }}
                  alt={p.role === "signature" ? "住户签名" : p.role === "temperature" ? "测温照片" : `照片#${p.id}`}
                />
                <figcaption>
                  {p.role === "signature" ? "住户签名" : p.role === "temperature" ? "测温" : "现场"}
                </figcaption>
              </figure>
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
    </div>
  );
}

/**
 * 走访记录 of one account: every visit with its photos (signed links), corrections shown against the row they
 * correct (the original stays, marked 已更正), the resident's stated positions over time, and the PDF export
 * the legal packet uses. Field staff and supervisors may 更正 a record from here.
 */
export function AccountVisitsTab({ accountId }: { accountId: number }) {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const visits = useQuery({
    queryKey: ["visits", "account", accountId],
    queryFn: ({ signal }) => getAccountVisits(accountId, signal),
  });
  const [fixing, setFixing] = useState<VisitView | null>(null);
  const mayCorrect = hasAnyRole(staff?.roles, VISIT_RECORD_ROLES);
  const boss = hasAnyRole(staff?.roles, ["supervisor", "admin"]);
  const pdf = useMutation({
    mutationFn: () => downloadVisitsPdf(accountId),
    onSuccess: (f) => saveBlob(f.blob, f.filename ?? `走访记录_${accountId}.pdf`),
    onError: (e) => message.error(messageOf(e)),
  });
  const chains = useMemo(() => chainsOf(visits.data?.items ?? []), [visits.data]);
  const positions = visits.data?.positions ?? [];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} className="account-visits">
      <Space wrap style={{ justifyContent: "space-between", width: "100%" }}>
        <Typography.Text type="secondary">
          共 {chains.length} 次走访{visits.data && visits.data.items.length > chains.length ? "（含更正）" : ""}
        </Typography.Text>
        <Button icon={<FilePdfOutlined />} loading={pdf.isPending} disabled={!visits.data} onClick={() => pdf.mutate()}>
          导出PDF
        </Button>
      </Space>
      {visits.isError && <QueryErrorAlert error={visits.error} onRetry={() => void visits.refetch()} />}
      {visits.data && chains.length === 0 && <Empty description="暂无走访记录" />}
      {positions.length > 0 && (
        <Card size="small" title="住户态度变化" className="account-visit-positions">
          <Timeline
            items={positions.map((p) => ({
              key: p.visitId,
              color: POSITION_COLOR[p.kind] === "default" ? "gray" : POSITION_COLOR[p.kind],
              content: (
                <span>
                  {formatDateTime(p.at)} <Tag color={POSITION_COLOR[p.kind]}>{p.label}</Tag>
                </span>
              ),
            }))}
          />
        </Card>
      )}
      {chains.map((chain) => {
        const cur = chain[0] as VisitView;
        const mine = boss || cur.visitors.some((p) => p.id === staff?.id);
        return (
          <Card
            key={cur.id}
            size="small"
            className="account-visit"
            data-visit-id={cur.id}
            title={
              <Space wrap size={6}>
                <span>{formatDateTime(cur.startedAt)}</span>
                <Tag>{cur.kindLabel}</Tag>
                {cur.correctsId !== null && <Tag color="blue">更正记录</Tag>}
              </Space>
            }
            extra={
              mayCorrect &&
              mine && (
                <Button size="small" icon={<EditOutlined />} onClick={() => setFixing(cur)}>
                  更正
                </Button>
              )
            }
          >
            {cur.correctsId !== null && (
              <Typography.Paragraph type="secondary" className="account-visit-reason">
                更正 #{cur.correctsId}，原因：{cur.correctionReason}
              </Typography.Paragraph>
            )}
            <VisitBody v={cur} />
            {chain.slice(1).map((old) => (
              <div key={old.id} className="account-visit-superseded" data-visit-id={old.id}>
                <Space size={6} wrap>
                  <Tag color="default">已更正</Tag>
                  <Typography.Text type="secondary">
                    原记录 #{old.id}（{formatDateTime(old.createdAt)} 登记）
                  </Typography.Text>
                </Space>
                <VisitBody v={old} />
              </div>
            ))}
          </Card>
        );
      })}
      <VisitCorrectionModal
        visit={fixing}
        onClose={() => setFixing(null)}
        onSaved={(res) => {
          setFixing(null);
          message.success(["更正已保存，原记录已标记为已更正", ...res.visit.effects.map((e) => e.label)].join("；"));
          void qc.invalidateQueries({ queryKey: ["visits"] });
        }}
      />
    </Space>
  );
}
