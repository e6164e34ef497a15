package textnorm

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"علي كريمي", "علی کریمی"},             // Arabic ي and ك
		{"على", "علی"},                         // alef maksura
		{"فاطمة", "فاطمه"},                     // teh marbuta
		{"خانهٔ", "خانه"},                      // heh + hamza above
		{"خانۀ من", "خانه من"},                 // heh with yeh above
		{"أحمد", "احمد"},                       // alef with hamza
		{"إبراهيم", "ابراهیم"},                 // alef with hamza below, Arabic yeh
		{"آرش", "ارش"},                         // Persian madda
		{"ٱلله", "الله"},                       // alef wasla
		{"مُحَمَّد", "محمد"},                   // harakat and shadda
		{"رحمٰن", "رحمن"},                      // superscript alef
		{"مـــحـمـد", "محمد"},                  // tatweel
		{"می‌روم", "میروم"},                    // ZWNJ removed
		{"مسؤول", "مسوول"},                     // waw with hamza
		{"مسئول", "مسیول"},                     // yeh with hamza
		{"۰۹۱۲ ٣٤٥", "0912 345"},               // digits
		{"  Ali \t\n  KARIMI  ", "ali karimi"}, // space and case
		{"ﻻ", "لا"},                            // presentation form via NFKC
		{"ＡＢＣ１２", "abc12"},                     // full-width via NFKC
		{"\u2066+98 912\u2069", "+98 912"},     // bidi isolates
		{"Ali\u00a0Reza", "ali reza"},          // no-break space
		{"", ""},
		{"\xff\xfeabc", "abc"}, // invalid UTF-8 dropped
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldMatchesVariants(t *testing.T) {
	pairs := [][2]string{
		{"علي", "علی"},
		{"كريم", "کریم"},
		{"مدرسة", "مدرسه"},
		{"آقای رضایی", "اقای رضایي"},
		{"كتابخانة", "کتابخانه"},
	}
	for _, p := range pairs {
		if Fold(p[0]) != Fold(p[1]) {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", p[0], Fold(p[0]), p[1], Fold(p[1]))
		}
	}
}

func TestDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"۰۹۱۲-۳۴۵", "0912345"},
		{"٠٥٠ ١٢٣", "050123"},
		{"+98 (912) 000", "98912000"},
		{"１２", "12"},
		{"abc", ""},
	}
	for _, tt := range tests {
		if got := Digits(tt.in); got != tt.want {
			t.Errorf("Digits(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

var e164 = regexp.MustCompile(`^\+[1-9]\d{6,14}$`)

func TestCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"احمدی پور", "احمدیپور"},
		{"احمدی‌پور", "احمدیپور"}, // ZWNJ
		{"احمدیپور", "احمدیپور"},
		{"پاک  زاد", "پاکزاد"},
		{"عبد الله", "عبدالله"},
		{"Ali Reza", "alireza"},
		{" محمد رضا ", "محمدرضا"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Compact(tt.in); got != tt.want {
			t.Errorf("Compact(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestPhoneDigits(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0912.123.4567", "09121234567", true},
		{"۰۹۱۲.۱۲۳.۴۵۶۷", "09121234567", true},
		{"+98.912.123.4567", "989121234567", true},
		{"0098 (912) 123-4567", "989121234567", true},
		{"0912", "0912", true},
		{"0912 Ali", "", false},
		{"9+12", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := PhoneDigits(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("PhoneDigits(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPhone(t *testing.T) {
	tests := []struct {
		in, region, want string
	}{
		{"۰۹۱۲ ۳۴۵ ۶۷۸۹", "IR", "+989123456789"},
		{"09123456789", "IR", "+989123456789"},
		{"+98 912 345 6789", "", "+989123456789"},
		{"+98 912 345 6789", "AE", "+989123456789"},
		{"0098 912 345 6789", "", "+989123456789"},
		{"0098-912-345-6789", "ir", "+989123456789"},
		{"(021) 8888 1234", "IR", "+982188881234"},
		{"٠٥٠ ١٢٣ ٤٥٦٧", "AE", "+971501234567"},
		{"+971 50 123 4567", "IR", "+971501234567"},
		{"050-123-4567", "AE", "+971501234567"},
		{"050 123 4567", "SA", "+966501234567"},
		{"+966 50 123 4567", "", "+966501234567"},
		{"\u2066+98 912 345 6789\u2069", "", "+989123456789"},
		{"+1 (415) 555-2671", "", "+14155552671"},
		{"0912.123.4567", "IR", "+989121234567"},
		{"۰۹۱۲.۱۲۳.۴۵۶۷", "IR", "+989121234567"},
		{"+98.912.123.4567", "", "+989121234567"},
	}
	for _, tt := range tests {
		got, err := Phone(tt.in, tt.region)
		if err != nil || got != tt.want {
			t.Errorf("Phone(%q, %q) = %q, %v; want %q, nil", tt.in, tt.region, got, err, tt.want)
		}
	}
	bad := []struct{ in, region string }{
		{"", "IR"},
		{"hello", "IR"},
		{"12345", "IR"},
		{"0912", "IR"},
		{"09123456789", ""},      // no country code and no region
		{"+98 000 000 0000", ""}, // not a valid Iranian number
		{"+98 912 345 6789 ext", ""},
		{"0912 345 6789 Ali", "IR"},
		{"++989123456789", ""},
		{"98+9123456789", ""},
		{strings.Repeat("9", 80), "IR"},
		{"1405/09/10", "IR"},
	}
	for _, tt := range bad {
		if got, err := Phone(tt.in, tt.region); !errors.Is(err, ErrInvalidPhone) {
			t.Errorf("Phone(%q, %q) = %q, %v; want ErrInvalidPhone", tt.in, tt.region, got, err)
		}
	}
}

func TestLooksLikePhone(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"۰۹۱۲ ۳۴۵ ۶۷۸۹", true},
		{"+98 912 345 6789", true},
		{" 0098-912-345-6789 ", true},
		{"٠٥٠ ١٢٣ ٤٥٦٧", true},
		{"(021) 8888 1234", true},
		{"9123456789", true},
		{"12345", false},
		{"1405-09-10", false},
		{"2026-12-01", false},
		{"1405/9/10", false},
		{"2026-12-01 14:30", false},
		{"10:30", false},
		{"0912.123.4567", true},
		{"۰۹۱۲.۱۲۳.۴۵۶۷", true},
		{"+98.912.123.4567", true},
		{"0098.912.123.4567", true},
		{"1405.09.10", false},
		{"2026.12.01", false},
		{"12.5", false},
		{"Ali 0912 345 6789", false},
		{"۳ روز دیگر", false},
		{"", false},
		{"+", false},
	}
	for _, tt := range tests {
		if got := LooksLikePhone(tt.in); got != tt.want {
			t.Errorf("LooksLikePhone(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

var foldSeeds = []string{
	"علي كريمي", "فاطمة الزهراء", "مُحَمَّد", "می‌روم", "خانهٔ ما", "آرش", "أحمد بن سعيد",
	"Ali Karimi", "شرکت ABC کیش", "۰۹۱۲ ۳۴۵ ۶۷۸۹", "٠٥٠ ١٢٣ ٤٥٦٧", "ﻻ إله", "ＡＢＣ",
	"ا\u0653", "ا\u0640\u0653", "\u2066+98\u2069", "İstanbul", "ß", "\xff", "ǅ", "ﷲ", "ﷺ",
}

func FuzzFold(f *testing.F) {
	for _, s := range foldSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: Fold(%q) = %q, Fold of that = %q", s, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q has stray spaces", s, got)
		}
		if strings.ContainsAny(got, "يكة\u200c\u0640۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩") {
			t.Fatalf("Fold(%q) = %q keeps a folded character", s, got)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{
		"۰۹۱۲ ۳۴۵ ۶۷۸۹", "+98 912 345 6789", "0098 912 345 6789", "٠٥٠ ١٢٣ ٤٥٦٧",
		"(021) 8888 1234", "+971-50-123-4567", "050 123 4567", "12345", "hello", "+", "00",
		"+1 (415) 555-2671", "0912345678901234567",
	} {
		for _, region := range []string{"IR", "AE", "SA", ""} {
			f.Add(s, region)
		}
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		got, err := Phone(s, region)
		if err != nil {
			if got != "" || !errors.Is(err, ErrInvalidPhone) {
				t.Fatalf("Phone(%q, %q) = %q, %v; want \"\" and ErrInvalidPhone", s, region, got, err)
			}
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("Phone(%q, %q) = %q; not E.164", s, region, got)
		}
		if again, err := Phone(got, ""); err != nil || again != got {
			t.Fatalf("Phone(%q) = %q, %v; want it to be stable", got, again, err)
		}
		_ = LooksLikePhone(s)
	})
}
