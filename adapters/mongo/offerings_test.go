package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/testenv"
)

func TestOfferings(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	offerings := store.Offerings()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 555_000_000, time.UTC)

	t.Run("every field round-trips", func(t *testing.T) {
		half := childcare.Offering{ID: "of-half", ProviderID: "p-1",
			Names:    catalog.Names{ZhCN: "半日托（上午）", En: "Half-day (morning)"},
			CareType: childcare.HalfDay, Ages: childcare.AgeRange{MinMonths: 12, MaxMonths: 35},
			Capacity: reservation.Capacity{Total: 20, InclusiveQuota: 8},
			Price: catalog.Price{Version: 3, MarketFen: 150_000, InclusiveFen: 120_000, AgreementRef: "协议-2026-07",
				From: now.Add(-time.Hour)},
			Schedule: childcare.Schedule{Weekdays: []int{1, 2, 3, 4, 5},
				Sessions: []childcare.Session{{Start: "08:00", End: "12:00"}, {Start: "13:30", End: "17:30"}}},
			HoldTTL: 15*time.Minute + 250*time.Millisecond, MaxHoldsPerUser: 3, Active: true,
			CreatedBy: "u-admin", CreatedAt: now}
		full := childcare.Offering{ID: "of-full", ProviderID: "p-1", Names: catalog.Names{ZhCN: "全日托"},
			CareType: childcare.FullDay, Capacity: reservation.Capacity{Total: 5},
			Price:   catalog.Price{Version: 1, MarketFen: 300_000, From: now},
			HoldTTL: reservation.DefaultHoldTTL, MaxHoldsPerUser: 2, CreatedAt: now}
		for _, o := range []childcare.Offering{half, full} {
			if err := offerings.Create(ctx, o); err != nil {
				t.Fatal(err)
			}
			got, err := offerings.Get(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, o) {
				t.Fatalf("read back\n%+v\nwant\n%+v", got, o)
			}
		}
		if err := offerings.Create(ctx, half); err == nil {
			t.Fatal("an offering was created twice")
		}
		if _, err := offerings.Get(ctx, "nowhere"); !fault.Is(err, childcare.ErrNotFound) {
			t.Fatalf("unknown: %v", err)
		}
	})

	t.Run("a provider's offerings page by id", func(t *testing.T) {
		var want []string
		for i := range 5 {
			id := fmt.Sprintf("of-list-%d", i)
			want = append(want, id)
			for _, p := range []string{"p-list", "p-else"} {
				o := childcare.Offering{ID: id + "-" + p, ProviderID: p, Names: catalog.Names{ZhCN: "计时托"},
					CareType: childcare.Hourly, CreatedAt: now}
				if p == "p-list" {
					o.ID = id
				}
				if err := offerings.Create(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
		}
		var got []string
		p := page.Request{Limit: 2}
		for range 10 {
			list, more, err := offerings.ListByProvider(ctx, "p-list", p)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range list {
				got = append(got, o.ID)
			}
			if !more {
				break
			}
			p.After = list[len(list)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages %v, want %v", got, want)
		}
		if list, more, err := offerings.ListByProvider(ctx, "p-none", page.Request{Limit: 2}); err != nil ||
			len(list) != 0 || more {
			t.Fatalf("a provider without offerings: %v %v %v", list, more, err)
		}
	})
}
