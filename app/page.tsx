export default function Home() {
  return (
    <main>
      <h1>Posture</h1>
      <p>The HTTP API is served under /api/v1. The dashboard is coming.</p>
    </main>
  );
}
