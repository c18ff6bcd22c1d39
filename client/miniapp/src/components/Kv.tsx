import { Text, View } from "@tarojs/components";
import type { ReactNode } from "react";

interface Props {
  label: string;
  children: ReactNode;
  /** extra class on the value, e.g. amount-danger */
  valueClass?: string;
  strong?: boolean;
}

/** One label / value row in a card. */
export function Kv({ label, children, valueClass, strong }: Props) {
  return (
    <View className={`kv${strong ? " kv-strong" : ""}`}>
      <Text className="kv-label">{label}</Text>
      <View className={`kv-value${valueClass ? ` ${valueClass}` : ""}`}>{children}</View>
    </View>
  );
}
