package region_test

import (
	"testing"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/region"
)

func TestAResidentFigureHoldsUntilTheNextYearsIsEntered(t *testing.T) {
	r := region.Residents{Code: "310104"}
	for _, f := range []region.Figure{{Year: 2024, Aged60Plus: 300_000}, {Year: 2022, Aged60Plus: 280_000},
		{Year: 2024, Aged60Plus: 310_000}} {
		if err := r.Set(f, 2025); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.Figures) != 2 || r.Figures[0].Year != 2022 || r.Figures[1].Aged60Plus != 310_000 {
		t.Fatalf("figures %+v", r.Figures)
	}
	for year, want := range map[int]int64{2021: 0, 2022: 280_000, 2023: 280_000, 2024: 310_000, 2025: 310_000} {
		if f, ok := r.For(year); f.Aged60Plus != want || ok != (want > 0) {
			t.Errorf("%d: %+v %v, want %d", year, f, ok, want)
		}
	}
	for _, c := range []struct {
		f    region.Figure
		code string
	}{
		{region.Figure{Year: 2026, Aged60Plus: 1}, "year_in_future"},
		{region.Figure{Year: 1999, Aged60Plus: 1}, "residents_invalid"},
		{region.Figure{Year: 2024, Aged60Plus: 0}, "residents_invalid"},
		{region.Figure{Year: 2024, Aged60Plus: region.MaxAged60Plus + 1}, "residents_invalid"},
	} {
		err := r.Set(c.f, 2025)
		if fe, ok := fault.As(err); !ok || fe.Code != c.code {
			t.Errorf("%+v: %v, want %s", c.f, err, c.code)
		}
	}
}
