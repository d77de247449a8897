import type { ReactTable, Row, RowData, TableFeatures } from "@tanstack/react-table";

/** A TanStack table's body: a row per row of its model, a cell per cell, each cell classed by its column. */
export function TableBody<TFeatures extends TableFeatures, TData extends RowData>({
  table,
  rowClassName,
  cellClassName,
}: {
  table: ReactTable<TFeatures, TData>;
  rowClassName?: (row: Row<TFeatures, TData>) => string | undefined;
  cellClassName: (columnId: string) => string | undefined;
}) {
  return (
    <tbody>
      {table.getRowModel().rows.map((row) => (
        <tr key={row.id} className={rowClassName?.(row)}>
          {row.getAllCells().map((cell) => (
            <td key={cell.id} className={cellClassName(cell.column.id)}>
              <table.FlexRender cell={cell} />
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}
