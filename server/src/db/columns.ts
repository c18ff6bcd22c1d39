import { Column, type ColumnOptions, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

/**
 * Column helpers shared by every entity. Types are always explicit: tsx/esbuild emits no decorator
 * metadata, and the same entities must map to MySQL and SQLite.
 */
export const IdColumn = () => PrimaryGeneratedColumn({ type: "int" });
export const FkColumn = (opts: Partial<ColumnOptions> = {}) => Column({ type: "int", ...opts });
export const CreatedAt = () => CreateDateColumn({ name: "created_at", type: "datetime", precision: 6 });
export const UpdatedAt = () => UpdateDateColumn({ name: "updated_at", type: "datetime", precision: 6 });
export const Instant = (opts: Partial<ColumnOptions> = {}) => Column({ type: "datetime", precision: 6, ...opts });
export const Str = (length: number, opts: Partial<ColumnOptions> = {}) => Column({ type: "varchar", length, ...opts });
export const Int = (opts: Partial<ColumnOptions> = {}) => Column({ type: "int", ...opts });
export const Bool = (opts: Partial<ColumnOptions> = {}) => Column({ type: "boolean", ...opts });
export const Json = (opts: Partial<ColumnOptions> = {}) => Column({ type: "simple-json", ...opts });
export const Text = (opts: Partial<ColumnOptions> = {}) => Column({ type: "text", ...opts });

/** Integer fen stored as BIGINT; drivers may return strings for BIGINT, so convert on read. */
export const Fen = (opts: Partial<ColumnOptions> = {}) =>
  Column({
    type: "bigint",
    transformer: {
      to: (v: number | null | undefined) => v,
      from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
    },
    ...opts,
  });
