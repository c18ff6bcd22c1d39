/**
 * Test support (imported by *.test.ts and test harnesses only): the key pairs of one test run, generated
 * once by globalSetup.ts instead of again in every test file (RSA-2048 generation is the slowest part of
 * setting up a sandbox, and many files at once starve each other of CPU).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { inject, type ProvidedContext } from "vitest";
import { SANDBOX_KEY_DIR } from "../keys";
import { SPARE_KEYS } from "./globalSetup";

declare module "vitest" {
  export interface ProvidedContext {
    /** a sandbox-keys folder holding every key the sandboxes generate (Alipay, WeChat Pay) */
    sandboxKeyDir: string;
    /** spare RSA-2048 private keys (PKCS8 PEM) for tests that need a key nobody trusts */
    spareRsaKeys: string[];
  }
}

/**
 * Puts the run's sandbox keys into `${dataDir}/sandbox-keys/` (keeping any file already there), so the
 * sandbox and the clients of that DATA_DIR use them instead of generating their own. Without the
 * globalSetup (a file run on its own by another runner) it does nothing: the keys are generated as usual.
 */
export function seedSandboxKeys(dataDir: string): void {
  const from = provided("sandboxKeyDir");
  if (!from) return;
  const to = path.join(dataDir, SANDBOX_KEY_DIR);
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const name of fs.readdirSync(from)) {
    try {
      fs.copyFileSync(path.join(from, name), path.join(to, name), fs.constants.COPYFILE_EXCL);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

const generatedSpares = new Map<number, string>();

/** Spare RSA-2048 key pair number `n` (distinct n, distinct keys): from the run's, or generated here. */
export function spareKeyPair(n: number): { privateKey: KeyObject; publicKey: KeyObject } {
  if (!Number.isInteger(n) || n < 0 || n >= SPARE_KEYS) throw new RangeError(`spare key ${n} of ${SPARE_KEYS}`);
  let pem = provided("spareRsaKeys")?.[n] ?? generatedSpares.get(n);
  if (!pem) {
    pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    generatedSpares.set(n, pem);
  }
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** A provided value, or undefined when the project runs without globalSetup.ts. */
function provided<K extends keyof ProvidedContext & string>(key: K): ProvidedContext[K] | undefined {
  return inject(key);
}
