import type { PlatformSubscribe } from "./subscribe";

/** H5: there are no subscribe messages in a browser; nothing to ask. */
export const platformSubscribe: PlatformSubscribe = {
  ask: () => Promise.resolve([]),
};
