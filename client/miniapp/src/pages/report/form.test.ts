import { describe, expect, it } from "vitest";
import { ApiError } from "../../services/errors";
import {
  asksTemperature,
  changedReportFields,
  emptyReportForm,
  type PhotoItem,
  parseIndoorTemp,
  photoIdsOf,
  photosBlocking,
  recheckReport,
  type ReportForm,
  reportFailure,
  subscribeTemplates,
  validateReport,
  withAccount,
} from "./form";

const filled = {
  ...emptyReportForm(3),
  category: "cold_room" as const,
  description: "卧室暖气片不热，室温偏低",
  contactPhone: "13912345678",
};

describe("parseIndoorTemp", () => {
  it.each([
    ["17.5", 175],
    ["16.5", 165],
    ["17", 170],
    ["17.", 170],
    [".5", 5],
    ["0", 0],
    ["40", 400],
    ["40.0", 400],
    [" 18.2 ", 182],
    ["18.2℃", 182],
    ["18,5", 185],
    ["018.5", 185],
  ])("%s → %i tenths", (text, c10) => {
    expect(parseIndoorTemp(text)).toEqual({ c10 });
  });

  it("takes an empty field as no reading", () => {
    expect(parseIndoorTemp("")).toEqual({ c10: null });
    expect(parseIndoorTemp("   ")).toEqual({ c10: null });
  });

  it("refuses readings outside 0–40 ℃", () => {
    expect(parseIndoorTemp("40.1")).toEqual({ error: "室内温度应在0–40℃之间" });
    expect(parseIndoorTemp("185")).toEqual({ error: "室内温度应在0–40℃之间" });
    expect(parseIndoorTemp("-2")).toEqual({ error: "室内温度应在0–40℃之间" });
  });

  it("refuses more than one decimal and what is not a number", () => {
    expect(parseIndoorTemp("17.55")).toEqual({ error: "温度精确到0.1℃即可，如 17.5" });
    expect(parseIndoorTemp("很冷")).toEqual({ error: "请输入数字，如 17.5" });
    expect(parseIndoorTemp(".")).toEqual({ error: "请输入数字，如 17.5" });
    expect(parseIndoorTemp("1.2.3")).toEqual({ error: "请输入数字，如 17.5" });
  });
});

describe("validateReport", () => {
  it("asks for the reading only for 室温不达标 and 不热", () => {
    expect(asksTemperature("cold_room")).toBe(true);
    expect(asksTemperature("no_heat")).toBe(true);
    expect(asksTemperature("leak")).toBe(false);
    expect(asksTemperature(null)).toBe(false);
  });

  it("builds the body: reading in tenths, trimmed contact time, the photo ids", () => {
    const out = validateReport({ ...filled, indoorTemp: "16.5", contactTime: " 18:00以后 " }, [11, 12]);
    expect(out).toEqual({
      input: {
        accountId: 3,
        category: "cold_room",
        indoorTempC10: 165,
        description: "卧室暖气片不热，室温偏低",
        preferredContactTime: "18:00以后",
        contactPhone: "13912345678",
        photoIds: [11, 12],
      },
    });
  });

  it("leaves out what was not given, and a reading left over from another category", () => {
    const phone = { contactPhone: "13912345678" };
    expect(validateReport({ ...filled, category: "leak", indoorTemp: "16.5" }, [])).toEqual({
      input: { accountId: 3, category: "leak", description: "卧室暖气片不热，室温偏低", ...phone },
    });
    expect(validateReport({ ...filled, indoorTemp: "" }, [])).toEqual({
      input: { accountId: 3, category: "cold_room", description: "卧室暖气片不热，室温偏低", ...phone },
    });
  });

  it("gives the messages under the fields", () => {
    expect(validateReport(emptyReportForm(), [])).toEqual({
      fields: {
        accountId: "请选择户号",
        category: "请选择问题类型",
        description: "请描述问题（至少5个字）",
        contactPhone: "请填写联系电话",
      },
    });
    expect(validateReport({ ...filled, indoorTemp: "45" }, [])).toEqual({
      fields: { indoorTemp: "室内温度应在0–40℃之间" },
    });
  });
});

