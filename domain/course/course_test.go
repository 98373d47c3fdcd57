package course_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/reservation"
)

// calendar-safe: a fixed instant the rules are computed from, never a "today".
var t0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

func venue() *geo.Address {
	return &geo.Address{City: "上海市", Street: "南京西路 1 号", RegionCode: "310106", Location: geo.Point{Lat: 31.23, Lng: 121.47}}
}

func valid() course.Course {
	return course.Course{ID: "c1", ProviderID: "p1", Title: course.Text{ZhCN: "婴儿睡眠"}, Description: course.Text{ZhCN: "说明"},
		Topics: []course.Topic{"sleep"}, Audience: course.Audience{Kind: course.Parents, MinMonths: 0, MaxMonths: 12},
		Format: course.Offline, Venue: venue(), Speaker: course.Speaker{Name: "李医生"}, Seats: 20}
}

func TestACourseTakesItsDefaultsAndRefusesWhatCannotBe(t *testing.T) {
	c, err := course.New(valid(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.BookingCloses != course.DefaultCloses || c.CancelCutoff != course.DefaultCutoff || c.OfferTTL != course.DefaultOfferTTL {
		t.Errorf("defaults: %s %s %s", c.BookingCloses, c.CancelCutoff, c.OfferTTL)
	}
	for name, change := range map[string]func(*course.Course){
		"online with a venue":   func(c *course.Course) { c.Format = course.Online },
		"offline without venue": func(c *course.Course) { c.Venue = nil },
		"ages reversed":         func(c *course.Course) { c.Audience.MinMonths, c.Audience.MaxMonths = 24, 6 },
		"unknown topic":         func(c *course.Course) { c.Topics = []course.Topic{"astrology"} },
		"a topic twice":         func(c *course.Course) { c.Topics = []course.Topic{"sleep", "sleep"} },
		"no seats":              func(c *course.Course) { c.Seats = 0 },
		"too many seats":        func(c *course.Course) { c.Seats = reservation.MaxCapacity + 1 },
		"no speaker":            func(c *course.Course) { c.Speaker.Name = " " },
		"no title":              func(c *course.Course) { c.Title.ZhCN = "" },
		"offer too long":        func(c *course.Course) { c.OfferTTL = 2 * time.Hour },
	} {
		c := valid()
		change(&c)
		if _, err := course.New(c, t0); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			faulttest.Is(t, err, course.ErrInvalid)
		}
	}
	caregivers := valid()
	caregivers.Audience = course.Audience{Kind: course.Caregivers, MinMonths: 5, MaxMonths: 1}
	c, err = course.New(caregivers, t0)
	if err != nil || !c.Audience.For(400) {
		t.Errorf("a caregivers' course: %v, for anyone: %v", err, c.Audience.For(400))
	}
}

func TestCheckInOpensFifteenMinutesAheadWithTheRightCode(t *testing.T) {
	c, _ := course.New(valid(), t0)
	start := t0.Add(48 * time.Hour)
	s, err := course.NewSession(c, "s1", start, start.Add(90*time.Minute), "Asia/Shanghai", "", "123456", t0)
	if err != nil {
		t.Fatal(err)
	}
	end := start.Add(90 * time.Minute)
	faulttest.Is(t, s.CheckIn("b1", "u1", "123456", start, end, start.Add(-16*time.Minute)), course.ErrCheckInNotOpen)
	faulttest.Is(t, s.CheckIn("b1", "u1", "654321", start, end, start.Add(-15*time.Minute)), course.ErrCheckInCode)
	if err := s.CheckIn("b1", "u1", "123456", start, end, start.Add(-15*time.Minute)); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, s.CheckIn("b1", "u1", "123456", start, end, end), course.ErrCheckInNotOpen)
	if a, ok := s.AttendanceOf("b1"); !ok || !a.Attended || a.By != "self" {
		t.Errorf("attendance %+v", a)
	}
	faulttest.Is(t, s.Mark("b2", "u2", false, "staff", start, start.Add(-time.Minute)), course.ErrAbsentTooEarly)
	if err := s.Mark("b2", "u2", false, "staff", start, start); err != nil {
		t.Fatal(err)
	}
	if course.JoinOpen(start, end, start.Add(-31*time.Minute)) || !course.JoinOpen(start, end, start.Add(-30*time.Minute)) ||
		course.JoinOpen(start, end, end) {
		t.Error("the join window is not [start-30m, end)")
	}
	faulttest.Is(t, s.Cancel("  ", start, t0), reservation.ErrReasonRequired)
	faulttest.Is(t, s.Cancel("下雨", start, start), course.ErrSessionStarted)
	if err := s.Cancel("下雨", start, t0); err != nil || s.Status != course.Cancelled {
		t.Fatalf("cancel: %v, %s", err, s.Status)
	}
	faulttest.Is(t, s.Mark("b1", "u1", true, "staff", start, start), course.ErrSessionCancelled)
}

