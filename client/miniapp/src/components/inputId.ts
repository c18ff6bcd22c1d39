/**
 * Props that give an Input a stable id on the element one actually types into. On H5 Taro wraps the
 * native <input> in <taro-input-core>, so the id goes to the inner input (browser tests can
 * `fill("#accountNo", …)`); on the mini-programs the Input is the native input itself.
 */
export function inputIdProps(id: string): { id: string } | { nativeProps: { id: string } } {
  return process.env.TARO_ENV === "h5" ? { nativeProps: { id } } : { id };
}
