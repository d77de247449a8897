/** The team filter of a GET filter form; "" means all teams. */
export function TeamSelect({ teams, value }: { teams: { id: string; name: string }[]; value?: string | null }) {
  return (
    <label>
      Team
      <select name="team" defaultValue={value ?? ""}>
        <option value="">All teams</option>
        {teams.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
