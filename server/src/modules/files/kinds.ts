import type { Readable } from "node:stream";
import type { Deps } from "../../deps";

/** What a signed link serves: the bytes (or a stream) and how to present them. */
export interface ServedFile {
  body: Buffer | Readable;
  /** the Content-Type */
  type: string;
  /** the name offered when it is saved (`inline; filename="…"`); ASCII only; none = plain `inline` */
  filename?: string;
  /** made by a user, not by us: served under a sandboxing CSP so it can never run as a page */
  uploaded?: boolean;
}

/**
 * A kind of file served behind signed links (an invoice PDF, a receipt, a ticket photo, …). The module that
 * owns the files declares its kinds on its descriptor (`fileKinds`); the composition root gathers them into
 * `deps.files`, so this module serves them without importing the modules above it.
 */
export interface FileKind {
  /** for logs and errors */
  name: string;
  /** the one lower-case letter that starts its tokens; never reuse one (links handed out name it) */
  letter: string;
  /** what its links end in (".pdf": browsers and Taro.downloadFile want it), "" for nothing */
  suffix: string;
  /** the file a link names; throw AppError("FILE_LINK_INVALID") (or the owner's 404/409) when there is none */
  open(deps: Deps, id: number): Promise<ServedFile>;
}

const LETTER = /^[a-z]$/;
const SUFFIX = /^(?:\.[a-z0-9]{1,8})?$/;

/** The kinds the modules declared, by token letter; refuses a malformed kind or a letter or name taken twice. */
export class FileKinds {
  private readonly byLetters = new Map<string, FileKind>();

  constructor(kinds: readonly FileKind[]) {
    const names = new Set<string>();
    for (const k of kinds) {
      if (!LETTER.test(k.letter)) throw new Error(`file kind ${k.name}: the letter must be one of a–z`);
      if (!SUFFIX.test(k.suffix)) throw new Error(`file kind ${k.name}: bad suffix ${k.suffix}`);
      const taken = this.byLetters.get(k.letter);
      if (taken) throw new Error(`file kinds ${taken.name} and ${k.name} share the letter ${k.letter}`);
      if (names.has(k.name)) throw new Error(`file kind ${k.name} is declared twice`);
      names.add(k.name);
      this.byLetters.set(k.letter, k);
    }
  }

  byLetter(letter: string): FileKind | undefined {
    return this.byLetters.get(letter);
  }

  /** the kinds' names, sorted (for checks) */
  names(): string[] {
    return [...this.byLetters.values()].map((k) => k.name).sort();
  }
}
