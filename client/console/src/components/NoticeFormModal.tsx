import { PlusOutlined } from "@ant-design/icons";
import {
  beijingMinuteText,
  NOTICE_AUDIENCE_LABELS,
  NOTICE_AUDIENCES,
  NOTICE_BODY_MAX,
  NOTICE_KIND_LABELS,
  NOTICE_KINDS,
  NOTICE_TITLE_MAX,
  type NoticeAudience,
  type NoticeInput,
  type NoticeKind,
  UPLOAD_LIMITS,
} from "@warmline/shared";
import {
  Alert,
  App,
  Col,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Switch,
  Tag,
  Typography,
  Upload,
  type UploadFile,
} from "antd";
import { messageOf } from "../api/api";
import { fileUrl } from "../api/files";
import { type NoticeImageView, type StaffNoticeView, uploadNoticeImage } from "../api/notices";
import { useCommunities } from "../queries/accounts";
import { useSaveNotice } from "../queries/notices";
import { useStations } from "../queries/tickets";
import { NoticeBody } from "./NoticeBody";

export const NOTICE_KIND_COLORS: Record<NoticeKind, string> = {
  season: "blue",
  knowledge: "green",
  outage: "red",
  open_day: "purple",
  other: "default",
};

interface Values {
  title: string;
  kind: NoticeKind;
  audience: NoticeAudience;
  communityIds: number[];
  stationIds: number[];
  body: string;
  pinned: boolean;
  /** Beijing time "YYYY-MM-DDTHH:mm" (the datetime-local input); empty = now */
  publishAt: string;
  expireAt: string;
  image: UploadFile<NoticeImageView>[];
}

/** "2026-12-03T08:00" read as Beijing time → a UTC instant; "" → undefined */
export function beijingInputToIso(v: string | undefined): string | undefined {
  return v ? new Date(`${v}:00+08:00`).toISOString() : undefined;
}

/** a UTC instant → the datetime-local value in Beijing time */
export function isoToBeijingInput(iso: string | null): string {
  return iso ? beijingMinuteText(iso).replace(" ", "T") : "";
}

function initial(n: StaffNoticeView | null): Values {
  return {
    title: n?.title ?? "",
    kind: n?.kind ?? "knowledge",
    audience: n?.audience ?? "all",
    communityIds: n?.communityIds ?? [],
    stationIds: n?.stationIds ?? [],
    body: n?.body ?? "",
    pinned: n?.pinned ?? false,
    publishAt: isoToBeijingInput(n?.publishAt ?? null),
    expireAt: isoToBeijingInput(n?.expireAt ?? null),
    image: n?.image
      ? [{ uid: String(n.image.id), name: "公告图片", status: "done", response: n.image, url: fileUrl(n.image.url) }]
      : [],
  };
}

export function toNoticeInput(v: Values): NoticeInput {
  const image = v.image?.find((f) => f.status === "done" && f.response)?.response;
  return {
    title: v.title.trim(),
    body: v.body.trim(),
    kind: v.kind,
    audience: v.audience,
    communityIds: v.audience === "communities" ? v.communityIds : [],
    stationIds: v.audience === "stations" ? v.stationIds : [],
    pinned: v.pinned,
    publishAt: beijingInputToIso(v.publishAt),
    expireAt: beijingInputToIso(v.expireAt) ?? null,
    imageId: image?.id ?? null,
  };
}

interface Props {
  /** null: a new notice */
  notice: StaffNoticeView | null;
  onClose: () => void;
}

