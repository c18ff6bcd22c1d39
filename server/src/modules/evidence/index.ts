import type { WarmlineModule } from "../../module";
import { EvidenceChainHead } from "./entities";

export {
  appendChained,
  CHAIN_TABLE_NAMES,
  CHAIN_TABLES,
  type ChainBreak,
  type ChainReport,
  type ChainTable,
  chainGroups,
  chainKey,
  chainStamp,
  lockHeads,
  rowHash,
  sealAll,
  sealRows,
  verifyChain,
  writeHeads,
} from "../../db/evidenceChain";
export { EvidenceChainHead } from "./entities";

/**
 * 证据链 (issue 15): the hash chains of visit records, reminders and legal case events (db/evidenceChain.ts, below the modules so the migration can backfill with it). Below
 * visits, reminders and legal so each can call `appendChained` at its insert sites.
 */
export const evidenceModule: WarmlineModule = {
  name: "evidence",
  entities: [EvidenceChainHead],
};
