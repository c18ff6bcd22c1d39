import { passwordProblems, PASSWORD_RULES_TEXT } from "@warmline/shared";
import { Form, Input, type FormRule } from "antd";

/** an antd rule: the shared password rules (the server applies the same), with the user name the form knows */
export function passwordRule(username: () => string | undefined): FormRule {
  return {
    validator: async (_r, value: unknown) => {
      const text = typeof value === "string" ? value : "";
      if (!text) throw new Error("请输入密码");
      const problems = passwordProblems(text, username());
      if (problems.length) throw new Error(problems.join("；"));
    },
  };
}

interface Props {
  /** field name of the new password */
  name: string;
  label: string;
  username: () => string | undefined;
  /** the repeat field, checked against the first */
  confirmName?: string;
  autoComplete?: string;
}

/** a new password and, optionally, its repetition, with the rules as the hint */
export function PasswordFields({ name, label, username, confirmName, autoComplete = "new-password" }: Props) {
  return (
    <>
      <Form.Item label={label} name={name} extra={PASSWORD_RULES_TEXT} rules={[passwordRule(username)]} validateFirst>
        <Input.Password id={name} autoComplete={autoComplete} />
      </Form.Item>
      {confirmName && (
        <Form.Item
          label="再次输入"
          name={confirmName}
          dependencies={[name]}
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_r, value: unknown) => {
                if (!value) throw new Error("请再次输入新密码");
                if (value !== getFieldValue(name)) throw new Error("两次输入的密码不一致");
              },
            }),
          ]}
        >
          <Input.Password id={confirmName} autoComplete={autoComplete} />
        </Form.Item>
      )}
    </>
  );
}
