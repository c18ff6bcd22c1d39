import { DeleteOutlined, PlusOutlined, SaveOutlined, UndoOutlined } from "@ant-design/icons";
import {
  errorMessage,
  type LadderDefinition,
  type LadderStep,
  REMINDER_CHANNEL_LABELS,
  REMINDER_CHANNELS,
  REMINDER_GRADE_LABELS,
  REMINDER_GRADES,
  REMINDER_LADDER_EDIT_ROLES,
  REMINDER_TEMPLATE_KEYS,
  REMINDER_TEMPLATE_LABELS,
  REQUIRED_PLACEHOLDERS,
  type ReminderChannel,
  type ReminderGrade,
  type ReminderTemplateKey,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Input,
  InputNumber,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useEffect, useState } from "react";
import { isApiError, messageOf } from "../api/api";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { formatDateTime } from "../format";
import { useLadder, useSaveLadder } from "../queries/reminders";

/** One problem the server found, placed where it belongs: "steps.3.offsetDays", "templates.soft", … */
export interface LadderProblem {
  /** the ladder path without the "definition." prefix of a request validation error */
  path: string;
  text: string;
}

/**
 * The problems of a refused save, from either kind of answer: the ladder's own rules (LADDER_* codes with
 * `details.issues` [{code, path, detail}]) or the request's shape (VALIDATION_FAILED with
 * `details` [{path, message}]). Anything else: none (the caller shows the message).
 */
export function ladderProblems(e: unknown): LadderProblem[] {
  if (!isApiError(e)) return [];
  const d = e.details as unknown;
  if (d && typeof d === "object" && Array.isArray((d as { issues?: unknown }).issues)) {
    return ((d as { issues: { code: string; path: string; detail?: string }[] }).issues ?? []).map((i) => ({
      path: i.path,
      text: `${errorMessage(i.code)}${i.detail ? `（${i.detail}）` : ""}`,
    }));
  }
  if (e.code === "VALIDATION_FAILED" && Array.isArray(d)) {
    return (d as { path: string; message: string }[]).map((i) => ({
      path: i.path.replace(/^definition\./, ""),
      text: i.message,
    }));
  }
  return [];
}

/** "steps.3.offsetDays" → "第4步（催缴 · 30天）的天数"; used as the label of a problem in the list */
export function problemPlace(path: string, def: LadderDefinition | null): string {
  const step = /^steps\.(\d+)(?:\.(\w+))?/.exec(path);
  if (step) {
    const i = Number(step[1]);
    const s = def?.steps[i];
    const field =
      { offsetDays: "天数", chain: "渠道顺序", key: "步骤标识", template: "文案", grade: "等级" }[step[2] ?? ""] ?? "";
    const what = s ? `（${REMINDER_GRADE_LABELS[s.grade]} · 第${s.offsetDays}天）` : "";
    return `第${i + 1}步${what}${field ? `的${field}` : ""}`;
  }
  const tpl = /^templates\.(\w+)/.exec(path);
  if (tpl) return `文案“${REMINDER_TEMPLATE_LABELS[tpl[1] as ReminderTemplateKey] ?? tpl[1]}”`;
  if (path.startsWith("settings.quietHours")) return "免打扰时段";
  if (path === "settings.minGapDays") return "提醒间隔天数";
  if (path.startsWith("settings.ratePerSecond.sms")) return "短信发送速率";
  if (path.startsWith("settings.ratePerSecond.subscribe")) return "订阅消息发送速率";
  if (path === "steps") return "步骤";
  return path || "阶梯";
}

const CHAIN_OPTIONS = REMINDER_CHANNELS.map((c) => ({ value: c, label: REMINDER_CHANNEL_LABELS[c] }));
const TEMPLATE_OPTIONS = REMINDER_TEMPLATE_KEYS.map((k) => ({ value: k, label: REMINDER_TEMPLATE_LABELS[k] }));

/** offsets are "days relative to the due date": −7 = 7 days before, 0 = the due date, 30 = 30 days after */
export function offsetText(days: number): string {
  if (days < 0) return `到期前${-days}天`;
  if (days === 0) return "到期当天";
  return `逾期${days}天`;
}

