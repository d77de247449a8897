import Link from "next/link";

export default function NotFound() {
  return (
    <main className="page">
      <h1>Not found</h1>
      <p>There is nothing here, or it has been removed.</p>
      <Link href="/">Back to the overview</Link>
    </main>
  );
}
