import { FollowUpSchema, type FollowUpInput } from "@warmline/shared";
import { Alert, Form, Input, Radio } from "antd";
import { zodRule } from "../forms/zodRule";

export interface FollowUpValues {
  satisfied?: boolean;
  score?: number;
  comment?: string;
}

const satisfiedOptions = [
  { value: true, label: "满意" },
  { value: false, label: "不满意" },
];
const scoreOptions = [1, 2, 3, 4, 5].map((n) => ({ value: n, label: `${n}分` }));

/** The body of POST /staff/tickets/:id/follow-up from validated values. */
export function followUpInput(v: FollowUpValues): FollowUpInput {
  return { satisfied: v.satisfied as boolean, score: v.score as number, comment: v.comment?.trim() || undefined };
}

/**
 * 回访 fields: 满意 / 不满意, a score of 1–5 and what the resident said. Used by the ticket's 回访 dialog
 * and inline in the 回访队列 (ids come from the form's name, so several forms may share a page).
 */
export function FollowUpFields() {
  return (
    <>
      <Form.Item label="回访结果" name="satisfied" rules={[{ required: true, message: "请选择是否满意" }]}>
        <Radio.Group optionType="button" buttonStyle="solid" options={satisfiedOptions} />
      </Form.Item>
      <Form.Item label="评分" name="score" rules={[{ required: true, message: "请选择评分（1–5分）" }]}>
        <Radio.Group optionType="button" options={scoreOptions} />
      </Form.Item>
      <Form.Item label="回访记录" name="comment" rules={[zodRule(FollowUpSchema.shape.comment)]}>
        <Input.TextArea rows={2} maxLength={500} showCount placeholder="居民的反馈（选填）" />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.satisfied !== b.satisfied}>
        {({ getFieldValue }) =>
          getFieldValue("satisfied") === false ? (
            <Alert
              type="warning"
              showIcon
              title="居民不满意：工单将重新处理（回到待响应，时限重新计时）"
              style={{ marginBottom: 16 }}
            />
          ) : null
        }
      </Form.Item>
    </>
  );
}
