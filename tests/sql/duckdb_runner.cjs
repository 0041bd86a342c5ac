// Runs SQL in DuckDB for tests/sql/sql_duckdb_test.cpp, through DuckDB's Node package (@duckdb/node-api, which
// tests/sql/duckdb_differential.sh installs outside the source tree).
//   node duckdb_runner.cjs NODE_MODULES_DIR JOBS.json RESULTS.json
// JOBS.json is {"jobs": [JOB, ...]}; each JOB runs in a fresh in-memory database: its "setup" statements, then the
// rows of "table" (if any) through DuckDB's appender, then its "statements" in order until one fails. A table is
// {"name", "types": [int|number|bool|date|timestamp|string|list, ...], "rows": [[cell, ...], ...]} with null for NULL,
// ints and timestamps (microseconds) as decimal text, numbers as the shortest decimal that reads back as the double
// (which JavaScript's Number parses exactly), dates as YYYY-MM-DD, lists as arrays of strings. RESULTS.json is
// {"version": TEXT, "jobs": [{"results": [RESULT, ...]}, ...]}, a RESULT per statement (a failed setup or load is one
// RESULT) being {"rows": [[cell, ...], ...]} or {"error": TEXT}, every cell as text ("true"/"false" for booleans,
// digits for integers), null for NULL.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, jobsFile, resultsFile] = process.argv.slice(2);
const duckdb = require(path.resolve(modules, '@duckdb', 'node-api'));
const { DuckDBInstance } = duckdb;
const varcharList = duckdb.LIST(duckdb.VARCHAR);

function append(appender, type, value) {
  if (value === null) return appender.appendNull();
  switch (type) {
    case 'int': return appender.appendBigInt(BigInt(value));
    case 'number': return appender.appendDouble(Number(value));
    case 'bool': return appender.appendBoolean(value);
    case 'date': {
      const [year, month, day] = value.split('-').map(Number);
      return appender.appendDate(duckdb.DuckDBDateValue.fromParts({ year, month, day }));
    }
    case 'timestamp': return appender.appendTimestampTZ(new duckdb.DuckDBTimestampTZValue(BigInt(value)));
    case 'list': return appender.appendList(duckdb.listValue(value), varcharList);
    default: return appender.appendVarchar(value);
  }
}

async function load(connection, table) {
  const appender = await connection.createAppender(table.name);
  for (const row of table.rows) {
    row.forEach((value, i) => append(appender, table.types[i], value));
    appender.endRow();
  }
  appender.closeSync();
}

function cell(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

async function main() {
  const { jobs } = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
  const out = [];
  for (const job of jobs) {
    if (!job.statements.length) {
      out.push({ results: [] });
      continue;
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const results = [];
    try {
      for (const sql of job.setup || []) await connection.run(sql);
      if (job.table) await load(connection, job.table);
    } catch (error) {
      results.push({ error: 'setup: ' + String(error.message || error) });
    }
    for (const sql of results.length ? [] : job.statements) {
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
