import {
  COMMUNITY_SCOPED_ROLES,
  STAFF_ROLE_LABELS,
  STAFF_ROLES,
  STAFF_USERNAME_PATTERN,
  STATION_SCOPED_ROLES,
  type StaffRole,
  type StaffUserCreateInput,
  type StaffUserUpdateInput,
} from "@warmline/shared";
import { App, Col, Form, Input, Modal, Radio, Row, Select } from "antd";
import { messageOf } from "../../api/api";
import type { StaffPasswordIssued, StaffUser } from "../../api/staffAdmin";
import { useCommunities } from "../../queries/accounts";
import { useCreateStaffUser, useUpdateStaffUser } from "../../queries/staffAdmin";
import { useStations } from "../../queries/tickets";
import { PasswordFields } from "./PasswordFields";
import { applyFieldErrors } from "./serverErrors";

interface Values {
  username: string;
  displayName: string;
  phone?: string;
  roles: StaffRole[];
  stationId?: number;
  communityId?: number;
  passwordMode: "generate" | "manual";
  password?: string;
}

const FIELDS = ["username", "displayName", "phone", "roles", "stationId", "communityId", "password"] as const;

interface Props {
  /** null: 新建; a user: 编辑 that account */
  editing: StaffUser | null;
  open: boolean;
  onClose: () => void;
  /** after a create: the account and the generated password (if any) */
  onCreated: (issued: StaffPasswordIssued) => void;
}

const needs = (roles: StaffRole[] | undefined, scoped: readonly StaffRole[]) =>
  (roles ?? []).some((r) => scoped.includes(r));

/** 新建 / 编辑工作人员: name, phone, roles and the station or community a role needs; a first password on create. */
export function StaffFormModal({ editing, open, onClose, onCreated }: Props) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const create = useCreateStaffUser();
  const update = useUpdateStaffUser();
  const stations = useStations();
  const communities = useCommunities();
  const roles = Form.useWatch("roles", form);
  const mode = Form.useWatch("passwordMode", form);
  const needStation = needs(roles, STATION_SCOPED_ROLES);
  const needCommunity = needs(roles, COMMUNITY_SCOPED_ROLES);
  const pending = create.isPending || update.isPending;

  const submit = async (v: Values) => {
    const scope = {
      stationId: needStation ? (v.stationId ?? null) : null,
      communityId: needCommunity ? (v.communityId ?? null) : null,
    };
    const phone = v.phone?.trim() ? v.phone.trim() : editing ? undefined : null;
    try {
      if (editing) {
        const input: StaffUserUpdateInput = { displayName: v.displayName.trim(), phone, roles: v.roles, ...scope };
        await update.mutateAsync({ id: editing.id, input });
        message.success(`已保存 ${v.displayName.trim()} 的信息`);
        onClose();
      } else {
        const input: StaffUserCreateInput = {
          username: v.username.trim().toLowerCase(),
          displayName: v.displayName.trim(),
          phone,
          roles: v.roles,
          ...scope,
          ...(v.passwordMode === "manual" ? { password: v.password } : {}),
        };
        const issued = await create.mutateAsync(input);
        message.success(`已创建工作人员 ${issued.user.displayName}（${issued.user.username}）`);
        onCreated(issued);
      }
    } catch (e) {
      if (!applyFieldErrors(form, e, FIELDS)) message.error(messageOf(e));
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? `编辑工作人员：${editing.displayName}` : "新建工作人员"}
      okText={editing ? "保存" : "创建"}
      cancelText="取消"
      width={640}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={pending}
      destroyOnHidden
      mask={{ closable: false }}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        className="staff-form"
        disabled={pending}
        preserve={false}
        initialValues={
          editing
            ? {
                username: editing.username,
                displayName: editing.displayName,
                roles: editing.roles,
                stationId: editing.stationId ?? undefined,
                communityId: editing.communityId ?? undefined,
                passwordMode: "generate",
              }
            : { roles: [], passwordMode: "generate" }
        }
        onFinish={submit}
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="用户名"
              name="username"
              extra={editing ? "用户名创建后不能修改" : "登录用，3–32 位小写字母、数字、_ . -，以字母开头"}
              rules={[
                { required: true, message: "请输入用户名" },
                {
                  validator: async (_r, v: string | undefined) => {
                    if (v && !STAFF_USERNAME_PATTERN.test(v.trim().toLowerCase()))
                      throw new Error("用户名为 3–32 位小写字母、数字、下划线、点或短横线，以字母开头");
                  },
                },
              ]}
            >
              <Input disabled={!!editing} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              label="姓名"
              name="displayName"
              rules={[
                { required: true, whitespace: true, message: "请输入姓名" },
                { max: 32, message: "姓名不能超过 32 个字" },
              ]}
            >
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="手机号（选填）"
              name="phone"
              extra={editing?.phoneMasked ? `现为 ${editing.phoneMasked}，留空则不变` : undefined}
              rules={[{ pattern: /^\s*1\d{10}\s*$/, message: "手机号应为 11 位数字" }]}
            >
              <Input inputMode="numeric" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              label="角色"
              name="roles"
              rules={[{ required: true, type: "array", min: 1, message: "至少选择一个角色" }]}
            >
              <Select<StaffRole[]>
                id="roles"
                mode="multiple"
                showSearch={{ optionFilterProp: "label" }}
                placeholder="选择角色"
                options={STAFF_ROLES.map((r) => ({ value: r, label: STAFF_ROLE_LABELS[r] }))}
              />
            </Form.Item>
          </Col>
        </Row>
        {(needStation || needCommunity) && (
          <Row gutter={16}>
            {needStation && (
              <Col span={12}>
                <Form.Item
                  label="所属换热站"
                  name="stationId"
                  extra="调度员、维修员按换热站派单"
                  rules={[{ required: true, message: "调度员、维修员需要指定所属换热站" }]}
                >
                  <Select<number>
                    id="stationId"
                    showSearch={{ optionFilterProp: "label" }}
                    loading={stations.isPending}
                    placeholder="选择换热站"
                    options={(stations.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
                  />
                </Form.Item>
              </Col>
            )}
            {needCommunity && (
              <Col span={12}>
                <Form.Item
                  label="所属社区"
                  name="communityId"
                  extra="网格员、社区初审员负责本社区"
                  rules={[{ required: true, message: "社区网格员、社区初审员需要指定所属社区" }]}
                >
                  <Select<number>
                    id="communityId"
                    showSearch={{ optionFilterProp: "label" }}
                    loading={communities.isPending}
                    placeholder="选择社区"
                    options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                  />
                </Form.Item>
              </Col>
            )}
          </Row>
        )}
        {!editing && (
          <>
            <Form.Item label="初始密码" name="passwordMode" extra="无论哪种方式，本人首次登录时都须修改密码">
              <Radio.Group
                options={[
                  { value: "generate", label: "系统生成（创建后显示一次）" },
                  { value: "manual", label: "手动设置" },
                ]}
              />
            </Form.Item>
            {mode === "manual" && (
              <PasswordFields name="password" label="临时密码" username={() => form.getFieldValue("username")} />
            )}
          </>
        )}
      </Form>
    </Modal>
  );
}
