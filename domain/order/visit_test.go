package order_test

import (
	"math"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
)

func TestGeofenceAtPeoplesSquare(t *testing.T) {
	near, far := north(home, 150), north(home, 500)
	if d := geo.Distance(home, near); math.Abs(d-150) > 0.01 {
		t.Fatalf("the near point is %.2f m away", d)
	}
	now := checkInAt

	o := in(t, order.StatusEnRoute)
	must(t, o.CheckIn(cg1, order.Report{DeviceTime: now, Point: near}, order.DefaultCheckInRules, eid(), now))
	in1 := *o.Visit().CheckIn
	if !in1.InsideGeofence || in1.Flagged() || in1.DistanceMetres != 150 {
		t.Fatalf("150 m away: %+v", in1)
	}

	o = in(t, order.StatusEnRoute)
	err := o.CheckIn(cg1, order.Report{DeviceTime: now, Point: far}, order.DefaultCheckInRules, eid(), now)
	faulttest.Is(t, err, order.ErrCheckInReasonRequired)
	if f := faulttest.Fields(err); f["/point"] != "outside_geofence" || len(f) != 1 {
		t.Fatalf("fields %v", f)
	}
	if fe, _ := fault.As(err); fe.Params["distanceMetres"] != 500 || fe.Params["radiusMetres"] != 200 {
		t.Fatalf("params %v", fe.Params)
	}
	if o.Status() != order.StatusEnRoute || o.Visit().CheckIn != nil {
		t.Fatal("a refused check-in was kept")
	}
	must(t, o.CheckIn(cg1, order.Report{DeviceTime: now, Point: far, Reason: "小区门禁，在北门等候"},
		order.DefaultCheckInRules, eid(), now))
	in2 := *o.Visit().CheckIn
	if in2.InsideGeofence || !in2.Flagged() || in2.Reason != "小区门禁，在北门等候" || o.Status() != order.StatusArrived {
		t.Fatalf("500 m with a reason: %+v", in2)
	}
	if e := lastEvent(t, o); e.Type != order.EventArrived || e.Data["flagged"] != "true" {
		t.Fatalf("event %+v", e)
	}

	// A provider whose elders live in big estates sets a wider fence.
	o = in(t, order.StatusEnRoute)
	wide := order.CheckInRules{RadiusMetres: 600, Early: 2 * time.Hour}
	must(t, o.CheckIn(cg1, order.Report{DeviceTime: now, Point: far}, wide, eid(), now))
	if !o.Visit().CheckIn.InsideGeofence {
		t.Fatal("500 m inside a 600 m fence is outside")
	}
	// A zero radius means the default, not "nowhere".
	o = in(t, order.StatusEnRoute)
	must(t, o.CheckIn(cg1, order.Report{DeviceTime: now, Point: near}, order.CheckInRules{Early: 2 * time.Hour}, eid(), now))
}

