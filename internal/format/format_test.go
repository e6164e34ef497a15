package format

import (
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
)

func TestDigits(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"fa", "10:30", "۱۰:۳۰"},
		{"ar", "10:30", "١٠:٣٠"},
		{"en", "10:30", "10:30"},
		{"fa", "٤٥٦", "۴۵۶"}, // Arabic-Indic 4–6 differ in shape from Persian ones
		{"ar", "۴۵۶", "٤٥٦"},
		{"en", "۱۲ and ١٢", "12 and 12"},
		{"de", "12", "12"},
		{"fa", "abc", "abc"},
	}
	for _, tt := range tests {
		if got := Digits(tt.lang, tt.in); got != tt.want {
			t.Errorf("Digits(%q, %q) = %q; want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"Int fa", Int("fa", 1234567), "۱٬۲۳۴٬۵۶۷"},
		{"Int ar", Int("ar", 1234567), "١٬٢٣٤٬٥٦٧"},
		{"Int en", Int("en", 1234567), "1,234,567"},
		{"Int small", Int("fa", 12), "۱۲"},
		{"Int zero", Int("ar", 0), "٠"},
		{"Int negative en", Int("en", -5), "-5"},
		{"Int negative fa", Int("fa", -5), "\u200e−۵"},
		{"Float fa", Float("fa", 1234.5, 2), "۱٬۲۳۴٫۵"},
		{"Float en", Float("en", 0.126, 2), "0.13"},
		{"Fixed ar", Fixed("ar", 12, 2), "١٢٫٠٠"},
		{"LTR", LTR("+98 912"), "\u2066+98 912\u2069"},
		{"LTR empty", LTR(""), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q; want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		lang  string
		minor int64
		code  string
		want  string
	}{
		{"fa", 1250000, "IRT", "۱٬۲۵۰٬۰۰۰ تومان"},
		{"fa", 12500000, "IRR", "۱۲٬۵۰۰٬۰۰۰ ریال"},
		{"en", 12500000, "irr", "12,500,000 IRR"},
		{"ar", 123450, "AED", "١٬٢٣٤٫٥٠ درهم"},
		{"ar", 500000, "SAR", "٥٬٠٠٠ ريال"},
		{"fa", 500000, "SAR", "۵٬۰۰۰ ریال سعودی"},
		{"en", 500000, "SAR", "5,000 SAR"},
		{"en", 123405, "AED", "1,234.05 AED"},
		{"en", 1999, "USD", "$19.99"},
		{"en", -1999, "USD", "-$19.99"},
		{"en", -50, "AED", "-0.50 AED"},
		{"ar", 1000, "USD", "١٠ دولار"},
		{"en", 12345, "EUR", "€123.45"},
		{"en", 9223372036854775807, "AED", "92,233,720,368,547,758.07 AED"},
	}
	for _, tt := range tests {
		if got := Money(tt.lang, tt.minor, tt.code); got != tt.want {
			t.Errorf("Money(%q, %d, %q) = %q; want %q", tt.lang, tt.minor, tt.code, got, tt.want)
		}
	}
	if got := CurrencyDigits("IRR"); got != 0 {
		t.Errorf("CurrencyDigits(IRR) = %d; want 0", got)
	}
	if got := CurrencyDigits("aed"); got != 2 {
		t.Errorf("CurrencyDigits(aed) = %d; want 2", got)
	}
}

func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func TestDateTime(t *testing.T) {
	tehran := mustLoc(t, "Asia/Tehran")
	riyadh := mustLoc(t, "Asia/Riyadh")
	dec1 := time.Date(2026, 12, 1, 10, 30, 0, 0, tehran)
	tests := []struct {
		name, got, want string
	}{
		{"fa jalali", Date("fa", calendar.Jalali, dec1), "۱۰ آذر ۱۴۰۵"},
		{"ar hijri", Date("ar", calendar.Hijri, dec1.In(riyadh)), "٢١ جمادى الآخرة ١٤٤٨"},
		{"ar gregorian", Date("ar", calendar.Gregorian, dec1), "١ ديسمبر ٢٠٢٦"},
		{"en gregorian", Date("en", calendar.Gregorian, dec1), "1 Dec 2026"},
		{"en jalali", Date("en", calendar.Jalali, dec1), "10 Azar 1405"},
		{"fa gregorian", Date("fa", calendar.Gregorian, dec1), "۱ دسامبر ۲۰۲۶"},
		{"hijri out of range", Date("en", calendar.Hijri, time.Date(2100, 1, 2, 0, 0, 0, 0, time.UTC)), "2 Jan 2100"},
		{"own location", Date("en", calendar.Gregorian, time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC).In(tehran)), "1 Dec 2026"},
		{"time fa", Time("fa", dec1), "۱۰:۳۰"},
		{"time ar", Time("ar", dec1), "١٠:٣٠"},
		{"time en", Time("en", dec1.Add(5*time.Hour)), "15:30"},
		{"datetime fa", DateTime("fa", calendar.Jalali, dec1), "۱۰ آذر ۱۴۰۵، ساعت ۱۰:۳۰"},
		{"datetime ar", DateTime("ar", calendar.Gregorian, dec1), "١ ديسمبر ٢٠٢٦، الساعة ١٠:٣٠"},
		{"datetime en", DateTime("en", calendar.Gregorian, dec1), "1 Dec 2026, 10:30"},
		{"weekday fa", Weekday("fa", dec1), "سه‌شنبه"},
		{"weekday ar", Weekday("ar", dec1), "الثلاثاء"},
		{"weekday en", Weekday("en", dec1), "Tuesday"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q; want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestRelativeDay(t *testing.T) {
	tehran := mustLoc(t, "Asia/Tehran")
	now := time.Date(2026, 11, 22, 23, 30, 0, 0, tehran) // Sunday
	tests := []struct {
		lang string
		days int
		want string
	}{
		{"fa", 0, "امروز"},
		{"fa", 1, "فردا"},
		{"fa", 2, "پس‌فردا"},
		{"fa", -1, "دیروز"},
		{"ar", 0, "اليوم"},
		{"ar", 1, "غداً"},
		{"ar", 2, "بعد غد"},
		{"en", 0, "today"},
		{"en", 1, "tomorrow"},
		{"en", -1, "yesterday"},
		{"en", 2, "Tuesday"},
		{"fa", 6, "شنبه"},
		{"en", 7, "29 Nov 2026"},
		{"fa", 7, "۸ آذر ۱۴۰۵"},
		{"en", -2, "20 Nov 2026"},
	}
	for _, tt := range tests {
		at := time.Date(2026, 11, 22+tt.days, 1, 0, 0, 0, tehran)
		if got := RelativeDay(tt.lang, calendar.Jalali, at, now); tt.lang != "en" && got != tt.want {
			t.Errorf("RelativeDay(%q, +%d days) = %q; want %q", tt.lang, tt.days, got, tt.want)
		}
		if got := RelativeDay(tt.lang, calendar.Gregorian, at, now); tt.lang == "en" && got != tt.want {
			t.Errorf("RelativeDay(%q, +%d days) = %q; want %q", tt.lang, tt.days, got, tt.want)
		}
	}
	// now in UTC is still read in t's location: 20:30 UTC is 00:00 next day in Tehran.
	utcNow := time.Date(2026, 11, 22, 20, 30, 0, 0, time.UTC)
	if got := RelativeDay("en", calendar.Gregorian, time.Date(2026, 11, 23, 9, 0, 0, 0, tehran), utcNow); got != "today" {
		t.Errorf("RelativeDay across zones = %q; want today", got)
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"fa", 5 * time.Minute, "۵ دقیقه"},
		{"fa", 2*time.Hour + 15*time.Minute, "۲ ساعت و ۱۵ دقیقه"},
		{"fa", 20 * time.Second, "کمتر از یک دقیقه"},
		{"en", 5 * time.Minute, "5 minutes"},
		{"en", time.Minute, "1 minute"},
		{"en", 3*24*time.Hour + 4*time.Hour + 5*time.Minute, "3 days 4 hours"},
		{"en", 24*time.Hour + 5*time.Minute, "1 day"},
		{"en", -90 * time.Second, "2 minutes"},
		{"ar", time.Minute, "دقيقة واحدة"},
		{"ar", 2 * time.Minute, "دقيقتان"},
		{"ar", 5 * time.Minute, "٥ دقائق"},
		{"ar", 15 * time.Minute, "١٥ دقيقة"},
		{"ar", 2*time.Hour + 15*time.Minute, "ساعتان و١٥ دقيقة"},
		{"ar", 11 * 24 * time.Hour, "١١ يوماً"},
		{"ar", 100 * 24 * time.Hour, "١٠٠ يوم"},
		{"ar", 3 * time.Hour, "٣ ساعات"},
	}
	for _, tt := range tests {
		if got := Duration(tt.lang, tt.d); got != tt.want {
			t.Errorf("Duration(%q, %s) = %q; want %q", tt.lang, tt.d, got, tt.want)
		}
	}
}

func TestNoLatinDigitsInRTL(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC)
	for _, l := range []string{"fa", "ar"} {
		for _, s := range []string{Int(l, 9876543210), Money(l, 123456, "AED"), DateTime(l, calendar.Jalali, at), Duration(l, 90*time.Minute)} {
			if strings.ContainsAny(s, "0123456789") {
				t.Errorf("%s: %q contains Latin digits", l, s)
			}
		}
	}
}
