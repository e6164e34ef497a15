package i18n

import (
	"testing"
	"time"
)

func TestAgo(t *testing.T) {
	b := newBundle(t, English)
	teh := time.FixedZone("Tehran", 3*3600+1800)
	now := time.Date(2026, 12, 2, 10, 30, 0, 0, teh)
	tests := []struct {
		t            time.Time
		en, fa, ar   string
		whatItChecks string
	}{
		{now.Add(-20 * time.Second), "just now", "همین حالا", "الآن", "under a minute"},
		{now.Add(-time.Minute), "a minute ago", "یک دقیقه پیش", "قبل دقيقة", "one minute"},
		{now.Add(-2 * time.Minute), "2 minutes ago", "۲ دقیقه پیش", "قبل دقيقتين", "the Arabic dual"},
		{now.Add(-3 * time.Hour), "3 hours ago", "۳ ساعت پیش", "قبل ٣ ساعات", "hours, the same day"},
		{time.Date(2026, 12, 1, 23, 50, 0, 0, teh), "yesterday", "دیروز", "أمس", "late yesterday, under an hour ago"},
		{now.Add(-24 * time.Hour), "yesterday", "دیروز", "أمس", "one day: yesterday, not «۱ روز پیش»"},
		{now.Add(-48 * time.Hour), "2 days ago", "۲ روز پیش", "قبل يومين", "two days"},
		{now.Add(-5 * 24 * time.Hour), "5 days ago", "۵ روز پیش", "قبل ٥ أيام", "Arabic few"},
		{now.Add(-12 * 24 * time.Hour), "12 days ago", "۱۲ روز پیش", "قبل ١٢ يوماً", "Arabic many"},
		{now.Add(time.Hour), "just now", "همین حالا", "الآن", "the future"},
	}
	for _, tt := range tests {
		for lang, want := range map[string]string{English: tt.en, Persian: tt.fa, Arabic: tt.ar} {
			if got := b.For(lang).Ago(tt.t, now.UTC()); got != want {
				t.Errorf("%s: %s Ago(%v) = %q; want %q", tt.whatItChecks, lang, tt.t, got, want)
			}
		}
	}
}
