package loadkit

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A Call is one timed request. It answers its outcome ("201",
// "409 slot_full", "granted", "error") and how many tries it made (1
// unless it retried).
type Call func() (outcome string, tries int)

// Next prepares a worker's next call, untimed. n numbers the calls of one
// Drive across all workers from 1; rng is the worker's own, seeded by its
// index, so a run draws the same sequence per worker.
type Next func(worker int, n int64, rng *rand.Rand) Call

// Result is what a Drive measured. N, the percentiles and RPS count the
// measured calls only; Warm counts the warm-up's outcomes and WarmN its
// calls. Tries counts the tries of both.
type Result struct {
	N, WarmN       int
	Tries          int
	RPS            float64
	P50, P99, Max  time.Duration
	Outcomes, Warm map[string]int
}

// Calls is every call made, warm-up included: the divisor of CPU per
// call, since the CPU readings span the warm-up too.
func (r Result) Calls() int { return r.N + r.WarmN }

// Drive runs conns workers closed-loop: each prepares a call, makes it,
// and at once prepares the next. Calls started in the first warmup are
// counted but not timed; calls started in the d after it are timed; a
// worker stops at the first call it would start after that. Each worker
// keeps its own latencies and counts, so the hot path takes no lock.
// RPS is the measured calls over the time from the end of the warm-up to
// the last measured call's answer.
func Drive(conns int, warmup, d time.Duration, next Next) Result {
	var seq atomic.Int64
	measureFrom := time.Now().Add(warmup)
	until := measureFrom.Add(d)
	ws := make([]*worker, conns)
	var wg sync.WaitGroup
	for i := range ws {
		w := &worker{lat: make([]time.Duration, 0, 1<<15), outcomes: map[string]int{}, warm: map[string]int{}}
		ws[i] = w
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		wg.Go(func() {
			for {
				call := next(i, seq.Add(1), rng)
				t0 := time.Now()
				if !t0.Before(until) {
					return
				}
				outcome, tries := call()
				t1 := time.Now()
				w.tries += tries
				if t0.Before(measureFrom) {
					w.warm[outcome]++
					continue
				}
				w.lat = append(w.lat, t1.Sub(t0))
				w.outcomes[outcome]++
				w.last = t1
			}
		})
	}
	wg.Wait()
	return merge(ws, measureFrom)
}

// worker is one Drive worker's own tally.
type worker struct {
	lat            []time.Duration
	outcomes, warm map[string]int
	tries          int
	last           time.Time // the answer to its last measured call
}

// merge adds up the workers' tallies; the measured time runs from
// measureFrom to the latest answer any worker had.
func merge(ws []*worker, measureFrom time.Time) Result {
	r := Result{Outcomes: map[string]int{}, Warm: map[string]int{}}
	var lat []time.Duration
	end := measureFrom
	for _, w := range ws {
		lat = append(lat, w.lat...)
		r.Tries += w.tries
		for o, n := range w.outcomes {
			r.Outcomes[o] += n
		}
		for o, n := range w.warm {
			r.Warm[o] += n
			r.WarmN += n
		}
		if w.last.After(end) {
			end = w.last
		}
	}
	slices.Sort(lat)
	r.N = len(lat)
	if r.N > 0 {
		r.RPS = float64(r.N) / end.Sub(measureFrom).Seconds()
		r.P50, r.P99, r.Max = percentiles(lat)
	}
	return r
}

// percentiles of sorted, which is not empty: the median (the upper one
// of an even count), the 99th (the element at n×99/100, rounded down),
// and the largest.
func percentiles(sorted []time.Duration) (p50, p99, maxLat time.Duration) {
	n := len(sorted)
	return sorted[n/2], sorted[min(n-1, n*99/100)], sorted[n-1]
}

// Outcomes lists counts by outcome, in the outcomes' order, as
// "n<sep>outcome" joined by ", ": Outcomes(m, " × ") is
// "30 × 201, 5116 × 409 slot_full". An empty m is "none".
func Outcomes(m map[string]int, sep string) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d%s%s", m[k], sep, k)
	}
	return strings.Join(parts, ", ")
}
