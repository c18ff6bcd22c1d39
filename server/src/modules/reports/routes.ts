import type Router from "@koa/router";
import {
  DEFAULT_SLA_POLICY,
  SERVICE_REPORT_ROLES,
  type ServiceRatesQuery,
  ServiceRatesQuerySchema,
  ServiceRatesSchema,
  type SlaPolicy,
} from "@warmline/shared";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth } from "../../http/auth";
import { AppError, zodDetails } from "../../http/errors";
import { API_PREFIX, route } from "../../http/route";
import { audit } from "../audit";
import { serviceRates } from "./serviceRates";
import { serviceRatesCsv, serviceRatesXlsx } from "./serviceRatesExport";

export interface ReportOptions {
  /** the SLA policy the service desk runs on (DEFAULT_SLA_POLICY when the config sets none) */
  slaPolicy?: SlaPolicy;
}

export function reportRoutes(deps: Deps, opts: ReportOptions = {}) {
  const policy = opts.slaPolicy ?? DEFAULT_SLA_POLICY;
  return [
    route({
      method: "get",
      path: "/staff/reports/service-rates",
      summary: "三率统计（响应率、解决率、满意率）与办结率，按日/周/月/换热站/渠道分组",
      tags: ["reports"],
      auth: "staff",
      roles: SERVICE_REPORT_ROLES,
      query: ServiceRatesQuerySchema,
      response: ServiceRatesSchema,
      errors: [400],
      async handler({ query }) {
        return serviceRates(deps.ds, query, new Date(), policy);
      },
    }),
  ];
}

export type ReportFormat = "csv" | "xlsx";

const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** RFC 5987 value-chars: encodeURIComponent leaves ' ( ) * unencoded, which attr-char does not allow. */
function rfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment; filename="<ascii>"; filename*=UTF-8''<utf-8 name>` (RFC 6266 / 5987). */
export function attachmentDisposition(name: string, asciiFallback: string): string {
  const ascii = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}

export function reportFileNames(q: ServiceRatesQuery, format: ReportFormat): { name: string; ascii: string } {
  return {
    name: `三率统计_${q.from}_${q.to}.${format}`,
    ascii: `service-rates_${q.from}_${q.to}_${q.groupBy}.${format}`,
  };
}

/**
 * The 三率 exports (files, not JSON): GET /api/v1/staff/reports/service-rates.csv and .xlsx, same query as
 * the JSON report, Authorization header required; every export writes an audit row.
 */
export function mountReportFileRoutes(router: Router, deps: Deps, opts: ReportOptions = {}) {
  const policy = opts.slaPolicy ?? DEFAULT_SLA_POLICY;
  const serve = (format: ReportFormat) => async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", SERVICE_REPORT_ROLES);
    const parsed = ServiceRatesQuerySchema.safeParse(ctx.query);
    if (!parsed.success) {
      throw new AppError(
        "VALIDATION_FAILED",
        zodDetails(parsed.error).map((d) => ({ ...d, in: "query" })),
      );
    }
    const query = parsed.data;
    const view = await serviceRates(deps.ds, query, new Date(), policy);
    const body = format === "csv" ? Buffer.from(serviceRatesCsv(view), "utf8") : await serviceRatesXlsx(view);
    await audit(deps.ds, ctx, {
      action: "report.export",
      targetType: "report",
      targetId: "service-rates",
      details: { from: query.from, to: query.to, groupBy: query.groupBy, format },
    });
    const { name, ascii } = reportFileNames(query, format);
    ctx.status = 200;
    ctx.type = CONTENT_TYPES[format];
    ctx.set("Content-Disposition", attachmentDisposition(name, ascii));
    ctx.set("Cache-Control", "no-store");
    ctx.body = body;
  };
  router.get(`${API_PREFIX}/staff/reports/service-rates.csv`, serve("csv"));
  router.get(`${API_PREFIX}/staff/reports/service-rates.xlsx`, serve("xlsx"));
}
