import { z } from "zod";

/**
 * zod's own messages (where a schema names none) in plain Chinese a resident can read. zod's zh-CN locale
 * keeps type names in English ("期望 string，实际接收 数字"); this map says what the field should be instead
 * and falls back to the locale for the rare issue kinds it does not name.
 */
const fallback = z.locales.zhCN().localeError;

const TYPE_NAMES: Record<string, string> = {
  string: "文本",
  number: "数字",
  int: "整数",
  bigint: "整数",
  boolean: "是或否",
  array: "列表",
  object: "对象",
  date: "日期",
  tuple: "列表",
  record: "对象",
  map: "对象",
  set: "列表",
  file: "文件",
  nan: "数字",
};

const FORMAT_NAMES: Record<string, string> = {
  email: "电子邮箱",
  url: "网址",
  uuid: "UUID",
  datetime: "日期时间（ISO 8601，如 2026-12-03T08:00:00+08:00）",
  date: "日期（如 2026-12-03）",
  time: "时间（如 08:30）",
  regex: "规定格式",
  starts_with: "规定格式",
  ends_with: "规定格式",
  includes: "规定格式",
  ipv4: "IPv4 地址",
  ipv6: "IPv6 地址",
  base64: "Base64 文本",
};

type Issue = Parameters<typeof fallback>[0];

function sizeWord(origin: unknown): { unit: string; what: string } {
  switch (origin) {
    case "string":
      return { what: "长度", unit: "个字" };
    case "array":
    case "set":
      return { what: "数量", unit: "项" };
    case "file":
      return { what: "大小", unit: "字节" };
    default:
      return { what: "数值", unit: "" };
  }
}

export const chineseZodMessages = (issue: Issue): { message: string } | string | undefined | null => {
  const i = issue as Issue & Record<string, unknown>;
  switch (i.code) {
    case "invalid_type": {
      if (i.input === undefined) return "此项必填";
      const want = TYPE_NAMES[String(i.expected)] ?? "正确的类型";
      return i.input === null ? `不能为空，应为${want}` : `格式不正确，应为${want}`;
    }
    case "too_big": {
      const { what, unit } = sizeWord(i.origin);
      return `${what}不能超过 ${String(i.maximum)}${unit}`;
    }
    case "too_small": {
      const { what, unit } = sizeWord(i.origin);
      if (i.origin === "string" && Number(i.minimum) === 1) return "此项不能为空";
      return `${what}不能少于 ${String(i.minimum)}${unit}`;
    }
    case "invalid_format":
      return `格式不正确，应为${FORMAT_NAMES[String(i.format)] ?? "规定格式"}`;
    case "invalid_value":
      return "取值不在允许的范围内";
    case "not_multiple_of":
      return `应为 ${String(i.divisor)} 的整数倍`;
    case "unrecognized_keys":
      return `不认识的字段：${((i.keys as string[] | undefined) ?? []).join("、")}`;
    case "invalid_union":
      return "格式不正确";
    case "invalid_key":
    case "invalid_element":
      return "包含不正确的项";
    default:
      return fallback(issue);
  }
};
