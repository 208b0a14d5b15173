/**
 * Versioned schema migrations for a Durable Object's SQLite: each step runs once, in
 * order, and the version is kept in the same database. A later change to a table is a
 * new step appended to the list, never an edit of an old one (objects already hold data).
 */
export function migrate(sql: SqlStorage, steps: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
  const current = sql.exec<{ version: number }>("SELECT version FROM _schema WHERE id = 1").toArray()[0]?.version ?? 0;
  for (let version = current; version < steps.length; version++) {
    sql.exec(steps[version]!);
    sql.exec("INSERT INTO _schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version", version + 1);
  }
}
