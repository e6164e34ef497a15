// Package locales embeds the message files of the three languages the bot
// speaks (go-i18n v2 TOML): active.<lang>.toml for the staff's core, and a
// file per feature where a feature has many messages (surveys.fa.toml),
// each in en, fa and ar.
//
// Each message is a TOML table named by its dotted ID ([error.not_found])
// with an "other" form, plus "one" (en, fa) or "zero", "one", "two", "few",
// "many" (ar) when it is a plural message. Files are grouped by section, each
// section introduced by a comment; new messages go at the end of the file in
// a section of their own, in all three files at once (internal/i18n's tests
// fail otherwise). Load them through internal/i18n, not directly.
package locales

import "embed"

// FS holds the embedded *.<lang>.toml message files.
//
//go:embed *.toml
var FS embed.FS
