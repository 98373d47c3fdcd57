package loadkit

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPercentiles(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, c := range []struct {
		n                 int
		p50, p99, maxWant int
	}{
		{1, 1, 1, 1},
		{2, 2, 2, 2},        // the upper median; 2×99/100 = 1
		{100, 51, 100, 100}, // index 50, index 99
		{1000, 501, 991, 1000},
	} {
		sorted := make([]time.Duration, c.n)
		for i := range sorted {
			sorted[i] = ms(i + 1)
		}
		p50, p99, maxLat := percentiles(sorted)
		if p50 != ms(c.p50) || p99 != ms(c.p99) || maxLat != ms(c.maxWant) {
			t.Errorf("n=%d: p50 %v, p99 %v, max %v; want %v, %v, %v", c.n, p50, p99, maxLat,
				ms(c.p50), ms(c.p99), ms(c.maxWant))
		}
	}
}

func TestMerge(t *testing.T) {
	from := time.Now()
	ws := []*worker{
		{lat: []time.Duration{3, 1}, outcomes: map[string]int{"201": 2}, warm: map[string]int{"201": 1},
			tries: 4, last: from.Add(2 * time.Second)},
		{lat: []time.Duration{2, 4}, outcomes: map[string]int{"201": 1, "409 slot_full": 1},
			warm: map[string]int{"409 slot_full": 2}, tries: 5, last: from.Add(time.Second)},
		{outcomes: map[string]int{}, warm: map[string]int{}}, // measured nothing
	}
	r := merge(ws, from)
	if r.N != 4 || r.WarmN != 3 || r.Calls() != 7 || r.Tries != 9 {
		t.Errorf("N %d, WarmN %d, Calls %d, Tries %d; want 4, 3, 7, 9", r.N, r.WarmN, r.Calls(), r.Tries)
	}
	if r.RPS != 2 { // 4 calls over the 2 s to the last answer
		t.Errorf("RPS %v, want 2", r.RPS)
	}
	if r.P50 != 3 || r.P99 != 4 || r.Max != 4 {
		t.Errorf("p50 %v, p99 %v, max %v; want 3, 4, 4", r.P50, r.P99, r.Max)
	}
	if got := Outcomes(r.Outcomes, " × "); got != "3 × 201, 1 × 409 slot_full" {
		t.Errorf("outcomes %q", got)
	}
	if got := Outcomes(r.Warm, " "); got != "1 201, 2 409 slot_full" {
		t.Errorf("warm-up outcomes %q", got)
	}

	if r := merge(nil, from); r.N != 0 || r.RPS != 0 || r.Max != 0 || Outcomes(r.Outcomes, " ") != "none" {
		t.Errorf("nothing measured: %+v", r)
	}
}

func TestDrive(t *testing.T) {
	r := Drive(4, 20*time.Millisecond, 50*time.Millisecond, func(worker int, n int64, rng *rand.Rand) Call {
		return func() (string, int) {
			time.Sleep(time.Millisecond)
			if n%2 == 0 {
				return "even", 2
			}
			return "odd", 1
		}
	})
	if r.N == 0 || r.WarmN == 0 || r.RPS <= 0 || r.P50 < time.Millisecond || r.Max < r.P99 || r.P99 < r.P50 {
		t.Fatalf("implausible: %+v", r)
	}
	if got := r.Outcomes["even"] + r.Outcomes["odd"]; got != r.N {
		t.Errorf("outcomes %v add up to %d, not %d", r.Outcomes, got, r.N)
	}
	if r.Tries < r.Calls() || r.Tries > 2*r.Calls() {
		t.Errorf("%d tries for %d calls", r.Tries, r.Calls())
	}
}

func TestMachine(t *testing.T) {
	c := CPU{"a": 3 * time.Millisecond, "b": time.Second}.Minus(CPU{"a": time.Millisecond})
	if c["a"] != 2*time.Millisecond || c["b"] != time.Second {
		t.Errorf("Minus: %v", c)
	}
	if got := c.MicrosPer("a", 4); got != 500 {
		t.Errorf("MicrosPer: %v, want 500", got)
	}
	if got := CPUTimes(map[string]int{"none": 0}); len(got) != 0 {
		t.Errorf("pid 0 read as %v", got)
	}
}
