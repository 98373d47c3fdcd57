package course_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/course"
)

const day = 24 * time.Hour

// Three no-shows within 90 days restrict for 30 days after the third,
// once; a fourth does not announce it again; a corrected no-show takes
// the restriction back; no-shows further apart than the window do not
// add up.
func TestThreeNoShowsInNinetyDaysRestrictForThirty(t *testing.T) {
	rule := course.DefaultNoShowRule
	s := course.Standing{UserID: "mum"}
	note := func(id string, at time.Time) bool {
		return s.NoteNoShow(course.NoShow{BookingID: id, SessionID: "s-" + id, At: at}, rule, "e-"+id, at, time.UTC)
	}
	note("b1", t0)
	note("b2", t0.Add(40*day))
	if _, ok := s.RestrictedUntil(rule, t0.Add(40*day)); ok || len(s.Pending()) != 0 {
		t.Fatalf("restricted after two no-shows")
	}
	if note("b2", t0.Add(41*day)) {
		t.Fatalf("the same booking counted twice")
	}
	third := t0.Add(89 * day)
	note("b3", third)
	until, ok := s.RestrictedUntil(rule, third)
	if !ok || !until.Equal(third.Add(30*day)) {
		t.Fatalf("after three in 89 days: until %v %v, want %v", until, ok, third.Add(30*day))
	}
	if p := s.Pending(); len(p) != 1 || p[0].Type != course.EventRestricted || p[0].Data["userId"] != "mum" ||
		p[0].Data["until"] != until.Format(time.RFC3339) {
		t.Fatalf("events %+v, want one restriction notice", p)
	}
	note("b4", third.Add(day))
	if len(s.Pending()) != 1 {
		t.Fatalf("a no-show during the restriction announced it again")
	}
	if _, ok := s.RestrictedUntil(rule, third.Add(day+30*day)); ok {
		t.Fatalf("still restricted 30 days after the last no-show")
	}
	if !s.Forget("b4") || !s.Forget("b3") {
		t.Fatal("nothing to forget")
	}
	if _, ok := s.RestrictedUntil(rule, third.Add(day)); ok {
		t.Fatalf("restricted after two no-shows were corrected")
	}

	apart := course.Standing{UserID: "dad"}
	for i, id := range []string{"x1", "x2", "x3"} {
		at := t0.Add(time.Duration(i) * 50 * day)
		apart.NoteNoShow(course.NoShow{BookingID: id, At: at}, rule, "e-"+id, at, time.UTC)
	}
	if _, ok := apart.RestrictedUntil(rule, t0.Add(100*day)); ok {
		t.Fatalf("three no-shows over 100 days restricted")
	}
}

func TestAPriceIsFenWithinBounds(t *testing.T) {
	for price, ok := range map[int64]bool{0: true, 8800: true, course.MaxPriceFen: true, -1: false, course.MaxPriceFen + 1: false} {
		c := valid()
		c.PriceFen = price
		got, err := course.New(c, t0)
		if (err == nil) != ok || (ok && got.Paid() != (price > 0)) {
			t.Errorf("price %d: %v", price, err)
		}
	}
}
