// The independent reader of a snapshot (tests/snapshot/arrow_reader.sh): Apache Arrow's JavaScript implementation
// reads the .arrow file `segmint import` wrote, and a CSV parser of its own (RFC 4180 and docs/schema.md's field
// forms) reads the data it was made from; every row and column must be equal, each column of the Arrow type the
// snapshot format gives its schema type (arrowTypes). The event tables embedded in the snapshot are read the same way.
// Nothing here shares code with segmint's loader or writer.
//   node arrow_reader.cjs NODE_MODULES compare SCHEMA.yaml CUSTOMERS.csv SNAPSHOT.arrow [TABLE=EVENTS.csv ...]
//   node arrow_reader.cjs NODE_MODULES foreign SCHEMA.yaml OUT.arrow   (a plain Arrow file with the schema's columns)
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, mode, ...args] = process.argv.slice(2);
const arrowDir = path.resolve(modules, 'apache-arrow');
const arrow = require(arrowDir);
const arrowVersion = require(path.join(arrowDir, 'package.json')).version;

function fail(message) {
  console.log(`FAIL: ${message}`);
  process.exit(1);
}

// The schema's tables: the customers' and each event table's columns in order, with key and time, from the forms
// this repository's schema files use (`  name: type` or `  name: {type: T, ...}`, event tables indented below
// `events:`). Enough for the test's schemas; anything else is left out of the columns and shows as a name mismatch.
function readSchema(text) {
  const customers = { name: 'customers', columns: [] };
  const events = [];
  let section = null;
  let table = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    const top = /^(\w+):\s*(.*)$/.exec(line);
    if (top) {
      section = top[1];
      if (section === 'key') customers.key = top[2];
      continue;
    }
    const column = /^ +(\w+): *(?:\{type: *)?([a-z<>]+)/.exec(line);
    const indent = /^ */.exec(line)[0].length;
    if (section === 'columns' && indent === 2 && column) customers.columns.push({ name: column[1], type: column[2] });
    if (section !== 'events') continue;
    const entry = /^ +(\w+):\s*(.*)$/.exec(line);
    if (indent === 2 && entry && !entry[2]) events.push((table = { name: entry[1], columns: [] }));
    else if (indent === 4 && entry && /^(key|time)$/.test(entry[1])) table[entry[1]] = entry[2];
    else if (indent === 6 && column) table.columns.push({ name: column[1], type: column[2] });
  }
  return { customers, events };
}

// RFC 4180: fields separated by commas, records by LF or CRLF, a quoted field may hold commas, newlines and "" for a
// quote. Each field keeps whether it was quoted, since an unquoted empty field is NULL and "" is not.
function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let record = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        }
        value += text[i];
      }
      i++;
    } else {
      while (i < text.length && !',\r\n'.includes(text[i])) value += text[i++];
      if (value.includes('"')) throw new Error(`a quote inside an unquoted field: ${value}`);
    }
    record.push({ value, quoted });
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    if (i < text.length && text[i] !== '\n') throw new Error(`text after a quoted field, record ${records.length + 1}`);
    i++;
    records.push(record);
    record = [];
  }
  const [header, ...rows] = records;
  return { header: header.map((f) => f.value), rows };
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), after checking the day exists.
function daysFromCivil(y, m, d) {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > monthDays[m - 1]) throw new Error(`no such date ${y}-${m}-${d}`);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

