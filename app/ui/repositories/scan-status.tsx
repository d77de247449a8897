const SCAN_STATUS_COLORS: Record<string, string> = {
  queued: "#5f6b7a",
  cloning: "#1c7ed6",
  scanning: "#1c7ed6",
  saving: "#1c7ed6",
  succeeded: "#2b8a3e",
  unchanged: "#2b8a3e",
  failed: "#b42318",
};

export function ScanStatusBadge({ status }: { status: string }) {
  const color = SCAN_STATUS_COLORS[status] ?? "#5f6b7a";
  return (
    <span className="badge" style={{ borderColor: color, color }}>
      {status}
    </span>
  );
}
