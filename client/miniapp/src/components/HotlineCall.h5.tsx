import { Text, View } from "@tarojs/components";
import { HOTLINE } from "../constants";

/** 24-hour hotline on H5: a tel: link, which phones' browsers dial (HotlineCall.tsx is the mini-program one). */
export function HotlineCall() {
  return (
    <a className="hotline-call-row hotline-tel" href={`tel:${HOTLINE.dial}`}>
      <View>
        <Text className="hotline-label">24小时供热服务热线</Text>
        <Text className="hotline-number">{HOTLINE.display}</Text>
      </View>
      <Text className="hotline-call">拨打</Text>
    </a>
  );
}
