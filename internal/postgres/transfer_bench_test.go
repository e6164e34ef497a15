package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// BenchmarkImport100k imports 100,000 new customers (COPY into a staging
// table, then the set-based merge) in one transaction. Target: ≤ 30 s.
func BenchmarkImport100k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("name,phone,company,city,tags\n")
	for i := range 100_000 {
		fmt.Fprintf(&sb, "مشتری %d,+98912%07d,شرکت %d,تهران,vip\n", i, i, i%500)
	}
	data := []byte(sb.String())
	for range b.N {
		b.StopTimer()
		db := postgres.New(pgtest.DB(b))
		b.StartTimer()
		start := time.Now()
		rep, err := db.Import(context.Background(), data, "IR", cli(), false)
		if err != nil || rep.Created != 100_000 {
			b.Fatalf("%+v %v", rep, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
	}
}
