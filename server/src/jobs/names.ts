/**
 * Job names are declared by the modules that handle them: each module lists its names on its descriptor
 * (`jobNames`) and adds them to this map by declaration merging, so `enqueue` only takes a known name:
 *
 *   declare module "../../jobs/names" { interface JobNameMap extends Record<(typeof MY_JOBS)[number], true> {} }
 *
 * A declared name without exactly one handler stops the process at start (JobRegistry.assertComplete).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules through declaration merging
export interface JobNameMap {}
export type JobName = keyof JobNameMap & string;
