// Runs SQL in DuckDB for tests/sql/sql_duckdb_test.cpp, through DuckDB's Node package (@duckdb/node-api, which
// tests/sql/duckdb_differential.sh installs outside the source tree).
//   node duckdb_runner.cjs NODE_MODULES_DIR JOBS.json RESULTS.json
// JOBS.json is {"jobs": [{"statements": ["SQL", ...]}, ...]}; each job runs in a fresh in-memory database, its
// statements in order until one fails. RESULTS.json is {"version": TEXT, "jobs": [{"results": [RESULT, ...]}, ...]},
// a RESULT being {"rows": [[cell, ...], ...]} or {"error": TEXT}, every cell as text ("true"/"false" for booleans,
// digits for integers), null for NULL.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, jobsFile, resultsFile] = process.argv.slice(2);
const { DuckDBInstance } = require(path.join(modules, '@duckdb', 'node-api'));

function cell(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

async function main() {
  const { jobs } = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
  const out = [];
  for (const job of jobs) {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const results = [];
    for (const sql of job.statements) {
      try {
        const reader = await connection.runAndReadAll(sql);
        results.push({ rows: reader.getRowsJS().map((row) => row.map(cell)) });
      } catch (error) {
        results.push({ error: String(error.message || error) });
        break;
      }
    }
    connection.closeSync();
    instance.closeSync && instance.closeSync();
    out.push({ results });
  }
  const versionInstance = await DuckDBInstance.create(':memory:');
  const versionConnection = await versionInstance.connect();
  const version = (await versionConnection.runAndReadAll('SELECT version()')).getRowsJS()[0][0];
  fs.writeFileSync(resultsFile, JSON.stringify({ version, jobs: out }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
