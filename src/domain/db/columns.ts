import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';

// PostgreSQL returns bigint/numeric as strings; bill numbers (≤ 10 digits) and counts fit in a JS number.
const bigintToNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};

// Instants are stored as ISO-8601 UTC strings (fixed width, so they sort and compare as text)
// because SQLite and PostgreSQL share no timestamp type TypeORM maps the same way on both.
const isoInstant: ValueTransformer = {
  to: (v: Date | null | undefined) => (v instanceof Date ? v.toISOString() : v),
  from: (v: string | null) => (v === null || v === undefined ? v : new Date(v)),
};

/** A 64-bit integer column read back as a JS number. */
export function BigIntColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: bigintToNumber, ...options });
}

/** A money column (yuan, two decimals) read back as a JS number. */
export function MoneyColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'decimal', precision: 18, scale: 2, transformer: bigintToNumber, ...options });
}

/** A point in time stored as an ISO-8601 UTC string. */
export function InstantColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: 24, transformer: isoInstant, ...options });
}

/** A JSON document stored as text (portable across SQLite and PostgreSQL). */
export function JsonColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({
    type: 'text',
    transformer: {
      to: (v: unknown) => (v === undefined ? undefined : JSON.stringify(v)),
      from: (v: string | null): unknown => (v === null || v === undefined ? v : (JSON.parse(v) as unknown)),
    },
    ...options,
  });
}

/** Serialises an instant the way InstantColumn stores it, for raw query parameters. */
export const toDbInstant = (d: Date): string => d.toISOString();
