import { Button, Input, Picker, Text, View } from "@tarojs/components";
import Taro from "@tarojs/taro";
import { BIND_FACTOR_LABELS, BIND_FACTORS, type BindFactor } from "@warmline/shared";
import { useEffect, useRef, useState } from "react";
import { inputIdProps } from "../../components/inputId";
import { bindAccount } from "../../services/accounts";
import { changedFields } from "../../utils/fieldErrors";
import { type FieldErrors, VALUE_PLACEHOLDERS, bindFailure, recheckBind, validateBind } from "./bindErrors";
import { returnToAccounts } from "./navigation";
import "./index.scss";

const FACTOR_LABELS = BIND_FACTORS.map((f) => BIND_FACTOR_LABELS[f]);
const VALUE_INPUT_TYPES: Record<BindFactor, "text" | "number" | "idcard"> = {
  owner_name: "text",
  phone_tail: "number",
  id_tail: "idcard",
};

export default function BindPage() {
  const [accountNo, setAccountNo] = useState("");
  const [factor, setFactor] = useState<BindFactor>("owner_name");
  const [value, setValue] = useState("");
  const [fields, setFields] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  /** what the messages were last checked against */
  const checkedRef = useRef({ accountNo, factor, value });

  // a message under a field goes as soon as the field is valid (not only at the next 绑定)
  useEffect(() => {
    const input = { accountNo, factor, value };
    const changed = changedFields(checkedRef.current, input);
    checkedRef.current = input;
    if (changed.length) setFields((shown) => recheckBind(shown, input, changed));
  }, [accountNo, factor, value]);

  async function submit() {
    const input = { accountNo: accountNo.trim(), factor, value: value.trim() };
    const invalid = validateBind(input);
    setFields(invalid);
    setMessage("");
    if (Object.keys(invalid).length) return;
    setBusy(true);
    try {
      await bindAccount(input);
      await Taro.showToast({ title: "绑定成功", icon: "success", duration: 1500 });
      setTimeout(() => void returnToAccounts(), 1000);
    } catch (err) {
      const failure = bindFailure(err);
      setFields(failure.fields);
      setMessage(failure.message);
      setBusy(false);
    }
  }

  return (
    <View className="page page-bind">
      <View className="card">
        <View className="field">
          <Text className="field-label">户号</Text>
          <Input
            {...inputIdProps("accountNo")}
            className="field-input"
            type="number"
            maxlength={12}
            placeholder="请输入户号"
            value={accountNo}
            onInput={(e) => setAccountNo(e.detail.value)}
          />
          {fields.accountNo ? <Text className="error-text">{fields.accountNo}</Text> : null}
        </View>

        <View className="field">
          <Text className="field-label">验证方式</Text>
          <Picker
            mode="selector"
            range={FACTOR_LABELS}
            value={BIND_FACTORS.indexOf(factor)}
            onChange={(e) => {
              setFactor(BIND_FACTORS[Number(e.detail.value)] ?? "owner_name");
              setValue("");
            }}
          >
            <View id="factor" className="field-picker">
              {BIND_FACTOR_LABELS[factor]}
            </View>
          </Picker>
        </View>

        <View className="field">
          <Text className="field-label">{BIND_FACTOR_LABELS[factor]}</Text>
          <Input
            {...inputIdProps("factorValue")}
            className="field-input"
            type={VALUE_INPUT_TYPES[factor]}
            maxlength={factor === "owner_name" ? 32 : factor === "phone_tail" ? 4 : 6}
            placeholder={VALUE_PLACEHOLDERS[factor]}
            value={value}
            onInput={(e) => setValue(e.detail.value)}
          />
          {fields.value ? <Text className="error-text">{fields.value}</Text> : null}
        </View>

        {message ? <Text className="error-text form-error">{message}</Text> : null}
        <Button
          className={`btn btn-primary${busy ? " is-busy" : ""}`}
          loading={busy}
          disabled={busy}
          onClick={() => void submit()}
        >
          绑定
        </Button>
        <Text className="muted hint">户号可在供热缴费单或供热卡上找到。验证信息须与供热中心登记的一致。</Text>
      </View>
    </View>
  );
}
