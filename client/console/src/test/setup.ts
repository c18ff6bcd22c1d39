import { cleanup, configure } from "@testing-library/react";
import { afterEach, vi } from "vitest";
import { sessionTokens } from "../api/tokens";

afterEach(() => {
  cleanup();
  sessionTokens.clear();
  localStorage.clear();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

// antd renders slowly under happy-dom when test files run in parallel on a small machine.
configure({ asyncUtilTimeout: 4000 });
