package chart

import (
	"fmt"
	"strings"
)

// digits rewrites the ASCII digits of s with the ten digits of a script.
func digits(zero rune) func(int) string {
	return func(n int) string {
		s := fmt.Sprint(n)
		var b strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				r = zero + (r - '0')
			}
			b.WriteRune(r)
		}
		return b.String()
	}
}

const (
	persianZero = '۰'
	arabicZero  = '٠'
)

// activity is fourteen days of made-up but fixed activity for rep k.
func activity(k int) []int {
	v := make([]int, 14)
	for i := range v {
		v[i] = (k*7+i*5+(i*i*k)%11)%17 + k%3
		if i%7 == 5 { // the weekly day off
			v[i] = k % 2
		}
	}
	return v
}

// sample is the digest each golden image draws, in lang.
func sample(lang string) Digest {
	switch lang {
	case "fa":
		return Digest{
			Lang:        "fa",
			Title:       "گزارش روزانهٔ تیم فروش تهران — ۱۱ آذر",
			FunnelTitle: "قیف مشتریان",
			Funnel: []Bar{
				{"مشکوک", 412}, {"مشتری بالقوه", 186}, {"مشتری بار اول", 74},
				{"مشتری مجدد", 39}, {"مشتری دائمی", 18}, {"مدافع", 6}, {"شریک", 0},
			},
			FunnelNotes: []string{"", "۴۵٪", "۴۰٪", "۵۳٪", "۴۶٪", "۳۳٪", "۰٪"},
			TrendTitle:  "فعالیت روزانهٔ فروشندگان در ۱۴ روز گذشته",
			Days:        []string{"۲۷ آبان", "۲۸ آبان", "۲۹ آبان", "۳۰ آبان", "۱ آذر", "۲ آذر", "۳ آذر", "۴ آذر", "۵ آذر", "۶ آذر", "۷ آذر", "۸ آذر", "۹ آذر", "۱۰ آذر"},
			Series: []Series{
				{"علی رضایی", activity(1)}, {"سارا محمدی", activity(2)},
				{"Reza (iPhone) کریمی", activity(3)}, {"مریم احمدی", activity(4)},
			},
			Number: digits(persianZero),
		}
	case "ar":
		return Digest{
			Lang:        "ar",
			Title:       "الملخص اليومي لفريق المبيعات — ٢ ديسمبر",
			FunnelTitle: "مسار العملاء",
			Funnel: []Bar{
				{"العميل المشتبه به", 412}, {"العميل المحتمل", 186}, {"عميل لأول مرة", 74},
				{"عميل متكرر", 39}, {"عميل دائم", 18}, {"مدافع", 6}, {"شريك", 0},
			},
			FunnelNotes: []string{"", "٤٥٪", "٤٠٪", "٥٣٪", "٤٦٪", "٣٣٪", "٠٪"},
			TrendTitle:  "نشاط المندوبين اليومي خلال ١٤ يومًا",
			Days:        []string{"١٨/١١", "١٩/١١", "٢٠/١١", "٢١/١١", "٢٢/١١", "٢٣/١١", "٢٤/١١", "٢٥/١١", "٢٦/١١", "٢٧/١١", "٢٨/١١", "٢٩/١١", "٣٠/١١", "١/١٢"},
			Series: []Series{
				{"أحمد الخطيب", activity(1)}, {"فاطمة الزهراء", activity(2)},
				{"Omar Haddad", activity(3)},
			},
			Number: digits(arabicZero),
		}
	}
	return Digest{
		Lang:        "en",
		Title:       "Daily digest: Tehran sales team, Dec 2",
		FunnelTitle: "Customer funnel",
		Funnel: []Bar{
			{"Suspect", 412}, {"Prospect", 186}, {"First-time customer", 74},
			{"Repeat customer", 39}, {"Client", 18}, {"Advocate", 6}, {"Partner", 0},
		},
		FunnelNotes: []string{"", "45%", "40%", "53%", "46%", "33%", "0%"},
		TrendTitle:  "Activities per rep, last 14 days",
		Days:        []string{"Nov 18", "Nov 19", "Nov 20", "Nov 21", "Nov 22", "Nov 23", "Nov 24", "Nov 25", "Nov 26", "Nov 27", "Nov 28", "Nov 29", "Nov 30", "Dec 1"},
		Series: []Series{
			{"Ali Rezaei", activity(1)}, {"Sara Mohammadi", activity(2)},
			{"Reza Karimi", activity(3)}, {"Maryam Ahmadi", activity(4)}, {"John Smith", activity(5)},
		},
	}
}