// A CSV field as the value docs/schema.md says it holds, in the form compared: int a BigInt, number a double, date
// milliseconds (what Arrow JS gives for Date32), timestamp microseconds as a BigInt, list an array of strings. A form
// this parser does not know throws, so that a gap here never passes as equal.
function fromCsv(field, type) {
  const text = field.value;
  if (text === '' && !(field.quoted && (type === 'string' || type === 'enum' || type === 'list<string>'))) return null;
  let m;
  switch (type) {
    case 'int':
      if (!/^[+-]?\d+$/.test(text)) break;
      return BigInt(text);
    case 'number':
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) break;
      return parseFloat(text);
    case 'bool':
      if (/^(true|t|1)$/i.test(text)) return true;
      if (/^(false|f|0)$/i.test(text)) return false;
      break;
    case 'date':
      if (!(m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) break;
      return daysFromCivil(+m[1], +m[2], +m[3]) * 86400000;
    case 'timestamp': {
      // date, time (seconds and up to 6 fraction digits optional), then Z, ±HH[:MM], ±HHMM or nothing
      const form = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?(Z|([+-])(\d\d)(?::?(\d\d))?)?$/;
      if (!(m = form.exec(text))) break;
      const day = BigInt(daysFromCivil(+m[1], +m[2], +m[3]));
      const seconds = day * 86400n + BigInt(+m[4] * 3600 + +m[5] * 60 + +(m[6] || 0));
      const offset = m[9] ? BigInt((m[9] === '-' ? -1 : 1) * (+m[10] * 3600 + +(m[11] || 0) * 60)) : 0n;
      return (seconds - offset) * 1000000n + BigInt((m[7] || '').padEnd(6, '0'));
    }
    case 'string':
    case 'enum':
      return text;
    case 'list<string>':
      if (text.startsWith('{')) break;  // PostgreSQL's array form: not used by this test's data
      return text === '' ? [] : text.split('|');
  }
  throw new Error(`this test cannot read ${JSON.stringify(text)} as ${type}`);
}

// A column of the Arrow table in the same forms. Timestamps come from the stored Int64 values: Arrow JS's get() turns
// microseconds into fractional milliseconds, which a double cannot hold exactly at the ends of the range.
function fromArrow(vector, type) {
  if (type === 'timestamp') {
    return vector.data.flatMap((data) =>
      Array.from({ length: data.length }, (_, i) => (data.getValid(i) ? data.values[i] : null)));
  }
  return Array.from({ length: vector.length }, (_, row) => {
    const value = vector.get(row);
    if (type === 'int' && typeof value === 'number') return BigInt(value);  // Int8 to Int32 come as numbers
    return type === 'list<string>' && value !== null ? [...value] : value;
  });
}

const arrowTypes = {
  int: 'Int64', number: 'Float64', bool: 'Bool', date: 'Date32<DAY>', timestamp: 'Timestamp<MICROSECOND, UTC>',
  'list<string>': 'LargeList<Dictionary<Int32, LargeUtf8>>',
};

// The Arrow type of an int column: the customers' int columns but the key in the narrowest of Int8, Int16, Int32
// and Int64 that holds every value of the CSV (docs/snapshots.md); the key and event tables' ints always Int64.
function intType(values, narrow) {
  if (!narrow) return 'Int64';
  const present = values.filter((v) => v !== null);
  for (const bits of [8, 16, 32]) {
    const limit = 1n << BigInt(bits - 1);
    if (present.every((v) => v >= -limit && v < limit)) return `Int${bits}`;
  }
  return 'Int64';
}

// The Arrow type of a string or enum column: the customers' but the key's dictionary indexes in the narrowest of
// Int8, Int16 and Int32 that holds the dictionary's codes (docs/snapshots.md); the key and event tables' Int32. A
// string column's dictionary holds at least the CSV's distinct values (an event file's also those of events it
// dropped; an enum's: the schema's values).
function codeType(vector, values, type, narrow, what) {
  const size = vector.data.reduce((n, data) => Math.max(n, data.dictionary ? data.dictionary.length : 0), 0);
  if (type === 'string') {
    const distinct = new Set(values.filter((v) => v !== null)).size;
    if (size < distinct) fail(`${what}: a dictionary of ${size} values for ${distinct} distinct strings`);
  }
  const bits = !narrow || size > 32768 ? 32 : size > 128 ? 16 : 8;
  return `Dictionary<Int${bits}, LargeUtf8>`;
}

// Equal in value and in JavaScript type: a BigInt is never equal to a number, and -0 is not 0 (Object.is).
function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return Object.is(a, b);
}

function show(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (Object.is(value, -0)) return '-0';
  return JSON.stringify(value);
}

// The CSV's values, column by column in the schema's order: each CSV row is read by the header's names.
function csvColumns(file, columns) {
  const { header, rows } = parseCsv(fs.readFileSync(file, 'utf8'));
  return columns.map((c) => {
    const at = header.indexOf(c.name);
    if (at < 0) fail(`${file} has no column ${c.name}`);
    return rows.map((row, r) => {
      if (row.length !== header.length) fail(`${file} row ${r + 1} has ${row.length} fields, not ${header.length}`);
      return fromCsv(row[at], c.type);
    });
  });
}

