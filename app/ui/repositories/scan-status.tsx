const SCAN_STATUS_COLORS: Record<string, string> = {
  queued: "#5f6b7a",
  cloning: "#1864ab",
  scanning: "#1864ab",
  saving: "#1864ab",
  succeeded: "#237a36",
  unchanged: "#237a36",
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
