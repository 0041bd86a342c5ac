// Runs the SQL `segmint sql --dialect duckdb` wrote in each mode (SQL_DIR/counts.sql, members.sql, views.sql) over a
// CSV file of customers in DuckDB, and checks that every segment's count, its number of TRUE members and its view's
// number of keys are the count `segmint eval --format json` gave (tests/sql/duckdb_differential.sh).
//   node duckdb_cli_check.cjs NODE_MODULES_DIR SCHEMA.yaml CUSTOMERS.csv SQL_DIR EVAL.json
// The table is stored as docs/sql.md's storage contract says: the CSV fields are read as text (an empty unquoted
// field is NULL, "" is empty) and cast to the schema's types; a list is its items split at `|`.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, schemaFile, csvFile, sqlDir, evalFile] = process.argv.slice(2);
const { DuckDBInstance } = require(path.resolve(modules, '@duckdb', 'node-api'));

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
  const sql = (mode) => fs.readFileSync(path.join(sqlDir, mode + '.sql'), 'utf8');
  const expected = JSON.parse(fs.readFileSync(evalFile, 'utf8')).segments;
  const counts = await connection.runAndReadAll(sql('counts'));
  const members = await connection.runAndReadAll(sql('members'));
  await connection.run(sql('views'));
  const memberRows = members.getRowsJS();
  let failed = 0;
  const check = (what, got, want) => {
    if (String(got) === String(want)) return;
    console.log(`FAIL: ${what}: DuckDB ${got}, segmint eval ${want}`);
    failed += 1;
  };
  check('columns of counts', counts.columnNames().length, expected.length);
  for (const segment of expected) {
    const name = segment.name;
    check(`count of ${name}`, counts.getRowsJS()[0][counts.columnNames().indexOf(name)], segment.count);
    const column = members.columnNames().indexOf(name);
    check(`members of ${name}`, memberRows.filter((row) => row[column] === true).length, segment.count);
    const view = await connection.runAndReadAll(`SELECT count(*) FROM "segment_${name}"`);
    check(`view of ${name}`, view.getRowsJS()[0][0], segment.count);
  }
  if (failed) process.exit(1);
  console.log(`duckdb CLI: segmint sql's counts, members and views gave segmint eval's ${expected.length} counts ` +
              `(${expected.map((s) => `${s.name} ${s.count}`).join(', ')})`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
