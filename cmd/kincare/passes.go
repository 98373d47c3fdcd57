package main

import "github.com/prometheus/client_golang/prometheus"

// passCounter counts the passes of the background loops by result, so
// that an operator sees a loop that stopped (a ladder that no longer
// polls is an SOS nobody escalates) and a test knows a pass began after
// what it did: a pass that found nothing to do ("idle") and began later
// than a write has seen it.
type passCounter struct{ c *prometheus.CounterVec }

// The loops and the results their passes count under.
const (
	loopOutboxRelay     = "outbox_relay"
	loopIncidentLadder  = "incident_ladder"
	loopDeviceWatch     = "device_watch"
	loopDueMover        = "due_mover" // only on a moved (test) clock
	loopRecurringOrders = "recurring_orders"
	loopVisitWatch      = "visit_watch"
	loopRemovalRepair   = "removal_repair"

	loopReservationSweep     = "reservation_sweep"
	loopReservationReconcile = "reservation_reconcile"
	loopReservationReminders = "reservation_reminders"

	passIdle   = "idle"   // nothing was due
	passWorked = "worked" // something was done
	passFailed = "failed" // something failed; it is tried again next pass
)

func newPassCounter(reg prometheus.Registerer) passCounter {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kincare_background_passes_total",
		Help: "Completed passes of background loops, by loop and result."}, []string{"loop", "result"})
	for _, l := range []string{loopOutboxRelay, loopIncidentLadder, loopDeviceWatch, loopDueMover,
		loopReservationSweep, loopReservationReconcile, loopReservationReminders, loopRecurringOrders, loopVisitWatch,
		loopRemovalRepair} {
		for _, r := range []string{passIdle, passWorked, passFailed} {
			c.WithLabelValues(l, r)
		}
	}
	reg.MustRegister(c)
	return passCounter{c: c}
}

// done counts one pass of loop that did n things and failed with err.
func (p passCounter) done(loop string, n int, err error) {
	result := passIdle
	switch {
	case err != nil:
		result = passFailed
	case n > 0:
		result = passWorked
	}
	p.c.WithLabelValues(loop, result).Inc()
}