describe("reportFailure", () => {
  it("puts VALIDATION_FAILED details under the form's fields", () => {
    const invalid = new ApiError({
      code: "VALIDATION_FAILED",
      status: 400,
      message: "提交的信息有误，请检查后重试",
      details: [
        { path: ["indoorTempC10"], message: "室内温度读数不合理" },
        { path: ["photoIds", 0], message: "照片不存在" },
      ],
    });
    expect(reportFailure(invalid)).toEqual({
      message: "",
      fields: { indoorTemp: "室内温度读数不合理", photos: "照片不存在" },
    });
  });

  it("shows other refusals above the button, a lost photo under the photos", () => {
    const notMine = new ApiError({ code: "ACCOUNT_NOT_FOUND", status: 404, message: "供热账户不存在" });
    expect(reportFailure(notMine)).toEqual({ message: "供热账户不存在", fields: {} });
    const lost = new ApiError({ code: "PHOTO_NOT_FOUND", status: 404, message: "照片不存在或已失效，请重新上传" });
    expect(reportFailure(lost)).toEqual({ message: "", fields: { photos: "照片不存在或已失效，请重新上传" } });
    expect(reportFailure(new Error("x")).message).toBe("系统繁忙，请稍后再试");
  });
});

describe("photos on the form", () => {
  const item = (key: string, state: PhotoItem["state"], id?: number): PhotoItem => ({
    key,
    state,
    picked: { preview: `wxfile://${key}.jpg`, size: 10 },
    ...(id ? { photo: { id, url: `/f/${id}`, mime: "image/jpeg", size: 10 } } : {}),
  });

  it("sends the uploaded ones", () => {
    expect(photoIdsOf([item("a", "done", 11), item("b", "failed"), item("c", "done", 12)])).toEqual([11, 12]);
  });

  it("waits for uploads and for failed photos to be removed", () => {
    expect(photosBlocking([item("a", "done", 11)])).toBeNull();
    expect(photosBlocking([])).toBeNull();
    expect(photosBlocking([item("a", "done", 11), item("b", "uploading")])).toBe("照片正在上传，请稍候");
    expect(photosBlocking([item("b", "failed")])).toBe("有照片上传失败，请删除后再提交");
  });
});

describe("subscribeTemplates", () => {
  it("asks for both messages with this build's ids", () => {
    expect(subscribeTemplates({ ticket_progress: "wx-tpl-1", follow_up_due: "wx-tpl-2" })).toEqual([
      { template: "ticket_progress", id: "wx-tpl-1" },
      { template: "follow_up_due", id: "wx-tpl-2" },
    ]);
  });

  it("never asks for a placeholder (templates not approved yet)", () => {
    expect(subscribeTemplates()).toEqual([]);
    expect(subscribeTemplates({ ticket_progress: "wx-tpl-1", follow_up_due: "" })).toEqual([
      { template: "ticket_progress", id: "wx-tpl-1" },
    ]);
  });
});

