package room_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/room"
)

var now = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func TestRoomsTakeTheStandardOfTheirYoungestChildren(t *testing.T) {
	for _, tc := range []struct {
		band               room.Band
		perStaff, capacity int
	}{
		{room.Band{MinMonths: 6, MaxMonths: 11}, 3, 10},
		{room.Band{MinMonths: 12, MaxMonths: 23}, 5, 15},
		{room.Band{MinMonths: 24, MaxMonths: 35}, 7, 20},
		// A mixed room of 18 to 30 months is run as a 12–24 room.
		{room.Band{MinMonths: 18, MaxMonths: 30}, 5, 15},
	} {
		s := room.NewSetup("p")
		r, err := s.AddRoom("r", room.Spec{Name: "小一班", Band: tc.band}, false, "u", now)
		if err != nil {
			t.Fatal(err)
		}
		if r.ChildrenPerStaff() != tc.perStaff || r.Capacity() != tc.capacity {
			t.Errorf("%+v: 1:%d of %d, want 1:%d of %d", tc.band, r.ChildrenPerStaff(), r.Capacity(), tc.perStaff, tc.capacity)
		}
	}
}

func TestRoomsStayWithinTheStandard(t *testing.T) {
	s := room.NewSetup("p")
	_, err := s.AddRoom("r", room.Spec{Name: "乳儿班", Band: room.Band{MaxMonths: 11}, Capacity: 12}, false, "u", now)
	faulttest.Is(t, err, room.ErrAboveStandard)
	if got := faulttest.Fields(err)["/capacity"]; got != "above_standard" {
		t.Errorf("capacity 12 for babies: %q", got)
	}
	_, err = s.AddRoom("r", room.Spec{Name: "托小班", Band: room.Band{MinMonths: 12, MaxMonths: 23}, ChildrenPerStaff: 6}, false, "u", now)
	faulttest.Is(t, err, room.ErrAboveStandard)
	// Stricter than the standard is allowed.
	r, err := s.AddRoom("r", room.Spec{Name: "托小班", Band: room.Band{MinMonths: 12, MaxMonths: 23}, Capacity: 12, ChildrenPerStaff: 4}, false, "u", now)
	if err != nil || r.Allowed(2) != 8 {
		t.Fatalf("%v, allowed %d", err, r.Allowed(2))
	}
	_, err = s.AddRoom("r2", room.Spec{Name: "托小班", Band: room.Band{MinMonths: 24, MaxMonths: 35}}, false, "u", now)
	faulttest.Is(t, err, room.ErrNameTaken)
	_, err = s.UpdateRoom("r", room.Spec{Name: "托小班", Band: room.Band{MinMonths: 12, MaxMonths: 23}, Capacity: 16}, false, now)
	faulttest.Is(t, err, room.ErrAboveStandard)
	_, err = s.AddRoom("r3", room.Spec{Name: "x", Band: room.Band{MinMonths: 30, MaxMonths: 40}}, false, "u", now)
	faulttest.Is(t, err, room.ErrInvalid)
}

func TestAHomePointTakesFiveChildrenInAll(t *testing.T) {
	s := room.NewSetup("p")
	if _, err := s.AddRoom("a", room.Spec{Name: "大屋", Band: room.Band{MinMonths: 12, MaxMonths: 35}, Capacity: 3}, true, "u", now); err != nil {
		t.Fatal(err)
	}
	_, err := s.AddRoom("b", room.Spec{Name: "小屋", Band: room.Band{MinMonths: 12, MaxMonths: 35}, Capacity: 3}, true, "u", now)
	faulttest.Is(t, err, room.ErrHomePointCap)
	// Left to the standard's default (15), a home point's room is too big.
	_, err = s.AddRoom("b", room.Spec{Name: "小屋", Band: room.Band{MinMonths: 12, MaxMonths: 35}}, true, "u", now)
	faulttest.Is(t, err, room.ErrHomePointCap)
	if _, err := s.AddRoom("b", room.Spec{Name: "小屋", Band: room.Band{MinMonths: 12, MaxMonths: 35}, Capacity: 2}, true, "u", now); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyBounds(t *testing.T) {
	s := room.NewSetup("p")
	if s.Policy() != room.DefaultPolicy {
		t.Fatalf("a new setup has %+v", s.Policy())
	}
	faulttest.Is(t, s.SetPolicy(room.Policy{AbsenceAlertDays: 0}), room.ErrPolicy)
	faulttest.Is(t, s.SetPolicy(room.Policy{AbsenceAlertDays: 3, LateGraceMinutes: 61}), room.ErrPolicy)
	if err := s.SetPolicy(room.Policy{AbsenceAlertDays: 5, LateGraceMinutes: 10}); err != nil {
		t.Fatal(err)
	}
}
