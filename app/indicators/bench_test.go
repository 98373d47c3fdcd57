package indicators_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/app/indicators"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/test/testenv"
)

// BenchmarkIndicatorTable reads one district-month's table at a real
// district's size — 3,000 orders, 200 complaints and 200 alarms in the
// month, beside a neighbouring district's month and its own previous
// month of 1,000 orders each — and the 12-month trend of their city, on
// the embedded store as the server runs it (no query verification). Run by hand
// (docs/benchmarks.md):
//
//	go test -run '^$' -bench IndicatorTable -benchtime 20x ./app/indicators
func BenchmarkIndicatorTable(b *testing.B) {
	store := benchStore(b)
	facts := store.IndicatorFacts()
	clock := testenv.NewClock(time.Now())
	svc := indicators.NewService(indicators.Deps{Facts: facts, Now: clock.Now})
	month := indicator.MonthOf(clock.Now())
	put := func(f indicator.Fact) {
		if err := facts.Put(b.Context(), f); err != nil {
			b.Fatal(err)
		}
	}
	types := []string{"bathing", "cleaning", "meal_aid", "medical_escort", "home_visit"}
	outcomes := []indicator.Outcome{indicator.OutcomeCompleted, indicator.OutcomeCompleted, indicator.OutcomeCompleted,
		indicator.OutcomeCancelled, indicator.OutcomeOpen, indicator.OutcomeExpired}
	for _, bucket := range []struct {
		code         string
		m            indicator.Month
		orders, more int
	}{{"310104", month, 3000, 200}, {"310105", month, 1000, 50}, {"310104", month.Add(-1), 1000, 50}} {
		code, m := bucket.code, bucket.m
		{
			for i := range bucket.orders {
				put(indicator.Fact{Key: fmt.Sprintf("order:%s-%s-%d", code, m, i), Kind: indicator.KindOrder, RegionCode: code,
					Month: m, Version: 5, ServiceType: types[i%len(types)], Outcome: outcomes[i%len(outcomes)],
					Accepted: i%6 != 5, ResponseSec: int64(60 + i%900), CheckedIn: i%3 == 0, OnTime: i%7 != 0,
					ClockAdjusted: i%50 == 0})
			}
			for i := range bucket.more {
				due := m.Start().Add(48 * time.Hour)
				put(indicator.Fact{Key: fmt.Sprintf("complaint:%s-%s-%d", code, m, i), Kind: indicator.KindComplaint,
					RegionCode: code, Month: m, Version: 3, RespondBy: due, Replied: i%4 != 0,
					RepliedAt: due.Add(time.Duration(i%3-2) * time.Hour), ResponseSec: int64(3600 + i*60), Escalated: i%10 == 0})
			}
			for i := range bucket.more {
				put(indicator.Fact{Key: fmt.Sprintf("incident:%s-%s-%d", code, m, i), Kind: indicator.KindIncident,
					RegionCode: code, Month: m, Version: 2, AlarmKind: "sos", Acknowledged: i%9 != 0, ResponseSec: int64(30 + i)})
			}
		}
	}
	b.Run("district-month", func(b *testing.B) {
		for b.Loop() {
			r, err := svc.Table(b.Context(), platform, indicators.Query{Region: "310104", Month: month.String()})
			if err != nil || len(r.Table.Values) == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("city-trend", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Trend(b.Context(), platform, indicators.Query{Region: "310100"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchStore is the embedded store as the server runs it: writes
// serialized, reads through SQL, answers not compared with FerretDB's.
func benchStore(b *testing.B) *mongo.Store {
	m, err := embedded.StartMongo(b.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close(context.Background()) })
	store, err := mongo.Connect(context.Background(), m.URI(), mongo.Options{Database: "bench", MaxPool: 4,
		SerializeWrites: true, SQLiteDir: m.Dir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Close(context.Background()) })
	if err := store.EnsureIndexes(context.Background()); err != nil {
		b.Fatal(err)
	}
	return store
}
