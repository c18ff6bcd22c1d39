import {
  FOLLOW_UP_OUTCOME_LABELS,
  FOLLOW_UP_OUTCOMES,
  type FollowUpOutcome,
  SATISFACTION_LEVEL_LABELS,
  SATISFACTION_LEVELS,
  type SatisfactionLevel,
  StaffFollowUpSchema,
  type StaffFollowUpInput,
  UNREACHABLE_RULE,
} from "@warmline/shared";
import { Alert, Form, Input, Radio, Typography } from "antd";
import { zodRule } from "../forms/zodRule";

export interface FollowUpValues {
  outcome?: FollowUpOutcome;
  solved?: boolean;
  level?: SatisfactionLevel;
  score?: number;
  comment?: string;
}

/** the follow-up calls that did not get through since 处理完成 (from the ticket list / detail) */
export interface FollowUpMissed {
  count: number;
  days: number;
  meetsRule: boolean;
}

const solvedOptions = [
  { value: true, label: "已解决" },
  { value: false, label: "未解决" },
];
const levelOptions = SATISFACTION_LEVELS.map((l) => ({ value: l, label: SATISFACTION_LEVEL_LABELS[l] }));
const scoreOptions = [1, 2, 3, 4, 5].map((n) => ({ value: n, label: `${n}分` }));
const commentRule = zodRule(StaffFollowUpSchema.shape.comment);

/** "已拨打 2 次（1 天）" */
export function missedText(m: FollowUpMissed | null | undefined): string {
  return m && m.count > 0 ? `已拨打 ${m.count} 次未接通（${m.days} 天）` : "尚未记录未接通";
}

/** The body of POST /staff/tickets/:id/follow-up from validated values. */
export function followUpInput(v: FollowUpValues): StaffFollowUpInput {
  const comment = v.comment?.trim() || undefined;
  if (v.outcome === "missed" || v.outcome === "unreachable") return { outcome: v.outcome, comment };
  return { outcome: "reached", solved: v.solved, level: v.level, score: v.score, comment };
}

/** What the result does to the ticket, in the success message. */
export function followUpDone(ticketNo: string, outcome: FollowUpOutcome | undefined, status: string): string {
  if (outcome === "missed") return `工单 ${ticketNo} 已记录未接通`;
  if (outcome === "unreachable") return `工单 ${ticketNo} 已按无法联系办结，处理结果已短信告知`;
  return status === "closed" ? `工单 ${ticketNo} 回访完成，已办结` : `工单 ${ticketNo} 未解决或不满意，已重新处理`;
}

/**
 * 回访 fields: the result (联系上 / 未接通 / 无法联系); reached: 是否解决, 满意程度, a score of 1–5 and what the
 * resident said. 无法联系 is offered once the missed calls meet the rule (≥3 calls on ≥2 dates). Used by the
 * ticket's 回访 dialog and inline in the 回访队列 (ids come from the form's name, so several forms may share a page).
 */
export function FollowUpFields({ missed }: { missed?: FollowUpMissed | null }) {
  const outcomeOptions = FOLLOW_UP_OUTCOMES.map((o) => ({
    value: o,
    label: FOLLOW_UP_OUTCOME_LABELS[o],
    disabled: o === "unreachable" && !missed?.meetsRule,
  }));
  return (
    <>
      <Form.Item
        label="回访结果"
        name="outcome"
        initialValue="reached"
        rules={[{ required: true, message: "请选择回访结果" }]}
        extra={
          <Typography.Text type="secondary" className="follow-up-missed">
            {missedText(missed)}；须至少{UNREACHABLE_RULE.minAttempts}次未接通、分布在{UNREACHABLE_RULE.minDays}
            个不同日期，方可记为无法联系
          </Typography.Text>
        }
      >
        <Radio.Group optionType="button" buttonStyle="solid" options={outcomeOptions} />
      </Form.Item>
      <Form.Item
        noStyle
        shouldUpdate={(a, b) => a.outcome !== b.outcome || a.solved !== b.solved || a.level !== b.level}
      >
        {({ getFieldValue }) => {
          const outcome = getFieldValue("outcome") as FollowUpOutcome | undefined;
          if (outcome === "missed")
            return (
              <Alert
                type="info"
                showIcon
                title="记录一次未接通（时间自动记录），工单继续等待回访"
                style={{ marginBottom: 16 }}
              />
            );
          if (outcome === "unreachable")
            return (
              <Alert
                type="warning"
                showIcon
                title="记为无法联系：处理结果将以短信发送至联系电话，工单办结（无法联系），不计入解决率、满意率"
                style={{ marginBottom: 16 }}
              />
            );
          const reopen = getFieldValue("solved") === false || getFieldValue("level") === "unsatisfied";
          return (
            <>
              <Form.Item label="是否解决" name="solved" rules={[{ required: true, message: "请选择是否解决" }]}>
                <Radio.Group optionType="button" buttonStyle="solid" options={solvedOptions} />
              </Form.Item>
              <Form.Item label="满意程度" name="level" rules={[{ required: true, message: "请选择满意程度" }]}>
                <Radio.Group optionType="button" buttonStyle="solid" options={levelOptions} />
              </Form.Item>
              <Form.Item label="评分" name="score" rules={[{ required: true, message: "请选择评分（1–5分）" }]}>
                <Radio.Group optionType="button" options={scoreOptions} />
              </Form.Item>
              {reopen && (
                <Alert
                  type="warning"
                  showIcon
                  title="未解决或不满意：工单将重新处理（回到待响应，时限重新计时）"
                  style={{ marginBottom: 16 }}
                />
              )}
            </>
          );
        }}
      </Form.Item>
      <Form.Item label="回访记录" name="comment" rules={[commentRule]}>
        <Input.TextArea rows={2} maxLength={500} showCount placeholder="居民的反馈或未接通情况（选填）" />
      </Form.Item>
    </>
  );
}
