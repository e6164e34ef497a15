package calendar

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"testing"
	"time"
)

// icuDay is one line of testdata/umalqura_days.js: a Gregorian day and its
// Umm al-Qura date according to ICU.
type icuDay struct {
	gregorian time.Time // midnight UTC
	hijri     Date
}

// icuDays runs testdata/umalqura_days.js with Node.js and returns every day it
// prints. It fails the test, rather than skipping it, when node is missing.
func icuDays(tb testing.TB) []icuDay {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Fatalf("node not found (%v): the Hijri test compares the Umm al-Qura table with ICU's "+
			"islamic-umalqura calendar in Node.js; install the Debian package: apt-get install nodejs (make deps does)", err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(node, "testdata/umalqura_days.js")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("node testdata/umalqura_days.js: %v\n%s", err, stderr.Bytes())
	}
	var days []icuDay
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var g string
		var h Date
		if _, err := fmt.Sscanf(sc.Text(), "%s %d %d %d", &g, &h.Year, &h.Month, &h.Day); err != nil {
			tb.Fatalf("node printed %q: %v", sc.Text(), err)
		}
		t, err := time.Parse(time.DateOnly, g)
		if err != nil {
			tb.Fatalf("node printed %q: %v", sc.Text(), err)
		}
		if n := len(days); n > 0 && !t.Equal(days[n-1].gregorian.AddDate(0, 0, 1)) {
			tb.Fatalf("node skipped from %s to %s", days[n-1].gregorian.Format(time.DateOnly), g)
		}
		days = append(days, icuDay{t, h})
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("reading node's output: %v", err)
	}
	return days
}

// TestHijriAgainstICU checks every day of 1356–1500 AH in both directions,
// every month length, and that the days just outside the range are refused,
// against ICU's islamic-umalqura calendar as Node.js reports it day by day.
// (The table was generated from ICU month starts by gen_hijri.js; this test
// reads ICU afresh, day by day, so it checks the generator, the table and the
// arithmetic over it.)
func TestHijriAgainstICU(t *testing.T) {
	riyadh := mustLoc(t, "Asia/Riyadh")
	days := icuDays(t)
	if first, last := days[0].hijri, days[len(days)-1].hijri; first.Year >= MinHijriYear || last.Year <= MaxHijriYear {
		t.Fatalf("node printed %s to %s; want a few days either side of %d–%d AH", first, last, MinHijriYear, MaxHijriYear)
	}

	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		if bad++; bad == 20 {
			t.Fatalf("stopping after %d mismatches", bad)
		}
	}
	length := map[[2]int]int{}
	inRange := 0
	for _, day := range days {
		g, h := day.gregorian, day.hijri
		gs := g.Format(time.DateOnly)
		// The last minute of the day in Riyadh: FromTime reads t's own location.
		local := time.Date(g.Year(), g.Month(), g.Day(), 23, 59, 0, 0, riyadh)
		if h.Year < MinHijriYear || h.Year > MaxHijriYear {
			if got := FromTime(Hijri, local); !got.IsZero() {
				fail("FromTime(hijri, %s) = %s; want the zero Date (ICU: %s, out of range)", gs, got, h)
			}
			if got, err := h.Time(Hijri, riyadh, 0, 0); !errors.Is(err, ErrInvalidDate) {
				fail("hijri %s.Time = %s, %v; want ErrInvalidDate (out of range)", h, got, err)
			}
			continue
		}
		inRange++
		length[[2]int{h.Year, h.Month}]++
		if got := FromTime(Hijri, local); got != h {
			fail("FromTime(hijri, %s) = %s; want %s (ICU)", gs, got, h)
		}
		got, err := h.Time(Hijri, riyadh, 0, 0)
		if want := time.Date(g.Year(), g.Month(), g.Day(), 0, 0, 0, 0, riyadh); err != nil || !got.Equal(want) {
			fail("hijri %s.Time = %s, %v; want %s (ICU)", h, got, err, want)
		}
	}

	months := 0
	for y := MinHijriYear; y <= MaxHijriYear; y++ {
		for m := 1; m <= 12; m++ {
			months++
			want := length[[2]int{y, m}]
			if got := DaysInMonth(Hijri, y, m); got != want {
				fail("DaysInMonth(hijri, %d, %d) = %d; want %d (ICU)", y, m, got, want)
			}
			if d := (Date{y, m, want + 1}); d.Validate(Hijri) == nil {
				fail("hijri %s is valid; want ErrInvalidDate: ICU's month has %d days", d, want)
			}
		}
	}
	t.Logf("compared %d days and %d months with ICU", inRange, months)
}

func TestHijriFromTimeOutOfRange(t *testing.T) {
	for _, g := range []string{"1937-03-13", "2077-11-17", "1900-01-01", "2100-01-01"} {
		day, _ := time.Parse(time.DateOnly, g)
		if got := FromTime(Hijri, day); !got.IsZero() {
			t.Errorf("FromTime(hijri, %s) = %s; want the zero Date (outside %d–%d AH)", g, got, MinHijriYear, MaxHijriYear)
		}
	}
}