// segmint.min and segmint.max in a column's field metadata: its least and greatest present value in the CSV (-0 as
// 0), read with this test's own parser of CSV fields; neither key when no value is present.
function checkRange(what, column, field, values) {
  const zeroed = (v) => (v === 0 ? 0 : v);
  let least;
  let greatest;
  for (const v of values) {
    if (v === null) continue;
    if (least === undefined || v < least) least = zeroed(v);
    if (greatest === undefined || v > greatest) greatest = zeroed(v);
  }
  const stored = ['segmint.min', 'segmint.max'].map((key) => field.metadata.get(key));
  const got = stored.map((text) => (text === undefined ? undefined : zeroed(fromCsv({ value: text }, column.type))));
  if (!same(got[0], least) || !same(got[1], greatest)) {
    fail(`${what}: column ${column.name}'s segmint.min and segmint.max are ${stored.join(' and ')}; the CSV's least ` +
         `and greatest value ${show(least)} and ${show(greatest)}`);
  }
}

// The table's column names and types, then every value: the first difference fails the test.
function compareTable(what, table, columns, expected, rowLabel, narrowKey) {
  const names = table.schema.fields.map((f) => f.name);
  if (names.join(',') !== columns.map((c) => c.name).join(',')) {
    fail(`${what}: the snapshot's columns are ${names.join(', ')}; the schema's ` +
         `${columns.map((c) => c.name).join(', ')}`);
  }
  const rows = expected.length ? expected[0].length : 0;
  if (table.numRows !== rows) fail(`${what}: ${table.numRows} rows in the snapshot, ${rows} expected`);
  columns.forEach((c, k) => {
    const field = table.schema.fields[k];
    const narrow = narrowKey !== undefined && c.name !== narrowKey;
    const type = c.type === 'int' ? intType(expected[k], narrow)
                 : c.type === 'string' || c.type === 'enum' ? codeType(table.getChild(c.name), expected[k], c.type,
                                                                       narrow, what)
                 : arrowTypes[c.type];
    if (String(field.type) !== type) {
      fail(`${what}: column ${c.name} (${c.type}) is ${field.type} in the snapshot, not ${type}`);
    }
    if (['int', 'number', 'date', 'timestamp'].includes(c.type)) checkRange(what, c, field, expected[k]);
    const got = fromArrow(table.getChild(c.name), c.type);
    for (let r = 0; r < rows; r++) {
      if (!same(got[r], expected[k][r])) {
        fail(`${what}: ${rowLabel(r)}, column ${c.name}: CSV ${show(expected[k][r])}, Arrow JS ${show(got[r])}`);
      }
    }
  });
}

// An Arrow IPC file, read by Arrow JS after checking both magic strings: Arrow JS does not look at the closing one.
function readArrowFile(bytes, what) {
  if (bytes.subarray(0, 8).toString('latin1') !== 'ARROW1\0\0' || bytes.subarray(-6).toString('latin1') !== 'ARROW1') {
    fail(`${what} does not open with "ARROW1\\0\\0" and end with "ARROW1" as an Arrow IPC file does`);
  }
  return arrow.tableFromIPC(bytes);
}

