import { DISPATCH_ROLES, GradeSchema } from "@warmline/shared";
import { defineAction } from "./types";

/** 调整事故等级: the grade sets the resolution budget (一般 / 较大 / 重大). */
export const grade = defineAction({
  verb: "grade",
  path: "grade",
  summary: "调整事故等级",
  input: GradeSchema,
  roles: DISPATCH_ROLES,
  states: ["new", "responded", "dispatched", "on_site", "resolved"],
  events: ["graded"],
  async apply({ ticket, record }, input) {
    await record("graded", { grade: input.grade, reason: input.reason });
    ticket.grade = input.grade;
  },
});
