import { UploadOutlined } from "@ant-design/icons";
import {
  formatYuan,
  LEGAL_DEADLINE_LABELS,
  LEGAL_DEADLINE_STATE_LABELS,
  LEGAL_OUTCOME_LABELS,
  LEGAL_OUTCOMES,
  type LegalCaseView,
  type LegalDeadlineState,
  type LegalOutcome,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
  Upload,
} from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { messageOf } from "../api/api";
import { uploadLegalScan } from "../api/legal";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { formatDateTime, shanghaiDate } from "../format";
import { useLegalCase, useLegalCommand } from "../queries/legal";
import { LegalReasons } from "./LegalCandidatesPage";
import { EvidenceChainPanel } from "./legal/EvidenceChainPanel";
import { FinalNoticePanel } from "./legal/FinalNoticePanel";
import { PacketPanel } from "./legal/PacketPanel";
import { TypicalCasePanel } from "./legal/TypicalCasePanel";

export const DEADLINE_COLORS: Record<LegalDeadlineState, string> = {
  open: "processing",
  due_soon: "warning",
  breached: "error",
  met: "success",
  late: "orange",
  calendar_missing: "magenta",
};

/** one deadline as a tag: due day, state, working days left; 节假日数据缺失 names the missing year */
export function DeadlineTag({ d }: { d: LegalCaseView["deadlines"][number] }) {
  const text =
    d.state === "calendar_missing"
      ? `${LEGAL_DEADLINE_STATE_LABELS.calendar_missing}${d.missingYear ? `（${d.missingYear}年）` : ""}`
      : `${d.dueDate} · ${LEGAL_DEADLINE_STATE_LABELS[d.state]}${d.workdaysLeft !== null ? ` · 剩 ${d.workdaysLeft} 个工作日` : ""}`;
  return <Tag color={DEADLINE_COLORS[d.state]}>{text}</Tag>;
}

type Dialog = "filing" | "register" | "close" | null;

const str = (v: unknown) => (typeof v === "string" ? v : "");
const fen = (v: unknown) => (typeof v === "number" ? formatYuan(v) : "");

/** the facts an event carries, in words (amounts, court, numbers, outcome) */
export function eventDetail(e: LegalCaseView["events"][number]): string {
  const d = e.data;
  switch (e.kind) {
    case "opened":
      return `欠费 ${fen(d.owedFen)}，入户沟通 ${String(d.visitDays ?? "")} 次${d.note ? `；${str(d.note)}` : ""}`;
    case "approved":
      return d.deadlineMissingYear
        ? `节假日数据缺失（${String(d.deadlineMissingYear)}年），期限待补算`
        : `提交法院期限 ${str(d.submitDue)}，启动诉讼期限 ${str(d.litigateDue)}`;
    case "filed":
      return `${str(d.courtName)}，${str(d.filedOn)}，回执 ${str(d.receiptNo)}`;
    case "registered":
      return `${str(d.registeredOn)}，案号 ${str(d.courtCaseNo)}`;
    case "closed":
      return `${LEGAL_OUTCOME_LABELS[d.outcome as LegalOutcome] ?? ""}${d.note ? `；${str(d.note)}` : ""}`;
    case "payment":
      return `缴费 ${fen(d.amountFen)}，现欠 ${fen(d.owedFenNow)}${d.offerClose ? "（已无欠费，可结案）" : ""}`;
    case "hardship_application":
      return `申请编号 ${str(d.applicationNo)}`;
    case "complaint":
      return `工单 ${str(d.ticketNo)}`;
    default:
      return "";
  }
}

/**
 * 法务案件: the case with its deadlines (提交法院 in working days, 启动诉讼 in calendar days), the rule's reasons
 * at opening, the timeline (who and when) and the actions of its state: approve (the configured role),
 * record the filing with the court scan, register 立案, close with an outcome.
 */
