/** The benchmarks' tables: fixed-width columns, one space apart, so that other tooling can read them. */

export interface Column<Row> {
  title: string;
  width: number;
  /** Text columns are left-aligned; figures right-aligned. */
  align: 'left' | 'right';
  cell(row: Row): string;
}

/** Prints the header line, then one line a row. */
export function printTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): void {
  const line = (text: (column: Column<Row>) => string) =>
    columns
      .map((column) =>
        column.align === 'left' ? text(column).padEnd(column.width) : text(column).padStart(column.width),
      )
      .join(' ');
  console.log(line((column) => column.title));
  for (const row of rows) console.log(line((column) => column.cell(row)));
}
