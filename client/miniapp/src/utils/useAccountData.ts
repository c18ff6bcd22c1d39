import { useDidShow, useRouter } from "@tarojs/taro";
import { useState } from "react";
import { describeError } from "../services/errors";
import { positiveId } from "./params";

/** Loads something of the account named by `?accountId=` each time the page shows; errors as text. */
export function useAccountData<T>(fetch: (accountId: number) => Promise<T>) {
  const { params } = useRouter();
  const accountId = positiveId(params.accountId);
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState("");

  async function load() {
    if (accountId === null) {
      setError("户号信息不存在");
      return;
    }
    try {
      setData(await fetch(accountId));
      setError("");
    } catch (err) {
      setError(describeError(err));
    }
  }

  useDidShow(() => {
    void load();
  });

  return { accountId, data, error };
}
