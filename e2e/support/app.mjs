// A fresh Amparo for one test file: a new SQLite database seeded through the real CLI (`org add`,
// `user add`, `import` of the fictional cases in ../fixtures), then `amparo serve` on a free port.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

export const PASSWORD = 'marigold compass quietly hums';

/**
 * Staff of the fictional clinic: an English-reading attorney, a Spanish-reading advocate, an admin
 * and a clinician (who sees only the cases shared with her).
 */
export const STAFF = {
  ana: { email: 'ana@clinic.example.org', name: 'Ana Abogada', role: 'attorney', language: 'en' },
  beto: { email: 'beto@clinic.example.org', name: 'Beto Defensor', role: 'advocate', language: 'es' },
  ada: { email: 'ada@clinic.example.org', name: 'Ada Admin', role: 'admin', language: 'en' },
  cleo: { email: 'cleo@clinic.example.org', name: 'Cleo Clínica', role: 'clinician', language: 'en' },
};

export function binary() {
  return process.env.AMPARO_BIN || join(root, 'target', 'debug', 'amparo');
}

function amparo(args, database, input) {
  return execFileSync(binary(), [...args, '--database', database], {
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
}

/** Seeds a new database and starts the server; `stop()` ends it and removes the database. */
export async function startApp() {
  const dir = mkdtempSync(join(tmpdir(), 'amparo-e2e-'));
  const database = join(dir, 'amparo.db');
  amparo(['org', 'add', 'clinic', '--name', 'Fictional Community Clinic'], database);
  for (const person of Object.values(STAFF)) {
    amparo(
      ['user', 'add', '--org', 'clinic', '--email', person.email, '--name', person.name, '--role', person.role,
        '--language', person.language, '--password-stdin'],
      database,
      `${PASSWORD}\n`,
    );
  }
  const fixtures = join(here, '..', 'fixtures');
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.json')).map((f) => join(fixtures, f));
  amparo(['import', '--org', 'clinic', ...files], database);

  const server = spawn(binary(), ['serve', '--bind', '127.0.0.1:0', '--database', database], {
    stdio: ['ignore', 'pipe', process.env.AMPARO_E2E_LOG ? 'inherit' : 'ignore'],
  });
  const base = await new Promise((resolveBase, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('listening on ')) resolveBase(line.slice('listening on '.length).trim());
    });
    server.on('exit', (code) => reject(new Error(`amparo serve exited with ${code} before listening`)));
  });
  return {
    base,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((done) => (server.exitCode !== null ? done() : server.on('exit', done)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
