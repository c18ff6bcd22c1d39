import {
  ACCOUNT_CATEGORIES,
  ACCOUNT_CATEGORY_LABELS,
  type AccountCategory,
  type CreateSeasonInput,
  SeasonCodeSchema,
  defaultDueDate,
  fenToYuan,
  isBizDate,
} from "@warmline/shared";
import { Alert, App, Col, Divider, Form, Input, InputNumber, Modal, Row, Typography } from "antd";
import { messageOf } from "../api/api";
import type { Season } from "../api/billing";
import { yuanRule } from "../forms/yuanRule";
import { zodRule } from "../forms/zodRule";
import { fenOf, parsePercentBp } from "../money";
import { useCreateSeason } from "../queries/billing";

type TariffValues = Record<AccountCategory, { price: string; share: string }>;

interface Values {
  code: string;
  dueDate?: string;
  lateFeeRateBp: number;
  lateFeeCapPercent: string;
  tariffs: TariffValues;
}

interface Props {
  open: boolean;
  /** seasons that exist, newest first: the next code and the prices are suggested from the newest */
  seasons: Season[];
  onClose: () => void;
  onCreated: (season: Season) => void;
}

/** "2025-2026" → "2026-2027" */
export function nextSeasonCode(code: string | undefined, today = new Date()): string {
  const y = code && /^\d{4}-\d{4}$/.test(code) ? Number(code.slice(0, 4)) + 1 : today.getFullYear();
  return `${y}-${y + 1}`;
}

const percentRule = {
  validator: async (_r: unknown, value: string | undefined) => {
    const r = parsePercentBp(value);
    if (!r.ok) throw new Error(r.message);
  },
};

function initialValues(seasons: Season[]): Values {
  const latest = seasons[0];
  const tariffs = {} as TariffValues;
  for (const c of ACCOUNT_CATEGORIES) {
    const t = latest?.tariffs.find((x) => x.category === c);
    tariffs[c] = {
      price: t ? fenToYuan(t.unitPriceFen) : "",
      share: t ? fenToYuan(t.suspensionShareBp).replace(/\.?0+$/, "") : "30",
    };
  }
  return {
    code: nextSeasonCode(latest?.code),
    dueDate: "",
    lateFeeRateBp: latest?.lateFeeRateBp ?? 5,
    lateFeeCapPercent: latest ? fenToYuan(latest.lateFeeCapBp).replace(/\.?0+$/, "") : "100",
    tariffs,
  };
}

/** Builds the request: prices in 元/m² → fen per m², shares in % → 1/10000, all exact. */
export function toCreateSeasonInput(v: Values): CreateSeasonInput {
  const cap = parsePercentBp(v.lateFeeCapPercent);
  return {
    code: v.code.trim(),
    dueDate: v.dueDate?.trim() || undefined,
    lateFeeRateBp: v.lateFeeRateBp,
    lateFeeCapBp: cap.ok ? cap.fen : 10_000,
    tariffs: ACCOUNT_CATEGORIES.map((category) => {
      const share = parsePercentBp(v.tariffs[category].share);
      return {
        category,
        unitPriceFen: fenOf(v.tariffs[category].price),
        suspensionShareBp: share.ok ? share.fen : 3_000,
      };
    }),
  };
}

function SeasonSummary({ input }: { input: CreateSeasonInput }) {
  return (
    <div className="season-summary">
      <p>缴费截止日：{input.dueDate ?? defaultDueDate(input.code)}</p>
      <p>
        滞纳金：
        {input.lateFeeRateBp > 0
          ? `每日万分之${input.lateFeeRateBp}，上限为本金的 ${input.lateFeeCapBp / 100}%`
          : "不收"}
      </p>
      {input.tariffs.map((t) => (
        <p key={t.category}>
          {ACCOUNT_CATEGORY_LABELS[t.category]}：{fenToYuan(t.unitPriceFen)} 元/m²（报停基础费{" "}
          {t.suspensionShareBp / 100}%）
        </p>
      ))}
      <Typography.Text type="secondary">创建后、开具账单前仍可删除。</Typography.Text>
    </div>
  );
}

