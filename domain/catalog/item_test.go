package catalog_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/service"
)

func TestInclusivePriceRules(t *testing.T) {
	for _, tc := range []struct {
		name         string
		market, incl int64
		agreement    string
		want         *fault.Error
	}{
		{"80 % exactly", 10000, 8000, "", nil},
		{"one fen over 80 %", 10000, 8001, "", catalog.ErrInclusiveTooHigh},
		{"over 80 % with an agreement", 10000, 9000, "徐民养〔2026〕12号", nil},
		{"above market even with an agreement", 10000, 10001, "徐民养〔2026〕12号", catalog.ErrInclusiveTooHigh},
		{"zero price", 0, 0, "", catalog.ErrInvalid},
		{"negative price", -100, 50, "", catalog.ErrInvalid},
	} {
		_, err := catalog.CheckPrice(catalog.Price{MarketFen: tc.market, InclusiveFen: tc.incl, AgreementRef: tc.agreement})
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !fault.Is(err, tc.want)) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestRepricingKeepsEarlierVersions(t *testing.T) {
	now := time.Now()
	it, err := catalog.New(catalog.Item{Type: service.Bathing, Names: catalog.Names{ZhCN: "上门助浴", En: "Bathing at home"},
		Unit: catalog.PerVisit, DurationMinutes: 60, CaregiversNeeded: 2,
		Price: catalog.Price{MarketFen: 20000, InclusiveFen: 15000}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := it.Reprice(catalog.Price{MarketFen: 22000, InclusiveFen: 16000}, now); err != nil {
		t.Fatal(err)
	}
	if err := it.Reprice(catalog.Price{MarketFen: 22000, InclusiveFen: 21000}, now); err == nil {
		t.Fatal("a repricing breaking the cap was accepted")
	}
	if it.Price.Version != 2 || it.Price.InclusiveFen != 16000 {
		t.Fatalf("current %+v", it.Price)
	}
	if p, ok := it.PriceAt(1); !ok || p.InclusiveFen != 15000 {
		t.Fatalf("version 1: %+v %v", p, ok)
	}
	if _, err := catalog.New(catalog.Item{Type: "massage", Unit: "per_moon"}, now); !fault.Is(err, catalog.ErrInvalid) {
		t.Fatalf("bad item: %v", err)
	}
}