func TestASessionIsNeitherPastNorTooLongNorLinklessOnline(t *testing.T) {
	c, _ := course.New(valid(), t0)
	start := t0.Add(time.Hour)
	for name, err := range map[string]error{
		"past":      course.CheckWindow(t0.Add(-time.Hour), t0, t0),
		"too short": course.CheckWindow(start, start.Add(5*time.Minute), t0),
		"too long":  course.CheckWindow(start, start.Add(13*time.Hour), t0),
		"a link offline": func() error {
			_, err := course.NewSession(c, "s", start, start.Add(time.Hour), "Asia/Shanghai", "https://x.example/r", "1", t0)
			return err
		}(),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	online := valid()
	online.Format, online.Venue = course.Online, nil
	oc, _ := course.New(online, t0)
	for _, link := range []string{"", "http://plain.example/r", "javascript:alert(1)"} {
		if _, err := course.NewSession(oc, "s", start, start.Add(time.Hour), "Asia/Shanghai", link, "1", t0); err == nil {
			t.Errorf("online session with link %q accepted", link)
		}
	}
}

// Reminders and the waitlist's closing are recorded with the slot, named
// by the instant they are about, and only while still ahead.
func TestScheduleRecordsWhatIsStillAhead(t *testing.T) {
	start := t0.Add(30 * time.Hour)
	sl, err := reservation.New(reservation.Draft{ID: "s1", Resource: reservation.Resource{Kind: reservation.ClassSession, ID: "s1"},
		ProviderID: "p", Window: reservation.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 2}, Rules: reservation.Rules{HoldsCloseAt: start.Add(-time.Hour), OneSeatPerUser: true}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	course.Schedule(sl, "婴儿睡眠", t0)
	due := map[string]time.Time{}
	for _, e := range sl.Pending() {
		due[e.ID] = e.Due()
	}
	if len(due) != 3 || due[course.ReminderID("s1", start, "24h")] != start.Add(-24*time.Hour) ||
		due[course.ReminderID("s1", start, "1h")] != start.Add(-time.Hour) {
		t.Fatalf("scheduled %v", due)
	}
	late, _ := reservation.New(reservation.Draft{ID: "s2", Resource: reservation.Resource{Kind: reservation.ClassSession, ID: "s2"},
		ProviderID: "p", Window: reservation.Window{Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 2}}, t0)
	course.Schedule(late, "婴儿睡眠", t0)
	if n := len(late.Pending()); n != 2 { // the 1 h reminder and the closing; 24 h ahead has passed
		t.Fatalf("a session two hours ahead recorded %d events", n)
	}
	// One seat a person on a class.
	if _, _, err := sl.Confirm(reservation.Seat{HoldID: "s1_a", Tier: reservation.Market, BookedBy: "u"}, t0); err != nil {
		t.Fatal(err)
	}
	_, _, err = sl.Confirm(reservation.Seat{HoldID: "s1_b", Tier: reservation.Market, BookedBy: "u"}, t0)
	faulttest.Is(t, err, reservation.ErrAlreadyBooked)
	sl.CloseHolds(t0)
	if sl.OpenForHolds(t0) {
		t.Error("a closed slot still takes holds")
	}
}

func TestAnEditKeepsWhatSessionsCopiedAndChecksTheRest(t *testing.T) {
	c, err := course.New(valid(), t0)
	if err != nil {
		t.Fatal(err)
	}
	seats, price := 30, int64(5000)
	title := course.Text{ZhCN: "  新生儿睡眠  ", En: "Newborn sleep"}
	e, err := c.Edit(course.Patch{Title: &title, Seats: &seats, PriceFen: &price})
	if err != nil {
		t.Fatal(err)
	}
	if e.Title.ZhCN != "新生儿睡眠" || e.Seats != 30 || e.PriceFen != 5000 || e.ID != c.ID || !e.CreatedAt.Equal(c.CreatedAt) ||
		e.Format != c.Format || e.CancelCutoff != c.CancelCutoff {
		t.Fatalf("edited %+v", e)
	}
	zero := 0
	if _, err := c.Edit(course.Patch{Seats: &zero}); err == nil {
		t.Fatal("an edit to no seats was taken")
	}
}
