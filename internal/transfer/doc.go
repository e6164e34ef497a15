// Package transfer holds the rules of moving customers in and out of the
// CRM as CSV: reading an import file (UTF-8 with or without a BOM, comma,
// semicolon or tab separated, headers in English, Persian or Arabic),
// checking every cell, merging rows that share a phone, resolving owners
// and stages, deciding what each row does to the database, and writing
// Excel-friendly exports that are safe against CSV (formula) injection.
//
// It imports no adapter: internal/postgres loads a Plan set-based and the
// bot and the CLI render its Report. Every problem carries a code (the
// Code* constants); the bot localizes them as "transfer.code.<code>", the
// CLI prints them in English.
//
// Limits: a file over MaxFileBytes is refused before it is read in full;
// a file with more than MaxRows data rows is refused.
//
// Merging (by phone, within the file and against the database):
//   - rows of the file that share a phone become one customer: the first
//     row's values win, later rows fill its empty fields, tags and phones
//     are united (at most crm.MaxCustomerPh phones), notes are joined;
//   - a row whose phone belongs to an existing customer updates that
//     customer: empty fields are filled, existing values are never
//     overwritten, tags and phones are added, notes are appended; its owner
//     and stage do not change (that is a reassignment or a stage move, with
//     their own history);
//   - a row whose phones belong to two different customers, or to one the
//     importer may not change, is rejected.
package transfer
