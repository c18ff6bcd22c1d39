import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { BullMqRunner } from "./bullmqRunner";
import { InProcessRunner } from "./inProcessRunner";
import type { JobRunner } from "./runner";
import { type JobDefinition, JobRegistry } from "./registry";

/** A registry of the given handlers, checked against the declared names (the modules' `jobNames`). */
export function buildJobRegistry(declared: readonly string[], definitions: readonly JobDefinition[]): JobRegistry {
  const registry = new JobRegistry(declared);
  for (const def of definitions) registry.register(def);
  return registry;
}

export function createRunner(ds: DataSource, config: Config, registry: JobRegistry): JobRunner {
  registry.assertComplete();
  const work = config.processRole !== "api";
  if (config.jobs.mode === "bullmq") {
    return new BullMqRunner(ds, registry, {
      redisUrl: config.jobs.redisUrl as string,
      prefix: config.jobs.prefix,
      pollMs: config.jobs.pollMs,
      leaseMs: config.jobs.leaseMs,
      work,
    });
  }
  return new InProcessRunner(ds, registry, { pollMs: config.jobs.pollMs, leaseMs: config.jobs.leaseMs });
}