func TestCheckInNearTheScheduledTime(t *testing.T) {
	cases := []struct {
		name   string
		at     time.Time
		onTime bool
	}{
		{"two hours early", windowStart.Add(-2 * time.Hour), true},
		{"a minute more than two hours early", windowStart.Add(-121 * time.Minute), false},
		{"at the end of the window", windowEnd, true},
		{"a minute after the window", windowEnd.Add(time.Minute), false},
	}
	for _, c := range cases {
		o := in(t, order.StatusAccepted)
		err := o.CheckIn(cg1, order.Report{DeviceTime: c.at, Point: home}, order.DefaultCheckInRules, eid(), c.at)
		if c.onTime {
			if err != nil || !o.Visit().CheckIn.OnTime {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if f := faulttest.Fields(err); f["/deviceTime"] != "outside_window" {
			t.Errorf("%s: %v", c.name, err)
		}
		must(t, o.CheckIn(cg1, order.Report{DeviceTime: c.at, Point: home, Reason: "老人要求提前"},
			order.DefaultCheckInRules, eid(), c.at))
		if ci := o.Visit().CheckIn; ci.OnTime || !ci.Flagged() {
			t.Errorf("%s: %+v", c.name, ci)
		}
	}
}

func TestAPhoneThatWasOfflineIsBelieved(t *testing.T) {
	// The caregiver checked in on time in a basement flat with no signal;
	// the phone sent it at 12:30, after the window had ended.
	device := windowStart.Add(-50 * time.Minute)
	server := windowEnd.Add(30 * time.Minute)
	o := in(t, order.StatusEnRoute)
	must(t, o.CheckIn(cg1, order.Report{DeviceTime: device, Point: home}, order.DefaultCheckInRules, eid(), server))
	ci := *o.Visit().CheckIn
	if ci.ClockAdjusted || !ci.OnTime || !ci.DeviceTime.Equal(device) || !ci.ServerTime.Equal(server) ||
		!ci.At().Equal(device) {
		t.Fatalf("offline check-in: %+v", ci)
	}
	must(t, o.BeginService(cg1, eid(), server))
	// Check-out an hour after check-in by the phone, a minute by the server.
	must(t, o.CheckOut(cg1, order.Report{DeviceTime: device.Add(time.Hour), Point: home}, eid(), server.Add(time.Minute)))
	if co := o.Visit().CheckOut; co.DurationMinutes != 60 || co.ClockAdjusted || !co.At().Equal(device.Add(time.Hour)) {
		t.Fatalf("check-out %+v", co)
	}
}

// The probe: a check-in the phone dates at the acceptance, long
// before the caregiver set off, and a check-out it dates five minutes
// after the server received it, made a 7-minute visit out of seconds.
// Bounded by what the server knows, the visit lasts what it could have:
// the phone's times are kept as sent, and the record is flagged.
func TestAPhoneCannotStretchAVisit(t *testing.T) {
	o := in(t, order.StatusEnRoute) // accepted at acceptAt, set off at startAt
	checkIn := startAt.Add(10 * time.Second)
	must(t, o.CheckIn(cg1, order.Report{DeviceTime: acceptAt, Point: home, Reason: "提前到达"},
		order.DefaultCheckInRules, eid(), checkIn))
	ci := *o.Visit().CheckIn
	if !ci.ClockAdjusted || !ci.At().Equal(startAt) || !ci.DeviceTime.Equal(acceptAt) {
		t.Fatalf("check-in dated before setting off: %+v, want counted at %s, adjusted, the phone's time kept", ci, startAt)
	}
	must(t, o.BeginService(cg1, eid(), checkIn))
	checkOut := checkIn.Add(20 * time.Second)
	must(t, o.CheckOut(cg1, order.Report{DeviceTime: checkOut.Add(5 * time.Minute), Point: home}, eid(), checkOut))
	co := *o.Visit().CheckOut
	if !co.ClockAdjusted || !co.At().Equal(checkOut) || !co.DeviceTime.Equal(checkOut.Add(5*time.Minute)) ||
		co.DurationMinutes != 0 {
		t.Fatalf("check-out dated ahead of its receipt: %+v, want counted at %s, adjusted, 0 minutes", co, checkOut)
	}
	if e := lastEvent(t, o); e.Data["durationMinutes"] != "0" {
		t.Fatalf("the family is told %s minutes", e.Data["durationMinutes"])
	}
}

func TestAPhoneTimeIsBoundedByWhatTheServerKnows(t *testing.T) {
	server := windowStart.Add(-30 * time.Minute)
	soon := acceptAt.Add(2 * time.Hour) // a check-in two hours after accepting
	cases := []struct {
		name     string
		status   order.Status // accepted: never said they set off
		server   time.Time
		device   time.Time
		at       time.Time
		adjusted bool
	}{
		{"unknown", order.StatusEnRoute, server, time.Time{}, server, false},
		{"an hour fast", order.StatusEnRoute, server, server.Add(time.Hour), server, true},
		{"half a minute fast", order.StatusEnRoute, server, server.Add(30 * time.Second), server, false},
		{"just before setting off", order.StatusEnRoute, server, startAt.Add(-time.Minute), startAt, false},
		{"well before setting off", order.StatusEnRoute, server, startAt.Add(-time.Hour), startAt, true},
		{"before accepting, never set off", order.StatusAccepted, soon, acceptAt.Add(-time.Hour), acceptAt, true},
		{"after accepting, never set off", order.StatusAccepted, soon, acceptAt.Add(time.Hour), acceptAt.Add(time.Hour), false},
		{"held longer than a phone may", order.StatusAccepted, server, server.Add(-order.MaxDeviceDelay - time.Hour),
			server.Add(-order.MaxDeviceDelay), true},
	}
	for _, c := range cases {
		o := in(t, c.status)
		must(t, o.CheckIn(cg1, order.Report{DeviceTime: c.device, Point: home, Reason: "时间待核实"},
			order.DefaultCheckInRules, eid(), c.server))
		ci := *o.Visit().CheckIn
		if !ci.At().Equal(c.at) || ci.ClockAdjusted != c.adjusted || !ci.DeviceTime.Equal(c.device) {
			t.Errorf("%s: counted at %s (adjusted %v), want %s (adjusted %v); %+v", c.name, ci.At(), ci.ClockAdjusted,
				c.at, c.adjusted, ci)
		}
	}
	// A check-out the phone dates before the check-in counts from it.
	o := in(t, order.StatusInService) // checked in at checkInAt by both clocks
	must(t, o.CheckOut(cg1, order.Report{DeviceTime: checkInAt.Add(-time.Hour), Point: home}, eid(), checkInAt.Add(45*time.Minute)))
	if co := o.Visit().CheckOut; co.DurationMinutes != 0 || !co.ClockAdjusted || !co.At().Equal(checkInAt) {
		t.Fatalf("check-out before check-in: %+v", co)
	}
	// Without a phone time both ends count by the server.
	o = in(t, order.StatusInService)
	must(t, o.CheckOut(cg1, order.Report{Point: home}, eid(), checkInAt.Add(45*time.Minute)))
	if co := o.Visit().CheckOut; co.DurationMinutes != 45 || co.ClockAdjusted {
		t.Fatalf("check-out %+v", co)
	}
}

// A record written before kincare bounded phone times counts by the
// server's clock.
func TestARecordWithoutACountedTimeCountsByTheServer(t *testing.T) {
	s := in(t, order.StatusInService).Snapshot()
	s.CheckIn.Time = time.Time{}
	o := order.Unmarshal(s)
	if at := o.Visit().CheckIn.At(); !at.Equal(s.CheckIn.ServerTime) {
		t.Fatalf("counted at %s, want the server's %s", at, s.CheckIn.ServerTime)
	}
}

func TestNoCheckOutWithoutCheckIn(t *testing.T) {
	for _, s := range []order.Status{order.StatusAccepted, order.StatusEnRoute} {
		o := in(t, s)
		err := o.CheckOut(cg1, order.Report{DeviceTime: checkInAt, Point: home}, eid(), checkInAt)
		faulttest.Is(t, err, order.ErrTransition)
		if fe, _ := fault.As(err); fe.Params["status"] != string(s) || o.Visit().CheckOut != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestReportsNeedAPointOnTheGlobe(t *testing.T) {
	o := in(t, order.StatusEnRoute)
	err := o.CheckIn(cg1, order.Report{Point: geo.Point{Lat: math.NaN(), Lng: 200}}, order.DefaultCheckInRules, eid(), checkInAt)
	faulttest.Is(t, err, order.ErrRecordInvalid)
	if f := faulttest.Fields(err); f["/point/lat"] != "range" || f["/point/lng"] != "range" {
		t.Fatalf("fields %v", f)
	}
}

func TestANoShowWaitsItsTime(t *testing.T) {
	o := in(t, order.StatusEnRoute)
	err := o.NoShowCaregiver(daughter, "", eid(), windowStart.Add(order.NoShowGrace-time.Second))
	faulttest.Is(t, err, order.ErrTooEarly)
	if fe, _ := fault.As(err); fe.Params["notBefore"] != windowStart.Add(order.NoShowGrace).UTC().Format(time.RFC3339) {
		t.Fatalf("params %v", fe.Params)
	}
	must(t, o.NoShowCaregiver(daughter, "等了半小时没人来", eid(), windowStart.Add(order.NoShowGrace)))

	o = in(t, order.StatusArrived)
	faulttest.Is(t, o.NoShowRecipient(cg1, "", eid(), checkInAt.Add(order.RecipientWait-time.Second)), order.ErrTooEarly)
	must(t, o.NoShowRecipient(dispatcher, "", eid(), checkInAt.Add(order.RecipientWait)))
}
