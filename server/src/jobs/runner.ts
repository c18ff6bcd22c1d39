/** What the rest of the server sees of the job machinery, whichever transport runs it. */
export interface JobRunner {
  readonly mode: "inprocess" | "bullmq" | "none";
  start(): Promise<void>;
  /** a transaction just wrote outbox rows: look for work now instead of at the next poll */
  kick(): void;
  /** stop taking work and wait for jobs in flight */
  stop(): Promise<void>;
  health(): Promise<{ ok: boolean; mode: string; pending?: number; error?: string }>;
}
