import { Text, View } from "@tarojs/components";
import Taro from "@tarojs/taro";
import { HOTLINE } from "../constants";

/** 24-hour hotline: a tap calls it (wx.makePhoneCall / my.makePhoneCall). The H5 build uses HotlineCall.h5.tsx. */
export function HotlineCall() {
  return (
    <View className="hotline-call-row" onClick={() => void Taro.makePhoneCall({ phoneNumber: HOTLINE.dial })}>
      <View>
        <Text className="hotline-label">24小时供热服务热线</Text>
        <Text className="hotline-number">{HOTLINE.display}</Text>
      </View>
      <Text className="hotline-call">拨打</Text>
    </View>
  );
}
