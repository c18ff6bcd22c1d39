import { QuestionCircleOutlined } from "@ant-design/icons";
import {
  rateFormula,
  SERVICE_RATE_COUNT_LABELS,
  SERVICE_RATE_DEFINITIONS,
  SERVICE_RATE_SCOPE,
  type ServiceRateDefinition,
  type ServiceRateRow,
} from "@warmline/shared";
import { Card, Col, Collapse, Row, Tag, Tooltip, Typography } from "antd";
import { formatRate } from "../tickets";

/** The full definition of a rate, for a tooltip: formula, numerator, denominator, note. */
export function RateDefinition({ d }: { d: ServiceRateDefinition }) {
  return (
    <div className="rate-definition">
      <div>
        <strong>
          {d.name} = {rateFormula(d)}
        </strong>
      </div>
      <div>分子 {d.numerator}</div>
      <div>分母 {d.denominator}</div>
      <div>{d.rule}</div>
    </div>
  );
}

/** A rate's title with a help icon whose tooltip is the definition (table headers use it too). */
export function RateTitle({ d }: { d: ServiceRateDefinition }) {
  return (
    <Tooltip title={<RateDefinition d={d} />} styles={{ root: { maxWidth: 420 } }}>
      <span className={`rate-title rate-title-${d.key}`}>
        {d.name} <QuestionCircleOutlined aria-label={`${d.name}口径`} style={{ color: "rgba(0,0,0,0.45)" }} />
      </span>
    </Tooltip>
  );
}

/**
 * The four rates of the range (the report's 合计 row) as cards: the rate, its numerator and denominator
 * counted, the plan's target, and a one-line definition; the rules for all rates below, folded.
 */
export function ServiceRateCards({ total }: { total: ServiceRateRow }) {
  return (
    <div className="service-rate-cards">
      <Row gutter={[16, 16]}>
        {SERVICE_RATE_DEFINITIONS.map((d) => {
          const n = total[d.numeratorField];
          const den = total[d.denominatorField];
          return (
            <Col key={d.key} xs={24} sm={12} xl={6}>
              <Card size="small" className={`rate-card rate-card-${d.key}`} style={{ height: "100%" }}>
                <div style={{ display: "flex", justifyContent: "space-between", alignItems: "baseline" }}>
                  <RateTitle d={d} />
                  {d.target && <Tag color="blue">目标 {d.target}</Tag>}
                </div>
                <div className="rate-card-value" style={{ fontSize: 28, fontWeight: 600, lineHeight: "40px" }}>
                  {formatRate(total[d.rateField])}
                </div>
                <div className="rate-card-counts">
                  {d.key === "satisfaction" ? "满意" : SERVICE_RATE_COUNT_LABELS[d.numeratorField]} {n} /{" "}
                  {SERVICE_RATE_COUNT_LABELS[d.denominatorField]} {den}
                </div>
                <Typography.Text type="secondary" className="rate-card-help" style={{ fontSize: 12 }}>
                  {d.key === "satisfaction" && `满意含基本满意 ${total.basicSatisfied} 件。`}
                  {d.denominator}
                </Typography.Text>
              </Card>
            </Col>
          );
        })}
      </Row>
      <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0" }} className="rate-aside">
        合并重复 {total.duplicates} 件不计入任何比率；无法联系 {total.unreachable} 件不计入解决率、满意率。
      </Typography.Paragraph>
      <Collapse
        size="small"
        ghost
        className="rate-scope"
        items={[
          {
            key: "scope",
            label: "统计口径（各比率的分子、分母与无法联系规则）",
            children: (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {SERVICE_RATE_DEFINITIONS.map((d) => (
                  <li key={d.key}>
                    <RateDefinition d={d} />
                  </li>
                ))}
                {SERVICE_RATE_SCOPE.map((rule) => (
                  <li key={rule}>{rule}</li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </div>
  );
}
