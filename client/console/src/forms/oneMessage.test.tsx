import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Button, Form } from "antd";
import { describe, expect, it } from "vitest";
import { type CallValues, CallForm } from "../pages/hotline/CallForm";
import { Providers } from "../Providers";

/** The messages under the field whose input has this id. */
const messagesOf = (id: string) =>
  [
    ...((document.getElementById(id) as HTMLElement).closest(".ant-form-item") as HTMLElement).querySelectorAll(
      ".ant-form-item-explain-error",
    ),
  ].map((e) => e.textContent);

function CallFormHarness() {
  const [form] = Form.useForm<CallValues>();
  return (
    <>
      <CallForm form={form} onValuesChange={() => undefined} />
      <Button onClick={() => void form.validateFields().catch(() => undefined)}>检查</Button>
    </>
  );
}

describe("one message a field", () => {
  it("来电登记: an empty phone or time says that it is missing, once, and the message goes when it is filled in", async () => {
    const user = userEvent.setup();
    render(
      <Providers>
        <CallFormHarness />
      </Providers>,
    );
    fireEvent.change(document.getElementById("call-time") as HTMLInputElement, { target: { value: "" } });
    await user.click(screen.getByRole("button", { name: "检查" }));
    await waitFor(() => expect(messagesOf("call-phone")).toEqual(["请填写来电号码"]));
    await waitFor(() => expect(messagesOf("call-time")).toEqual(["请填写来电时间"]));

    await user.type(document.getElementById("call-phone") as HTMLInputElement, "12");
    await waitFor(() => expect(messagesOf("call-phone")).toEqual(["来电号码格式不正确"]));
    await user.type(document.getElementById("call-phone") as HTMLInputElement, "3456789");
    await waitFor(() => expect(messagesOf("call-phone")).toEqual([]));
    fireEvent.change(document.getElementById("call-time") as HTMLInputElement, {
      target: { value: "2026-01-10T14:20" },
    });
    await waitFor(() => expect(messagesOf("call-time")).toEqual([]));
  });
});