export function LegalCasePage() {
  const id = Number(useParams().id);
  const { message } = App.useApp();
  const q = useLegalCase(id);
  const command = useLegalCommand(id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [scanFile, setScanFile] = useState<File | null>(null);
  const [closeOutcome, setCloseOutcome] = useState<LegalOutcome | undefined>(undefined);
  const [filingForm] = Form.useForm();
  const [registerForm] = Form.useForm();
  const [closeForm] = Form.useForm<{ outcome: LegalOutcome; note?: string }>();

  if (q.error) return <QueryErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data) return <Spin />;
  const c = q.data;

  const run = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
      setDialog(null);
    } catch (err) {
      message.error(messageOf(err));
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Space>
            <span>法务案件 {c.caseNo}</span>
            <Tag color={c.state === "closed" ? "default" : "blue"}>{c.stateLabel}</Tag>
            {c.outcome ? <Tag color="green">{LEGAL_OUTCOME_LABELS[c.outcome]}</Tag> : null}
          </Space>
        }
        extra={<Link to="/legal/cases">返回案件列表</Link>}
      >
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
          <Descriptions.Item label="户号">
            <Link to={`/accounts/${c.accountId}`}>{c.accountNo}</Link>
          </Descriptions.Item>
          <Descriptions.Item label="户主">{c.ownerName}</Descriptions.Item>
          <Descriptions.Item label="小区">{c.communityName}</Descriptions.Item>
          <Descriptions.Item label="地址">{c.address}</Descriptions.Item>
          <Descriptions.Item label="立案时欠费">{formatYuan(c.owedFen)}</Descriptions.Item>
          <Descriptions.Item label="其中本金">{formatYuan(c.principalFen)}</Descriptions.Item>
          <Descriptions.Item label="最早应缴日">{c.oldestDueDate ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="欠费供热季">{c.arrearsSeason}</Descriptions.Item>
          <Descriptions.Item label="批准移交日">{c.approvedOn ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="提交法院">
            {c.filedOn ? `${c.filedOn} ${c.courtName ?? ""}（回执 ${c.courtReceiptNo ?? ""}）` : "—"}
          </Descriptions.Item>
          <Descriptions.Item label="法院立案">
            {c.registeredOn ? `${c.registeredOn}（${c.courtCaseNo ?? ""}）` : "—"}
          </Descriptions.Item>
        </Descriptions>
      </Card>

      <Card title="期限" size="small">
        {c.deadlines.length === 0 ? (
          <Typography.Text type="secondary">批准移交后开始计算：5个工作日内提交法院，7日内启动诉讼。</Typography.Text>
        ) : (
          <Space orientation="vertical">
            {c.deadlines.some((d) => d.state === "calendar_missing") ? (
              <Alert
                type="error"
                showIcon
                title="节假日数据缺失：期限所在年份的国务院节假日安排尚未导入，无法按工作日计算（不会按周一至周五估算）。请系统管理员在“节假日日历”中导入。"
              />
            ) : null}
            {c.deadlines.map((d) => (
              <Space key={d.kind}>
                <span style={{ display: "inline-block", width: 72 }}>{LEGAL_DEADLINE_LABELS[d.kind]}</span>
                <DeadlineTag d={d} />
                {d.doneOn ? <Typography.Text type="secondary">完成于 {d.doneOn}</Typography.Text> : null}
              </Space>
            ))}
          </Space>
        )}
      </Card>

      {c.state !== "closed" && c.events.some((e) => e.kind === "payment" && e.data.offerClose === true) ? (
        <Alert
          type="success"
          showIcon
          title="该户已全额缴清欠费，可以结案（结案方式：已全额缴清）。"
          action={
            <Button
              size="small"
              onClick={() => {
                setCloseOutcome("paid_in_full");
                setDialog("close");
              }}
            >
              结案
            </Button>
          }
        />
      ) : null}

      {c.actions.length ? (
        <Card title="操作" size="small">
          <Space wrap>
            {c.actions.includes("approve") ? (
              <Button
                type="primary"
                loading={command.isPending}
                onClick={() =>
                  Modal.confirm({
                    title: "批准移交法务？",
                    content: "批准后开始计算提交法院与启动诉讼的期限。操作记入审计日志。",
                    okText: "批准移交",
                    cancelText: "取消",
                    onOk: () => run(() => command.mutateAsync({ action: "approve" }), "已批准移交"),
                  })
                }
              >
                批准移交
              </Button>
            ) : null}
            {c.actions.includes("file") ? (
              <Button type="primary" onClick={() => setDialog("filing")}>
                登记提交法院
              </Button>
            ) : null}
            {c.actions.includes("register") ? (
              <Button type="primary" onClick={() => setDialog("register")}>
                登记法院立案
              </Button>
            ) : null}
            {c.actions.includes("close") ? (
              <Button
                danger
                onClick={() => {
                  setCloseOutcome(undefined);
                  setDialog("close");
                }}
              >
                结案
              </Button>
            ) : null}
          </Space>
        </Card>
      ) : null}

      <Card title="时间线" size="small">
        <Timeline
          items={c.events.map((e) => ({
            key: e.id,
            content: (
              <div>
                <Typography.Text strong>{e.label}</Typography.Text>
                <Typography.Text type="secondary">
                  {" "}
                  {formatDateTime(e.at)}
                  {e.actorName ? ` · ${e.actorName}` : " · 系统"}
                </Typography.Text>
                {eventDetail(e) ? <div>{eventDetail(e)}</div> : null}
              </div>
            ),
          }))}
        />
      </Card>

      <FinalNoticePanel caseId={c.id} caseState={c.state} />
      <EvidenceChainPanel caseId={c.id} />
      <PacketPanel caseId={c.id} caseState={c.state} />
      <TypicalCasePanel caseId={c.id} caseState={c.state} />

      <Card title="立案时的条件核对" size="small">
        <LegalReasons reasons={c.reasons} />
      </Card>

      <Modal
        open={dialog === "filing"}
        title="登记提交法院"
        okText="保存"
        cancelText="取消"
        confirmLoading={command.isPending}
        onCancel={() => setDialog(null)}
        onOk={async () => {
          const v = await filingForm.validateFields();
          if (!scanFile) {
            message.error("请上传法院收件回执或立案材料的扫描件（PDF 或图片）");
            return;
          }
          await run(async () => {
            const scan = await uploadLegalScan(id, scanFile);
            await command.mutateAsync({
              action: "filing",
              courtName: v.courtName,
              filedOn: v.filedOn,
              receiptNo: v.receiptNo,
              scanId: scan.id,
            });
          }, "已登记提交法院");
        }}
      >
        <Form form={filingForm} layout="vertical">
          <Form.Item name="courtName" label="法院" rules={[{ required: true, message: "请填写法院名称" }]}>
            <Input maxLength={100} placeholder="如：民乐县人民法院" />
          </Form.Item>
          <Form.Item name="filedOn" label="提交日期" rules={[{ required: true, message: "请选择提交日期" }]}>
            <Input type="date" max={shanghaiDate(new Date())} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="receiptNo" label="收件回执号/案号" rules={[{ required: true, message: "请填写回执号" }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item label="扫描件（PDF 或图片）" required>
            <Upload
              accept="application/pdf,image/jpeg,image/png,image/webp"
              maxCount={1}
              beforeUpload={(f) => {
                setScanFile(f);
                return false;
              }}
              onRemove={() => setScanFile(null)}
            >
              <Button icon={<UploadOutlined />}>选择文件</Button>
            </Upload>
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={dialog === "register"}
        title="登记法院立案"
        okText="保存"
        cancelText="取消"
        confirmLoading={command.isPending}
        onCancel={() => setDialog(null)}
        onOk={async () => {
          const v = await registerForm.validateFields();
          await run(
            () =>
              command.mutateAsync({
                action: "register",
                registeredOn: v.registeredOn,
                courtCaseNo: v.courtCaseNo,
              }),
            "已登记法院立案",
          );
        }}
      >
        <Form form={registerForm} layout="vertical">
          <Form.Item name="registeredOn" label="立案日期" rules={[{ required: true, message: "请选择立案日期" }]}>
            <Input type="date" max={shanghaiDate(new Date())} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="courtCaseNo" label="法院案号" rules={[{ required: true, message: "请填写法院案号" }]}>
            <Input maxLength={64} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={dialog === "close"}
        destroyOnHidden
        title="结案"
        okText="结案"
        okButtonProps={{ danger: true }}
        cancelText="取消"
        confirmLoading={command.isPending}
        onCancel={() => setDialog(null)}
        onOk={async () => {
          const v = await closeForm.validateFields();
          await run(() => command.mutateAsync({ action: "close", outcome: v.outcome, note: v.note }), "已结案");
        }}
      >
        <Form form={closeForm} layout="vertical" initialValues={{ outcome: closeOutcome }}>
          <Form.Item name="outcome" label="结案方式" rules={[{ required: true, message: "请选择结案方式" }]}>
            <Select
              options={LEGAL_OUTCOMES.filter((o) => o !== "judgment" || c.state === "litigating").map((o) => ({
                value: o,
                label: LEGAL_OUTCOME_LABELS[o],
              }))}
            />
          </Form.Item>
          <Form.Item name="note" label="说明">
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