function compare(schemaFile, csvFile, snapshotFile, eventFiles) {
  const schema = readSchema(fs.readFileSync(schemaFile, 'utf8'));
  const bytes = fs.readFileSync(snapshotFile);
  const table = readArrowFile(bytes, snapshotFile);
  const customers = schema.customers.columns;
  const expected = csvColumns(csvFile, customers);
  compareTable(path.basename(csvFile), table, customers, expected, (r) => `row ${r + 1}`, schema.customers.key);
  console.log(`arrow reader: ${table.numRows} rows x ${customers.length} columns of ${path.basename(csvFile)} equal ` +
              `in ${path.basename(snapshotFile)} (apache-arrow ${arrowVersion})`);

  // Each event table is an Arrow file of its own inside the snapshot (src/snapshot/format.h), at the place the footer's
  // `segmint.events.<i>` names, followed by the offsets of each customer's rows. Its rows are the CSV's events whose
  // key is a customer's, ordered by customer row, then by time, keeping the CSV's order at equal times.
  const metadata = table.schema.metadata;  // segmint's facts: the metadata of the footer's schema
  const keyColumn = customers.findIndex((c) => c.name === schema.customers.key);
  const rowOfKey = new Map(expected[keyColumn].map((key, r) => [String(key), r]));
  for (const spec of eventFiles) {
    const [name, file] = spec.split(/=(.*)/s);
    const index = schema.events.findIndex((e) => e.name === name);
    const events = schema.events[index];
    const facts = metadata.get(`segmint.events.${index}`);
    const place = /^loaded=1 file=(\d+)\+(\d+) offsets=(\d+)\+(\d+) orphans=(\d+) /.exec(facts || '');
    if (!place) fail(`${name}: the footer's segmint.events.${index} is ${facts}`);
    const [fileAt, fileSize, offsetsAt, offsetsSize, orphans] = place.slice(1).map(Number);
    const columns = csvColumns(file, events.columns);
    const keyAt = events.columns.findIndex((c) => c.name === events.key);
    const timeAt = events.columns.findIndex((c) => c.name === events.time);
    const order = [];
    columns[0].forEach((_, r) => {
      const customer = rowOfKey.get(String(columns[keyAt][r]));
      if (customer !== undefined) order.push({ r, customer, time: columns[timeAt][r] });
    });
    if (order.some((e) => e.time === null)) fail(`${file} has an event without a time: this test does not order those`);
    order.sort((a, b) => a.customer - b.customer || (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) || a.r - b.r);
    const want = columns.map((values) => order.map((e) => values[e.r]));
    const eventTable = readArrowFile(bytes.subarray(fileAt, fileAt + fileSize), `${name}'s Arrow file in the snapshot`);
    compareTable(path.basename(file), eventTable, events.columns, want, (r) => `CSV row ${order[r].r + 1}`);
    const left = columns[0].length - order.length;
    if (orphans !== left) fail(`${name}: ${orphans} orphans in the footer, ${left} in the CSV`);
    const offsets = new BigUint64Array(new Uint8Array(bytes.subarray(offsetsAt, offsetsAt + offsetsSize)).buffer);
    const counts = new Array(rowOfKey.size + 1).fill(0);
    for (const e of order) counts[e.customer + 1]++;
    if (offsets.length !== counts.length) fail(`${name}: ${offsets.length} offsets for ${rowOfKey.size} customers`);
    let sum = 0;
    counts.forEach((n, r) => {
      sum += n;
      if (offsets[r] !== BigInt(sum)) fail(`${name}: offsets[${r}] is ${offsets[r]}, expected ${sum}`);
    });
    console.log(`arrow reader: ${eventTable.numRows} rows x ${events.columns.length} columns of ` +
                `${path.basename(file)} equal in ${path.basename(snapshotFile)}'s ${name} (${orphans} orphan events ` +
                `left out; offsets of ${rowOfKey.size} customers)`);
  }
}

// A standard Arrow file that segmint did not write: the schema's column names with plausible types, no metadata.
function foreign(schemaFile, out) {
  const columns = readSchema(fs.readFileSync(schemaFile, 'utf8')).customers.columns;
  const arrays = {};
  for (const c of columns) {
    if (c.type === 'int') arrays[c.name] = BigInt64Array.from([1n, 2n]);
    else if (c.type === 'number') arrays[c.name] = Float64Array.from([0.5, 1.5]);
    else if (c.type === 'bool') arrays[c.name] = [true, false];
    else arrays[c.name] = ['a', 'b'];
  }
  fs.writeFileSync(out, arrow.tableToIPC(arrow.tableFromArrays(arrays), 'file'));
}

try {
  if (mode === 'compare') compare(args[0], args[1], args[2], args.slice(3));
  else if (mode === 'foreign') foreign(args[0], args[1]);
  else fail(`unknown mode ${mode}`);
} catch (error) {
  // Arrow JS refusing the file, or a CSV this parser cannot read: a failure too, with its message.
  fail(error.stack || String(error));
}