/** 发布公告 / 修改公告: the form on the left, the notice as residents will see it on the right. */
export function NoticeFormModal({ notice, onClose }: Props) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveNotice();
  const communities = useCommunities();
  const stations = useStations();
  const v = Form.useWatch([], form) as Values | undefined;
  const audience = v?.audience ?? notice?.audience ?? "all";

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return; // the form shows what is missing
    if (values.image?.some((f) => f.status === "uploading")) {
      message.warning("图片上传中，请稍候");
      return;
    }
    try {
      await save.mutateAsync({ id: notice?.id, input: toNoticeInput(values) });
      message.success(notice ? "公告已修改" : "公告已发布");
      onClose();
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const previewImage = v?.image?.find((f) => f.url)?.url;
  return (
    <Modal
      open
      title={notice ? "修改公告" : "发布公告"}
      width={1080}
      okText={notice ? "保存修改" : "发布"}
      cancelText="取消"
      confirmLoading={save.isPending}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Row gutter={24}>
        <Col span={14}>
          <Form<Values> form={form} layout="vertical" initialValues={initial(notice)} requiredMark>
            <Form.Item
              name="title"
              label="标题"
              rules={[
                { required: true, whitespace: true, message: "请填写标题" },
                { max: NOTICE_TITLE_MAX, message: `标题不能超过${NOTICE_TITLE_MAX}个字` },
              ]}
            >
              <Input maxLength={NOTICE_TITLE_MAX} showCount />
            </Form.Item>
            <Row gutter={12}>
              <Col span={10}>
                <Form.Item name="kind" label="类别" rules={[{ required: true }]}>
                  <Select options={NOTICE_KINDS.map((k) => ({ value: k, label: NOTICE_KIND_LABELS[k] }))} />
                </Form.Item>
              </Col>
              <Col span={14}>
                <Form.Item name="audience" label="发布范围" rules={[{ required: true }]}>
                  <Radio.Group
                    optionType="button"
                    options={NOTICE_AUDIENCES.map((a) => ({ value: a, label: NOTICE_AUDIENCE_LABELS[a] }))}
                  />
                </Form.Item>
              </Col>
            </Row>
            {audience === "communities" && (
              <Form.Item
                name="communityIds"
                label="小区"
                rules={[{ required: true, type: "array", min: 1, message: "请至少选择一个小区" }]}
              >
                <Select
                  mode="multiple"
                  showSearch={{ optionFilterProp: "label" }}
                  loading={communities.isPending}
                  options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                />
              </Form.Item>
            )}
            {audience === "stations" && (
              <Form.Item
                name="stationIds"
                label="换热站"
                rules={[{ required: true, type: "array", min: 1, message: "请至少选择一个换热站" }]}
              >
                <Select
                  mode="multiple"
                  showSearch={{ optionFilterProp: "label" }}
                  loading={stations.isPending}
                  options={(stations.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
                />
              </Form.Item>
            )}
            {v?.kind === "outage" && audience === "stations" && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                title="发布后，所选换热站供热楼栋的已绑定居民将收到“我的消息”，已授权订阅的居民同时收到订阅消息（每人每条公告一次）。"
              />
            )}
            <Form.Item
              name="body"
              label="正文"
              extra="空一行另起一段；行首“- ”为列表项；**文字** 为加粗。不支持其他格式。"
              rules={[
                { required: true, whitespace: true, message: "请填写正文" },
                { max: NOTICE_BODY_MAX, message: `正文不能超过${NOTICE_BODY_MAX}个字` },
              ]}
            >
              <Input.TextArea rows={8} maxLength={NOTICE_BODY_MAX} showCount />
            </Form.Item>
            <Row gutter={12}>
              <Col span={9}>
                <Form.Item name="publishAt" label="发布时间（北京时间）" extra="不填则立即发布">
                  <Input type="datetime-local" />
                </Form.Item>
              </Col>
              <Col span={9}>
                <Form.Item name="expireAt" label="过期时间（北京时间）" extra="不填则一直显示">
                  <Input type="datetime-local" />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="pinned" label="置顶" valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item
              name="image"
              label="图片（可选）"
              valuePropName="fileList"
              getValueFromEvent={(e: { fileList: UploadFile<NoticeImageView>[] }) => e.fileList}
            >
              <ImageUpload />
            </Form.Item>
          </Form>
        </Col>
        <Col span={10}>
          <Typography.Text type="secondary">居民端预览</Typography.Text>
          <div className="notice-preview" data-testid="notice-preview">
            <div style={{ marginBottom: 8 }}>
              <Tag color={NOTICE_KIND_COLORS[v?.kind ?? "knowledge"]}>{NOTICE_KIND_LABELS[v?.kind ?? "knowledge"]}</Tag>
              {v?.pinned && <Tag color="orange">置顶</Tag>}
            </div>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {v?.title?.trim() || "（标题）"}
            </Typography.Title>
            <Typography.Text type="secondary" style={{ display: "block", marginBottom: 8 }}>
              {v?.publishAt ? v.publishAt.replace("T", " ") : "发布后显示发布时间"}
            </Typography.Text>
            {previewImage && <img src={previewImage} alt="公告图片" style={{ maxWidth: "100%", marginBottom: 8 }} />}
            <NoticeBody body={v?.body ?? ""} />
          </div>
        </Col>
      </Row>
    </Modal>
  );
}

interface ImageProps {
  id?: string;
  fileList?: UploadFile<NoticeImageView>[];
  onChange?: (files: UploadFile<NoticeImageView>[]) => void;
}

/** One image, stored at once (POST /staff/notice-images); JPG/PNG/WebP up to 5 MB. */
function ImageUpload({ id, fileList, onChange }: ImageProps) {
  const { message } = App.useApp();
  return (
    <Upload<NoticeImageView>
      id={id}
      listType="picture-card"
      accept={UPLOAD_LIMITS.types.join(",")}
      maxCount={1}
      fileList={fileList ?? []}
      onChange={({ fileList: next }) =>
        onChange?.(
          next.map((f) => (f.status === "done" && f.response && !f.url ? { ...f, url: fileUrl(f.response.url) } : f)),
        )
      }
      beforeUpload={(file) => {
        if (!(UPLOAD_LIMITS.types as readonly string[]).includes(file.type)) {
          message.error("只能上传JPG、PNG或WebP格式的图片");
          return Upload.LIST_IGNORE;
        }
        if (file.size > UPLOAD_LIMITS.maxBytes) {
          message.error("图片不能超过5MB");
          return Upload.LIST_IGNORE;
        }
        return true;
      }}
      customRequest={({ file, onSuccess, onError }) => {
        uploadNoticeImage(file as File).then(
          (image) => onSuccess?.(image),
          (e: unknown) => {
            message.error(messageOf(e));
            onError?.(e instanceof Error ? e : new Error(messageOf(e)));
          },
        );
      }}
    >
      {(fileList?.length ?? 0) >= 1 ? null : (
        <button type="button" style={{ border: 0, background: "none", cursor: "pointer" }}>
          <PlusOutlined />
          <div style={{ marginTop: 8 }}>上传图片</div>
        </button>
      )}
    </Upload>
  );
}
