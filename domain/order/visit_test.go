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
	if !ci.DeviceTimeTrusted || !ci.OnTime || !ci.DeviceTime.Equal(device) || !ci.ServerTime.Equal(server) ||
		!ci.At().Equal(device) {
		t.Fatalf("offline check-in: %+v", ci)
	}
	must(t, o.BeginService(cg1, eid(), server))
	// Check-out an hour after check-in by the phone, a minute by the server.
	must(t, o.CheckOut(cg1, order.Report{DeviceTime: device.Add(time.Hour), Point: home}, eid(), server.Add(time.Minute)))
	if co := o.Visit().CheckOut; co.DurationMinutes != 60 || !co.DeviceTimeTrusted {
		t.Fatalf("check-out %+v", co)
	}
}

func TestAPhoneClockThatCannotBeRightIsNotBelieved(t *testing.T) {
	server := windowStart.Add(-30 * time.Minute)
	cases := []struct {
		name   string
		device time.Time
	}{
		{"unknown", time.Time{}},
		{"an hour fast", server.Add(time.Hour)},
		{"held offline for more than 12 h", server.Add(-order.MaxDeviceDelay - time.Minute)},
		{"before the order was accepted", acceptAt.Add(-time.Minute)},
	}
	for _, c := range cases {
		o := in(t, order.StatusEnRoute)
		must(t, o.CheckIn(cg1, order.Report{DeviceTime: c.device, Point: home}, order.DefaultCheckInRules, eid(), server))
		ci := *o.Visit().CheckIn
		if ci.DeviceTimeTrusted || !ci.At().Equal(server) || !ci.DeviceTime.Equal(c.device) {
			t.Errorf("%s: %+v", c.name, ci)
		}
		// Judged by the server, 30 min before the start is on time.
		if !ci.OnTime {
			t.Errorf("%s: judged by the wrong clock", c.name)
		}
	}
	// Four minutes fast is an ordinary phone.
	o := in(t, order.StatusEnRoute)
	must(t, o.CheckIn(cg1, order.Report{DeviceTime: server.Add(4 * time.Minute), Point: home}, order.DefaultCheckInRules, eid(), server))
	if !o.Visit().CheckIn.DeviceTimeTrusted {
		t.Fatal("a phone 4 min fast is not believed")
	}
	// A check-out whose phone cannot be believed counts by the server on
	// both ends, never mixing clocks.
	o = in(t, order.StatusInService) // checked in at checkInAt by both clocks
	must(t, o.CheckOut(cg1, order.Report{Point: home}, eid(), checkInAt.Add(45*time.Minute)))
	if co := o.Visit().CheckOut; co.DurationMinutes != 45 || co.DeviceTimeTrusted {
		t.Fatalf("check-out %+v", co)
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