describe("messages while the resident fixes the form", () => {
  const uploading: PhotoItem = { key: "a", state: "uploading", picked: { preview: "wxfile://a.jpg", size: 10 } };
  const uploaded: PhotoItem = {
    ...uploading,
    state: "done",
    photo: { id: 11, url: "/f/11", mime: "image/jpeg", size: 10 },
  };
  /** what 提交 showed for an empty form */
  const submitted = validateReport(emptyReportForm(), []);
  const shown = "fields" in submitted ? submitted.fields : {};

  /** the messages after the resident changed `before` into `after` */
  const recheckOf = (before: ReportForm, next: ReportForm, messages = shown, photos: PhotoItem[] = []) =>
    recheckReport(messages, next, photos, changedReportFields(before, next));

  it("a message goes as soon as its field is valid; the others stay until the next 提交", () => {
    const empty = emptyReportForm();
    const described = { ...empty, description: "卧室暖气片不热" };
    const left = { accountId: "请选择户号", category: "请选择问题类型", contactPhone: "请填写联系电话" };
    expect(recheckOf(empty, described)).toEqual(left);
    const chosen = { ...described, accountId: 3, category: "leak" as const };
    expect(recheckOf(described, chosen, left)).toEqual({ contactPhone: "请填写联系电话" });
    // picking an account with a register phone fills the phone in: its message goes too
    expect(recheckOf(described, withAccount(chosen, 3, "139********"), left)).toEqual({});
  });

  it("a message follows the field while it is still wrong", () => {
    const short = { ...filled, description: "不热" };
    const messages = { description: "请描述问题（至少5个字）" };
    expect(recheckOf(filled, short, messages)).toEqual(messages);
    expect(recheckOf(short, { ...short, description: "" }, messages)).toEqual(messages);
    expect(recheckOf(short, { ...short, description: "暖气片不热了" }, messages)).toEqual({});
  });

  it("the reading: fixed, or no longer asked for with another category", () => {
    const bad = { ...filled, indoorTemp: "很冷" };
    const messages = { indoorTemp: "请输入数字，如 17.5" };
    expect(recheckOf(bad, { ...bad, indoorTemp: "17.55" }, messages)).toEqual({
      indoorTemp: "温度精确到0.1℃即可，如 17.5",
    });
    expect(recheckOf(bad, { ...bad, indoorTemp: "17.5" }, messages)).toEqual({});
    expect(recheckOf(bad, { ...bad, category: "leak" }, messages)).toEqual({});
  });

  it("an untouched field keeps the server's message", () => {
    const messages = { contactTime: "联系时间过长", description: "请描述问题（至少5个字）" };
    expect(recheckOf(filled, { ...filled, description: "卧室暖气片不热了" }, messages)).toEqual({
      contactTime: "联系时间过长",
    });
  });

  it("照片正在上传 goes once the upload is done", () => {
    const messages = { photos: "照片正在上传，请稍候" };
    expect(recheckReport(messages, filled, [uploading], changedReportFields(filled, filled, true))).toEqual(messages);
    expect(recheckReport(messages, filled, [uploaded], changedReportFields(filled, filled, true))).toEqual({});
    // nothing changed, nothing rechecked
    expect(changedReportFields(filled, { ...filled })).toEqual([]);
  });
});

describe("联系电话", () => {
  const blank = { ...filled, category: "leak" as const, contactPhone: "" };
  const base = withAccount(blank, 3, "139********");

  it("is prefilled with the account's register phone (masked), which the server then takes", () => {
    expect(base.contactPhone).toBe("139********");
    const checked = validateReport(base, []);
    expect("input" in checked && checked.input.contactPhone).toBeUndefined();
  });

  it("follows the chosen account until the resident types a number of their own", () => {
    expect(withAccount(base, 4, "138********").contactPhone).toBe("138********");
    expect(withAccount(base, 4, null).contactPhone).toBe("");
    const typed = { ...base, contactPhone: "0936-4466666" };
    expect(withAccount(typed, 4, "138********").contactPhone).toBe("0936-4466666");
    const checked = validateReport(typed, []);
    expect("input" in checked && checked.input.contactPhone).toBe("0936-4466666");
  });

  it("says one thing for an empty field and another for a wrong number", () => {
    const none = withAccount(blank, 3, null);
    expect(validateReport(none, [])).toEqual({ fields: { contactPhone: "请填写联系电话" } });
    const wrong = validateReport({ ...base, contactPhone: "139****1234" }, []);
    expect("fields" in wrong && wrong.fields.contactPhone).toContain("请填写正确的手机号或带区号的固定电话");
  });
});
