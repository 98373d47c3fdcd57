package complaint

import (
	"slices"
	"time"
)

// StatsWindow is how far back a provider's public complaint figures look.
const StatsWindow = 90 * 24 * time.Hour

// PublicStats are a provider's complaint figures on its public page.
type PublicStats struct {
	Filed          int // complaints filed in the window
	Answered       int // of those, answered by the provider (late answers too)
	AnsweredInTime int // answered before their deadline
	Escalated      int // taken to the regulator (by the family or the timer)
	Open           int // still waiting for the provider
	// MedianResponse is the median time to answer over the answered ones;
	// meaningless when Answered is 0.
	MedianResponse time.Duration
}

// Summarize computes the figures over the complaints filed in the
// StatsWindow before now; others are ignored.
func Summarize(cs []*Complaint, now time.Time) PublicStats {
	var s PublicStats
	var times []time.Duration
	since := now.Add(-StatsWindow)
	for _, c := range cs {
		if c.filedAt.Before(since) || c.filedAt.After(now) {
			continue
		}
		s.Filed++
		if c.status == StatusOpen {
			s.Open++
		}
		if c.escalation != nil {
			s.Escalated++
		}
		if d, ok := c.ResponseTime(); ok {
			s.Answered++
			if !c.reply.Late && !c.reply.At.After(c.respondBy) {
				s.AnsweredInTime++
			}
			times = append(times, d)
		}
	}
	if n := len(times); n > 0 {
		slices.Sort(times)
		s.MedianResponse = times[n/2]
		if n%2 == 0 {
			s.MedianResponse = (times[n/2-1] + times[n/2]) / 2
		}
	}
	return s
}
