/**
 * vitest globalSetup (unit and api projects): generates the test run's keys once — a sandbox-keys folder
 * for every DATA_DIR the tests create (seedSandboxKeys) and a few spare key pairs (spareKeyPair) — and
 * provides them to the test files. Both projects of one run share one set.
 */
import { generateKeyPair } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../../config";
import { SANDBOX_KEY_DIR, sandboxVendorKeys } from "../keys";

const generateRsa = promisify(generateKeyPair);

/** How many spare key pairs a run has (`spareKeyPair(0 … SPARE_KEYS - 1)` in keys.ts). */
export const SPARE_KEYS = 4;

interface RunKeys {
  dataDir: string;
  spares: string[];
}

/** one generation per vitest process: each project imports this file anew, globalThis is shared */
const SHARED = Symbol.for("warmline.testRunKeys");
type Shared = typeof globalThis & { [SHARED]?: Promise<RunKeys> };

async function generate(): Promise<RunKeys> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-test-keys-"));
  const keys = sandboxVendorKeys(loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir }));
  const [, , spares] = await Promise.all([
    keys.alipaySandbox(),
    keys.wechatPaySandbox(),
    Promise.all(
      Array.from({ length: SPARE_KEYS }, async () => {
        const { privateKey } = await generateRsa("rsa", {
          modulusLength: 2048,
          publicKeyEncoding: { type: "spki", format: "pem" },
          privateKeyEncoding: { type: "pkcs8", format: "pem" },
        });
        return privateKey;
      }),
    ),
  ]);
  return { dataDir, spares };
}

export default async function setup(project: TestProject): Promise<() => void> {
  const shared = globalThis as Shared;
  shared[SHARED] ??= generate();
  const { dataDir, spares } = await shared[SHARED];
  project.provide("sandboxKeyDir", path.join(dataDir, SANDBOX_KEY_DIR));
  project.provide("spareRsaKeys", spares);
  return () => fs.rmSync(dataDir, { recursive: true, force: true });
}
