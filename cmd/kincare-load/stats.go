package main

import (
	"math"
	"slices"
	"time"
)

// percentile is the nearest-rank percentile of sorted latencies: the
// smallest sample at or above p percent of all samples. Nearest rank
// never invents a latency no request had, which interpolation would, and
// p99 of few samples is then honestly the worst one rather than a blend.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// merge joins the workers' latency slices and sorts the result. Workers
// keep their own slices so the hot path shares no lock; merging once at
// the end is cheap by comparison.
func merge(perWorker [][]time.Duration) []time.Duration {
	var n int
	for _, w := range perWorker {
		n += len(w)
	}
	all := make([]time.Duration, 0, n)
	for _, w := range perWorker {
		all = append(all, w...)
	}
	slices.Sort(all)
	return all
}
