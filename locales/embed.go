// Package locales embeds the message files of the three languages the bot
// speaks: active.en.toml, active.fa.toml and active.ar.toml (go-i18n v2 TOML).
//
// Each message is a TOML table named by its dotted ID ([error.not_found])
// with an "other" form, plus "one" (en, fa) or "zero", "one", "two", "few",
// "many" (ar) when it is a plural message. Files are grouped by section, each
// section introduced by a comment; new messages go at the end of the file in
// a section of their own, in all three files at once (internal/i18n's tests
// fail otherwise). Load them through internal/i18n, not directly.
package locales

import "embed"

// FS holds the embedded active.*.toml message files.
//
//go:embed *.toml
var FS embed.FS
