import { NotificationOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type LegalCaseState,
  TYPICAL_CASE_REVIEWER_ROLES,
  TypicalCaseOfCaseSchema,
  type TypicalCaseState,
  type TypicalCaseView,
  TypicalCaseViewSchema,
} from "@warmline/shared";
import { Alert, App, Button, Card, Form, Input, Modal, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { api, isApiError, messageOf } from "../../api/api";
import { parseWith } from "../../api/parse";
import { useAuth } from "../../auth/AuthContext";
import { hasAnyRole } from "../../auth/roles";
import { formatDateTime } from "../../format";

export const TYPICAL_STATE_COLORS: Record<TypicalCaseState, string> = {
  draft: "processing",
  published: "success",
  rejected: "error",
};

const typicalKey = (caseId: number) => ["legal", "typical-case", caseId] as const;

/** the leak kinds a 422 names, in words */
export function leakMessage(e: unknown): string {
  if (isApiError(e) && e.code === "TYPICAL_CASE_LEAK") {
    const labels = (e.details as { labels?: string[] } | undefined)?.labels;
    if (labels?.length) return `${messageOf(e)}：${labels.join("、")}`;
  }
  return messageOf(e);
}

async function putText(id: number, text: { title: string; body: string }) {
  return parseWith(
    TypicalCaseViewSchema,
    await api.request(`/api/v1/staff/legal/typical-cases/${id}`, { method: "PUT", body: text }),
  );
}

/** approve / reject buttons of a draft, for a reviewer (a supervisor other than the author: the server checks) */
export function TypicalReviewButtons({ item, onDone }: { item: TypicalCaseView; onDone: () => void }) {
  const { message, modal } = App.useApp();
  const [reason, setReason] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const approve = useMutation({
    mutationFn: async () =>
      parseWith(TypicalCaseViewSchema, await api.post(`/api/v1/staff/legal/typical-cases/${item.id}/approve`)),
    onSettled: onDone,
  });
  const reject = useMutation({
    mutationFn: async (r: string) =>
      parseWith(
        TypicalCaseViewSchema,
        await api.post(`/api/v1/staff/legal/typical-cases/${item.id}/reject`, { reason: r }),
      ),
    onSettled: onDone,
  });
  if (item.state !== "draft") return null;
  return (
    <Space>
      <Button
        type="primary"
        loading={approve.isPending}
        onClick={() =>
          modal.confirm({
            title: "审核通过并发布",
            content: `将以公告形式发布到「${item.communityName}」的公告栏。请确认文中没有住户全名、身份证号、电话、单元房号。`,
            okText: "通过并发布",
            cancelText: "取消",
            onOk: async () => {
              try {
                await approve.mutateAsync();
                message.success("已发布到小区公告栏");
              } catch (e) {
                message.error(leakMessage(e));
              }
            },
          })
        }
      >
        通过并发布
      </Button>
      <Button danger onClick={() => setRejecting(true)}>
        不通过
      </Button>
      <Modal
        open={rejecting}
        title="审核不通过"
        okText="不通过"
        cancelText="取消"
        okButtonProps={{ danger: true, disabled: reason.trim().length < 2 }}
        confirmLoading={reject.isPending}
        onCancel={() => setRejecting(false)}
        onOk={async () => {
          try {
            await reject.mutateAsync(reason.trim());
            message.success("已退回撰写人修改");
            setRejecting(false);
            setReason("");
          } catch (e) {
            message.error(messageOf(e));
          }
        }}
      >
        <Input.TextArea
          aria-label="不通过的原因"
          rows={3}
          maxLength={200}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="请填写不通过的原因"
        />
      </Modal>
    </Space>
  );
}

/**
 * 典型案例 on the case page (closed cases): the generated anonymized text to start from (surname, community
 * and building only), editable; 提交审核 saves the draft; a supervisor other than the author approves (it is
 * published to the community's notice board) or sends it back with a reason.
 */
export function TypicalCasePanel({ caseId, caseState }: { caseId: number; caseState: LegalCaseState }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { staff } = useAuth();
  const reviewer = hasAnyRole(staff?.roles, TYPICAL_CASE_REVIEWER_ROLES);
  const [form] = Form.useForm<{ title: string; body: string }>();
  const [editing, setEditing] = useState(false);
  const q = useQuery({
    queryKey: typicalKey(caseId),
    queryFn: async ({ signal }) =>
      parseWith(
        TypicalCaseOfCaseSchema,
        await api.get(`/api/v1/staff/legal/cases/${caseId}/typical-case`, undefined, signal),
      ),
    enabled: caseState === "closed",
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: typicalKey(caseId) });
    void qc.invalidateQueries({ queryKey: ["legal", "typical-cases"] });
  };
  const save = useMutation({
    mutationFn: async (text: { title: string; body: string }) => {
      const item = q.data?.item;
      if (item) return putText(item.id, text);
      return parseWith(TypicalCaseViewSchema, await api.post(`/api/v1/staff/legal/cases/${caseId}/typical-case`, text));
    },
    onSettled: refresh,
  });

  if (caseState !== "closed") return null;
  const item = q.data?.item ?? null;
  const start = item ?? q.data?.suggestion ?? null;
  const mayEdit = item?.state !== "published";

  const onSubmit = async () => {
    const v = await form.validateFields();
    try {
      await save.mutateAsync(v);
      message.success("已提交主管审核");
      setEditing(false);
    } catch (e) {
      message.error(leakMessage(e));
    }
  };

  return (
    <Card
      title={
        <Space>
          <NotificationOutlined />
          典型案例（曝光）
          {item ? <Tag color={TYPICAL_STATE_COLORS[item.state]}>{item.stateLabel}</Tag> : null}
        </Space>
      }
      size="small"
      className="legal-typical-panel"
      loading={q.isLoading}
    >
      <Space orientation="vertical" style={{ width: "100%" }}>
        <Alert
          type="info"
          showIcon
          title="匿名规则：只写姓氏（如王某、欧阳某）、小区和楼栋，不写单元房号、户号、身份证号和电话。主管审核通过后发布到该小区的公告栏。"
        />
        {q.error ? <Alert type="error" showIcon title={messageOf(q.error)} /> : null}
        {item?.state === "rejected" ? (
          <Alert type="warning" showIcon title={`审核未通过：${item.rejectReason ?? ""}（修改后可重新提交）`} />
        ) : null}
        {item?.state === "published" ? (
          <Typography.Text type="secondary">
            {item.reviewerName} 于 {item.reviewedAt ? formatDateTime(item.reviewedAt) : ""} 审核发布（公告 #
            {item.noticeId}）
          </Typography.Text>
        ) : null}
        {start && (editing || !item) && mayEdit ? (
          <Form form={form} layout="vertical" initialValues={{ title: start.title, body: start.body }}>
            <Form.Item name="title" label="标题" rules={[{ required: true, message: "请填写标题" }]}>
              <Input maxLength={60} />
            </Form.Item>
            <Form.Item name="body" label="正文" rules={[{ required: true, message: "请填写正文" }]}>
              <Input.TextArea rows={6} maxLength={2000} />
            </Form.Item>
            <Space>
              <Button type="primary" loading={save.isPending} onClick={onSubmit}>
                {item ? "保存并重新提交审核" : "提交审核"}
              </Button>
              {item ? <Button onClick={() => setEditing(false)}>取消</Button> : null}
            </Space>
          </Form>
        ) : item ? (
          <>
            <Typography.Title level={5}>{item.title}</Typography.Title>
            <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>{item.body}</Typography.Paragraph>
            <Space>
              {mayEdit ? <Button onClick={() => setEditing(true)}>修改</Button> : null}
              {reviewer ? <TypicalReviewButtons item={item} onDone={refresh} /> : null}
            </Space>
          </>
        ) : null}
      </Space>
    </Card>
  );
}