/** a new step of a grade, after its last one (the server refuses it until its offset is right) */
function newStep(def: LadderDefinition, grade: ReminderGrade): LadderStep {
  const inGrade = def.steps.filter((s) => s.grade === grade);
  const last = inGrade[inGrade.length - 1];
  const offsetDays = last ? last.offsetDays + 15 : { notice: 0, overdue: 30, key: 90, serious: 180 }[grade];
  let n = offsetDays;
  const taken = new Set(def.steps.map((s) => s.key));
  let key = `${grade}_${String(n).replace("-", "m")}`;
  while (taken.has(key)) key = `${grade}_${String(++n).replace("-", "m")}`;
  return { key, grade, offsetDays, chain: ["sms"], template: grade === "notice" ? "due" : "overdue" };
}

/**
 * 催缴阶梯: the ladder in force per grade (提醒 / 催缴 / 重点 / 严重) — its steps with their channel chains and
 * texts, the quiet hours, the one-per-N-days gap and the send rates. An administrator edits it; the server
 * validates the whole ladder and refuses with codes shown here next to what they are about; a save is a
 * new version, audited with its note.
 */
export function ReminderLadderPage() {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const ladder = useLadder();
  const save = useSaveLadder();
  const mayEdit = hasAnyRole(staff?.roles, REMINDER_LADDER_EDIT_ROLES);
  const [draft, setDraft] = useState<LadderDefinition | null>(null);
  const [note, setNote] = useState("");
  const [problems, setProblems] = useState<LadderProblem[]>([]);

  // the draft starts as the ladder in force, and again after each save
  useEffect(() => {
    if (ladder.data) setDraft(structuredClone(ladder.data.definition) as LadderDefinition);
  }, [ladder.data]);

  if (ladder.isError) return <QueryErrorAlert error={ladder.error} onRetry={() => void ladder.refetch()} />;
  if (!ladder.data || !draft) return <Skeleton active paragraph={{ rows: 10 }} />;

  const current = ladder.data;
  const readOnly = !mayEdit;
  const dirty = JSON.stringify(draft) !== JSON.stringify(ladder.data.definition);
  const problemsAt = (prefix: string) => problems.filter((p) => p.path === prefix || p.path.startsWith(`${prefix}.`));
  const edit = (fn: (d: LadderDefinition) => void) => {
    const next = structuredClone(draft);
    fn(next);
    setDraft(next);
  };
  const setStep = (i: number, patch: Partial<LadderStep>) =>
    edit((d) => {
      d.steps[i] = { ...(d.steps[i] as LadderStep), ...patch };
    });

  const submit = async () => {
    if (note.trim().length < 2) {
      setProblems([{ path: "note", text: "请填写修改说明（至少2个字）" }]);
      return;
    }
    try {
      const saved = await save.mutateAsync({ definition: draft, note: note.trim() });
      setProblems([]);
      setNote("");
      message.success(`催缴阶梯已保存为第 ${saved.version} 版，已记入审计日志`);
    } catch (e) {
      const found = ladderProblems(e);
      setProblems(found.length ? found : [{ path: "", text: messageOf(e) }]);
      message.error(messageOf(e));
    }
  };

  const stepColumns = (): TableColumnsType<{ step: LadderStep; index: number }> => [
    {
      title: "步骤标识",
      key: "key",
      width: 150,
      render: (_v, { step, index }) =>
        readOnly ? (
          <Typography.Text code>{step.key}</Typography.Text>
        ) : (
          <Input
            aria-label={`第${index + 1}步的步骤标识`}
            value={step.key}
            status={problemsAt(`steps.${index}.key`).length ? "error" : undefined}
            onChange={(e) => setStep(index, { key: e.target.value })}
          />
        ),
    },
    {
      title: "触发时间（相对到期日）",
      key: "offset",
      width: 210,
      render: (_v, { step, index }) =>
        readOnly ? (
          offsetText(step.offsetDays)
        ) : (
          <Space size={6}>
            <InputNumber
              aria-label={`第${index + 1}步的天数`}
              className="ladder-offset"
              value={step.offsetDays}
              precision={0}
              style={{ width: 90 }}
              status={problemsAt(`steps.${index}.offsetDays`).length ? "error" : undefined}
              onChange={(v) => setStep(index, { offsetDays: typeof v === "number" ? v : 0 })}
            />
            <Typography.Text type="secondary">{offsetText(step.offsetDays)}</Typography.Text>
          </Space>
        ),
    },
    {
      title: "渠道顺序（依次尝试，送达即止）",
      key: "chain",
      render: (_v, { step, index }) =>
        readOnly ? (
          step.chain.map((c) => REMINDER_CHANNEL_LABELS[c]).join(" → ")
        ) : (
          <Checkbox.Group
            value={step.chain}
            options={CHAIN_OPTIONS}
            // always in the fixed order subscribe → SMS → visit task
            onChange={(v) =>
              setStep(index, { chain: REMINDER_CHANNELS.filter((c) => (v as ReminderChannel[]).includes(c)) })
            }
          />
        ),
    },
    {
      title: "文案",
      key: "template",
      width: 170,
      render: (_v, { step, index }) =>
        readOnly ? (
          REMINDER_TEMPLATE_LABELS[step.template]
        ) : (
          <Select
            aria-label={`第${index + 1}步的文案`}
            value={step.template}
            options={TEMPLATE_OPTIONS}
            style={{ width: 150 }}
            onChange={(t) => setStep(index, { template: t })}
          />
        ),
    },
    {
      title: "主管复核",
      key: "review",
      width: 90,
      render: (_v, { step, index }) =>
        readOnly ? (
          step.review ? (
            <Tag color="purple">复核</Tag>
          ) : null
        ) : (
          <Switch size="small" checked={!!step.review} onChange={(on) => setStep(index, { review: on || undefined })} />
        ),
    },
    ...(readOnly
      ? []
      : [
          {
            title: "",
            key: "remove",
            width: 50,
            render: (_v: unknown, { index }: { step: LadderStep; index: number }) => (
              <Button
                type="text"
                danger
                aria-label={`删除第${index + 1}步`}
                icon={<DeleteOutlined />}
                onClick={() =>
                  edit((d) => {
                    d.steps.splice(index, 1);
                  })
                }
              />
            ),
          },
        ]),
  ];

  const q = draft.settings.quietHours;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} className="reminder-ladder">
      <Card
        title="催缴阶梯"
        extra={
          <Space>
            <Typography.Text type="secondary">
              第 {ladder.data.version} 版 · {formatDateTime(ladder.data.createdAt)}
              {ladder.data.note ? ` · ${ladder.data.note}` : ""}
            </Typography.Text>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          每户按最早未缴金额的逾期天数和欠费金额分级；每个等级按下列步骤提醒，渠道依次尝试直到送达。困难户和有供热质量诉求的户只发告知类文案、走访为关怀走访。
          {readOnly && " 仅管理员可修改。"}
        </Typography.Paragraph>
        {problems.length > 0 && (
          <Alert
            type="error"
            showIcon
            className="ladder-problems"
            title="未保存：催缴阶梯设置有误，请按提示修改"
            description={
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {problems.map((p) => (
                  <li key={`${p.path}-${p.text}`}>
                    {p.path ? `${problemPlace(p.path, draft)}：` : ""}
                    {p.text}
                  </li>
                ))}
              </ul>
            }
            style={{ marginBottom: 12 }}
          />
        )}
        <Descriptions
          size="small"
          bordered
          column={3}
          items={[
            {
              key: "quiet",
              label: "免打扰时段（北京时间）",
              children: readOnly ? (
                `${q.start}–${q.end}`
              ) : (
                <Space size={4}>
                  <Input
                    aria-label="免打扰开始"
                    value={q.start}
                    style={{ width: 72 }}
                    status={problemsAt("settings.quietHours").length ? "error" : undefined}
                    onChange={(e) =>
                      edit((d) => {
                        d.settings.quietHours.start = e.target.value.trim();
                      })
                    }
                  />
                  –
                  <Input
                    aria-label="免打扰结束"
                    value={q.end}
                    style={{ width: 72 }}
                    status={problemsAt("settings.quietHours").length ? "error" : undefined}
                    onChange={(e) =>
                      edit((d) => {
                        d.settings.quietHours.end = e.target.value.trim();
                      })
                    }
                  />
                </Space>
              ),
            },
            {
              key: "gap",
              label: "同一户至少间隔（天）",
              children: readOnly ? (
                draft.settings.minGapDays
              ) : (
                <InputNumber
                  aria-label="提醒间隔天数"
                  value={draft.settings.minGapDays}
                  precision={0}
                  status={problemsAt("settings.minGapDays").length ? "error" : undefined}
                  onChange={(v) =>
                    edit((d) => {
                      d.settings.minGapDays = typeof v === "number" ? v : 0;
                    })
                  }
                />
              ),
            },
            {
              key: "rate",
              label: "发送速率（条/秒）",
              children: readOnly ? (
                `订阅消息 ${draft.settings.ratePerSecond.subscribe} · 短信 ${draft.settings.ratePerSecond.sms}`
              ) : (
                <Space size={4}>
                  订阅消息
                  <InputNumber
                    aria-label="订阅消息发送速率"
                    value={draft.settings.ratePerSecond.subscribe}
                    precision={0}
                    style={{ width: 80 }}
                    status={problemsAt("settings.ratePerSecond.subscribe").length ? "error" : undefined}
                    onChange={(v) =>
                      edit((d) => {
                        d.settings.ratePerSecond.subscribe = typeof v === "number" ? v : 0;
                      })
                    }
                  />
                  短信
                  <InputNumber
                    aria-label="短信发送速率"
                    value={draft.settings.ratePerSecond.sms}
                    precision={0}
                    style={{ width: 80 }}
                    status={problemsAt("settings.ratePerSecond.sms").length ? "error" : undefined}
                    onChange={(v) =>
                      edit((d) => {
                        d.settings.ratePerSecond.sms = typeof v === "number" ? v : 0;
                      })
                    }
                  />
                </Space>
              ),
            },
          ]}
        />
      </Card>

      {REMINDER_GRADES.map((grade) => {
        const rows = draft.steps.map((step, index) => ({ step, index })).filter((r) => r.step.grade === grade);
        return (
          <Card
            key={grade}
            size="small"
            className={`ladder-grade ladder-grade-${grade}`}
            title={
              <Space>
                <Tag color={{ notice: "blue", overdue: "orange", key: "volcano", serious: "red" }[grade]}>
                  {REMINDER_GRADE_LABELS[grade]}
                </Tag>
                <Typography.Text type="secondary" style={{ fontWeight: "normal" }}>
                  {rows.length} 个步骤
                </Typography.Text>
              </Space>
            }
            extra={
              !readOnly && (
                <Button
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() =>
                    edit((d) => {
                      d.steps.push(newStep(d, grade));
                    })
                  }
                >
                  添加步骤
                </Button>
              )
            }
          >
            {rows.length ? (
              <Table
                rowKey={(r) => r.index}
                size="small"
                pagination={false}
                columns={stepColumns()}
                dataSource={rows}
                rowClassName={(r) => (problemsAt(`steps.${r.index}`).length ? "ladder-row-error" : "")}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="该等级没有步骤" />
            )}
          </Card>
        );
      })}

      <Card size="small" title="提醒文案" className="ladder-templates">
        <Typography.Paragraph type="secondary">
          可用占位符：
          {"{accountNo} {amount} {lateFee} {season} {asOf} {payPath} {hotline} {bankWindows} {installmentHint}"}
          ；每条文案必须包含 {REQUIRED_PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}，柔性文案还须包含{" "}
          {"{installmentHint}"}。 短信按平台审核通过的固定模板发送，此处文案用于小程序订阅消息和催缴记录。
        </Typography.Paragraph>
        <Space orientation="vertical" size="small" style={{ width: "100%" }}>
          {REMINDER_TEMPLATE_KEYS.map((k) => (
            <div key={k}>
              <Typography.Text strong>{REMINDER_TEMPLATE_LABELS[k]}</Typography.Text>
              {readOnly ? (
                <Typography.Paragraph style={{ marginBottom: 4 }}>{draft.templates[k]}</Typography.Paragraph>
              ) : (
                <Input.TextArea
                  aria-label={`文案：${REMINDER_TEMPLATE_LABELS[k]}`}
                  value={draft.templates[k]}
                  autoSize={{ minRows: 2, maxRows: 4 }}
                  maxLength={300}
                  status={problemsAt(`templates.${k}`).length ? "error" : undefined}
                  onChange={(e) =>
                    edit((d) => {
                      d.templates[k] = e.target.value;
                    })
                  }
                />
              )}
            </div>
          ))}
        </Space>
      </Card>

      {!readOnly && (
        <Card size="small" className="ladder-save">
          <Space style={{ width: "100%" }} wrap>
            <Input
              aria-label="修改说明"
              placeholder="修改说明（必填，记入审计日志）"
              value={note}
              maxLength={200}
              style={{ width: 420 }}
              status={problemsAt("note").length ? "error" : undefined}
              onChange={(e) => setNote(e.target.value)}
            />
            <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} disabled={!dirty} onClick={submit}>
              保存为新版本
            </Button>
            <Button
              icon={<UndoOutlined />}
              disabled={!dirty}
              onClick={() => {
                setDraft(structuredClone(current.definition) as LadderDefinition);
                setProblems([]);
              }}
            >
              放弃修改
            </Button>
            {dirty && <Typography.Text type="warning">有未保存的修改</Typography.Text>}
          </Space>
        </Card>
      )}
    </Space>
  );
}
