import type { DataSource } from "typeorm";
import type { z } from "zod";
import type { JobName } from "./names";

export interface JobContext {
  ds: DataSource;
  outboxId: number;
  attempt: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: JobName;
  /** payload schema: a payload that does not parse fails the job permanently */
  schema: S;
  /** must be idempotent: a job may run more than once (guard effects with unique keys) */
  handle(payload: z.output<S>, ctx: JobContext): Promise<void>;
  maxAttempts?: number;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

/** Name → handler. Refuses a second handler for a name, and refuses to start with a declared name unhandled. */
export class JobRegistry {
  private readonly defs = new Map<string, JobDefinition>();

  constructor(private readonly declared: readonly string[]) {}

  register(def: JobDefinition): this {
    if (this.defs.has(def.name)) throw new Error(`job "${def.name}" has two handlers`);
    this.defs.set(def.name, def as JobDefinition);
    return this;
  }

  /** Call before starting any runner. */
  assertComplete(): void {
    const missing = this.declared.filter((n) => !this.defs.has(n));
    if (missing.length) throw new Error(`no handler for job(s): ${missing.join(", ")}`);
    const unknown = [...this.defs.keys()].filter((n) => !this.declared.includes(n));
    if (unknown.length) throw new Error(`handler(s) for undeclared job(s): ${unknown.join(", ")}`);
  }

  get(name: string): JobDefinition | undefined {
    return this.defs.get(name);
  }

  names(): string[] {
    return [...this.defs.keys()];
  }
}
