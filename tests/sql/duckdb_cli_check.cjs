// Runs the counts SQL `segmint sql --dialect duckdb` wrote over a CSV file of customers in DuckDB, and checks that
// every segment's count is the one `segmint eval --format json` gave (tests/sql/duckdb_differential.sh).
//   node duckdb_cli_check.cjs NODE_MODULES_DIR SCHEMA.yaml CUSTOMERS.csv COUNTS.sql EVAL.json
// The table is stored as docs/sql.md's storage contract says: the CSV fields are read as text (an empty unquoted
// field is NULL, "" is empty) and cast to the schema's types; a list is its items split at `|`.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, schemaFile, csvFile, sqlFile, evalFile] = process.argv.slice(2);
const { DuckDBInstance } = require(path.join(modules, '@duckdb', 'node-api'));

// The columns of a schema file: `  name: type` or `  name: {type: T, ...}` lines under `columns:`.
function columns(text) {
  const out = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (/^columns:/.test(line)) { inside = true; continue; }
    if (!inside) continue;
    const m = /^  ([A-Za-z_][A-Za-z0-9_]*): *(?:\{type: *)?([a-z<>]+)/.exec(line);
    if (!m) { if (/^\S/.test(line)) break; continue; }
    out.push({ name: m[1], type: m[2] });
  }
  return out;
}

function convert(c) {
  const v = `"${c.name}"`;
  switch (c.type) {
    case 'int': return `CAST(${v} AS BIGINT)`;
    case 'number': return `CAST(${v} AS DOUBLE)`;
    case 'bool': return `CASE WHEN ${v} IN ('true', '1') THEN TRUE WHEN ${v} IN ('false', '0') THEN FALSE END`;
    case 'date': return `CAST(${v} AS DATE)`;
    case 'timestamp': return `CAST(${v} AS TIMESTAMPTZ)`;
    case 'list<string>': return `CASE WHEN ${v} = '' THEN CAST([] AS VARCHAR[]) ELSE string_split(${v}, '|') END`;
    default: return v;
  }
}

async function main() {
  const cols = columns(fs.readFileSync(schemaFile, 'utf8'));
  const types = cols.map((c) => `'${c.name}': 'VARCHAR'`).join(', ');
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(
    `CREATE TABLE customers AS SELECT ${cols.map((c) => `${convert(c)} AS "${c.name}"`).join(', ')} ` +
      `FROM read_csv('${csvFile.replace(/'/g, "''")}', header = true, columns = {${types}}, ` +
      `allow_quoted_nulls = false, quote = '"', escape = '"')`);
  const reader = await connection.runAndReadAll(fs.readFileSync(sqlFile, 'utf8'));
  const names = reader.columnNames();
  const row = reader.getRowsJS()[0];
  const expected = JSON.parse(fs.readFileSync(evalFile, 'utf8')).segments;
  let failed = 0;
  for (const segment of expected) {
    const got = String(row[names.indexOf(segment.name)]);
    if (got !== String(segment.count)) {
      console.log(`FAIL: segment ${segment.name}: DuckDB ${got}, segmint eval ${segment.count}`);
      failed += 1;
    }
  }
  if (names.length !== expected.length) {
    console.log(`FAIL: DuckDB returned ${names.length} columns for ${expected.length} segments`);
    failed += 1;
  }
  if (failed) process.exit(1);
  console.log(`duckdb CLI: segmint sql --mode counts gave segmint eval's ${expected.length} counts ` +
              `(${expected.map((s) => `${s.name} ${s.count}`).join(', ')})`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
