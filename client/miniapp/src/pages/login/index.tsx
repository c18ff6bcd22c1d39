import { Button, Text, View } from "@tarojs/components";
import Taro, { useRouter } from "@tarojs/taro";
import type { LoginProvider } from "@warmline/shared";
import { useEffect, useState } from "react";
import { BRAND, PAGES } from "../../constants";
import { loginResident } from "../../services/auth";
import { describeError } from "../../services/errors";
import { type LoginCode, platformLogin } from "../../services/login";
import { isSignedIn } from "../../services/tokens";
import "./index.scss";

const BUTTON_LABELS: Record<LoginProvider, string> = { wechat: "微信登录", alipay: "支付宝登录" };

export default function LoginPage() {
  const router = useRouter();
  const [busy, setBusy] = useState<LoginProvider | null>(null);
  const [error, setError] = useState("");

  async function finish(login: LoginCode) {
    setBusy(login.provider);
    setError("");
    try {
      await loginResident(login);
      await Taro.reLaunch({ url: PAGES.home });
    } catch (err) {
      setError(describeError(err));
      setBusy(null);
    }
  }

  // Coming back from the H5 provider page with a code, or already signed in.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per page load
  useEffect(() => {
    let returned: LoginCode | null = null;
    try {
      returned = platformLogin.takeReturnedCode(router.params);
    } catch (err) {
      setError(describeError(err));
      return;
    }
    if (returned) void finish(returned);
    else if (isSignedIn()) void Taro.reLaunch({ url: PAGES.home });
  }, []);

  async function start(provider: LoginProvider) {
    setBusy(provider);
    setError("");
    try {
      const login = await platformLogin.requestCode(provider);
      if (login) await finish(login);
    } catch (err) {
      setError(describeError(err));
      setBusy(null);
    }
  }

  return (
    <View className="page page-login">
      <View className="brand">
        <Text className="brand-mark">暖</Text>
        <Text className="brand-name">{BRAND}</Text>
        <Text className="brand-line">绑定供热户号，查看账户信息、接收供热通知，足不出户办理供热业务。</Text>
      </View>
      {platformLogin.providers.map((provider) => (
        <Button
          key={provider}
          className={`btn ${provider === "wechat" ? "btn-primary" : "btn-plain"}${busy ? " is-busy" : ""}`}
          loading={busy === provider}
          disabled={busy !== null}
          onClick={() => void start(provider)}
        >
          {BUTTON_LABELS[provider]}
        </Button>
      ))}
      {error ? <Text className="error-text login-error">{error}</Text> : null}
      <Text className="muted login-note">登录即表示您同意我们依法处理您的供热账户信息</Text>
    </View>
  );
}