/** 新建供热季: code, due date, late fee policy and the three categories' prices in 元/m². */
export function SeasonCreateModal({ open, seasons, onClose, onCreated }: Props) {
  const [form] = Form.useForm<Values>();
  const create = useCreateSeason();
  const code = Form.useWatch("code", form) ?? "";
  const codeOk = SeasonCodeSchema.safeParse(code.trim()).success;

  const { modal } = App.useApp();

  // Nothing is created until the values are read back and confirmed (a season can be deleted only until
  // its bills are issued).
  const submit = async () => {
    const input = toCreateSeasonInput(await form.validateFields());
    modal.confirm({
      title: `确认新建 ${input.code} 供热季？`,
      content: <SeasonSummary input={input} />,
      okText: "确认创建",
      cancelText: "返回修改",
      width: 520,
      onOk: async () => {
        const season = await create.mutateAsync(input).catch(() => null);
        if (!season) return;
        create.reset();
        onCreated(season);
      },
    });
  };

  return (
    <Modal
      open={open}
      title="新建供热季"
      okText="下一步：核对"
      cancelText="取消"
      width={720}
      confirmLoading={create.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={() => {
        create.reset();
        onClose();
      }}
      destroyOnHidden
    >
      {create.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(create.error)} style={{ marginBottom: 16 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={initialValues(seasons)}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => create.isError && create.reset()}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              label="供热季"
              name="code"
              htmlFor="season-code"
              rules={[zodRule(SeasonCodeSchema)]}
              extra="10月15日至次年4月15日"
            >
              <Input id="season-code" placeholder="2026-2027" maxLength={9} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label="缴费截止日"
              name="dueDate"
              htmlFor="season-due-date"
              extra={codeOk ? `不填则为 ${defaultDueDate(code.trim())}` : "不填则为供热开始前一日"}
              rules={[
                {
                  validator: async (_r, value: string | undefined) => {
                    const t = value?.trim() ?? "";
                    if (t && !isBizDate(t)) throw new Error("日期格式应为 YYYY-MM-DD");
                  },
                },
              ]}
            >
              <Input id="season-due-date" placeholder="YYYY-MM-DD" maxLength={10} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label="滞纳金（每日）"
              name="lateFeeRateBp"
              htmlFor="season-late-fee-rate"
              rules={[{ required: true, type: "integer", min: 0, max: 100, message: "应为 0 至 100 的整数" }]}
              extra="按欠缴本金每日计收，0 为不收"
            >
              <InputNumber
                id="season-late-fee-rate"
                min={0}
                max={100}
                precision={0}
                prefix="万分之"
                suffix="/日"
                style={{ width: "100%" }}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              label="滞纳金上限（本金的 %）"
              name="lateFeeCapPercent"
              htmlFor="season-late-fee-cap"
              rules={[percentRule]}
              extra="100 即不超过欠缴本金"
            >
              <Input id="season-late-fee-cap" suffix="%" maxLength={6} />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start">收费标准</Divider>
        <Typography.Paragraph type="secondary">
          单价按供热面积计，单位 元/m²（整个供热季）；报停户按全额的一定比例收取基础热费。
        </Typography.Paragraph>
        {ACCOUNT_CATEGORIES.map((c) => (
          <Row gutter={16} key={c}>
            <Col span={8}>
              <Form.Item
                label={`${ACCOUNT_CATEGORY_LABELS[c]} 单价（元/m²）`}
                name={["tariffs", c, "price"]}
                htmlFor={`tariff-${c}`}
                rules={[yuanRule({ required: true, maxFen: 100_000, maxMessage: "单价过高" })]}
              >
                <Input id={`tariff-${c}`} inputMode="decimal" suffix="元/m²" autoComplete="off" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                label="报停基础费比例"
                name={["tariffs", c, "share"]}
                htmlFor={`tariff-${c}-share`}
                rules={[percentRule]}
              >
                <Input id={`tariff-${c}-share`} inputMode="decimal" suffix="%" autoComplete="off" />
              </Form.Item>
            </Col>
          </Row>
        ))}
      </Form>
    </Modal>
  );
}
