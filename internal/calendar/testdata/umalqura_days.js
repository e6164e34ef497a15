// Prints ICU's Umm al-Qura date of every day from 1937-03-01 to 2077-12-31,
// one line per day: "YYYY-MM-DD hijriYear hijriMonth hijriDay". The range
// starts and ends a little outside 1356–1500 AH so that the test can check
// that the days just outside are refused. Run by TestHijriAgainstICU.
"use strict";

const fmt = new Intl.DateTimeFormat("en-u-ca-islamic-umalqura", {
  timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric",
});
if (fmt.resolvedOptions().calendar !== "islamic-umalqura") {
  throw new Error("this Node.js has no ICU islamic-umalqura calendar (needs full ICU)");
}

const dayMs = 24 * 60 * 60 * 1000;
const last = Date.UTC(2077, 11, 31, 12);
const lines = [];
for (let t = Date.UTC(1937, 2, 1, 12); t <= last; t += dayMs) {
  const p = {};
  for (const part of fmt.formatToParts(new Date(t))) p[part.type] = part.value;
  lines.push(`${new Date(t).toISOString().slice(0, 10)} ${p.year} ${p.month} ${p.day}`);
}
process.stdout.write(lines.join("\n") + "\n");
