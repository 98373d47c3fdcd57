package reservation

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Waiter is a user waiting for a unit of a tier, first come first served.
type Waiter struct {
	UserID   string
	FamilyID string
	Tier     Tier
	JoinedAt time.Time
}

// Promotion is a hold given to the first waiter when a unit came free:
// it lives in Redis like any hold, and here too, so a Redis that lost it
// gives it back when it is rebuilt.
type Promotion struct {
	HoldID    string
	UserID    string
	FamilyID  string
	Tier      Tier
	ExpiresAt time.Time
	At        time.Time
}

// MaxWaitlist bounds a slot's queue: past it, nobody's wait is realistic.
const MaxWaitlist = 200

// Join queues a user for a tier and answers their 1-based place in that
// tier's queue. Joining again answers the place already held. A user
// holding a live hold given from this slot's waitlist may not queue
// again: holds from the waitlist pass the user caps, so joining a slot
// with room over and over would collect a place each time.
func (s *Slot) Join(w Waiter, now time.Time) (int, bool, error) {
	if p := s.Position(w.UserID); p > 0 {
		return p, false, nil
	}
	if slices.ContainsFunc(s.promotions, func(p Promotion) bool { return p.UserID == w.UserID && p.ExpiresAt.After(now) }) {
		return 0, false, ErrHoldLimit
	}
	if len(s.waitlist) >= MaxWaitlist {
		return 0, false, ErrWaitlistFull
	}
	w.JoinedAt = now.UTC()
	s.waitlist = append(s.waitlist, w)
	return s.Position(w.UserID), true, nil
}

// Leave takes a user off the waitlist.
func (s *Slot) Leave(userID string) bool {
	n := len(s.waitlist)
	s.waitlist = slices.DeleteFunc(s.waitlist, func(w Waiter) bool { return w.UserID == userID })
	return len(s.waitlist) < n
}

// Position is the user's 1-based place in their tier's queue, 0 when not
// waiting.
func (s *Slot) Position(userID string) int {
	i := slices.IndexFunc(s.waitlist, func(w Waiter) bool { return w.UserID == userID })
	if i < 0 {
		return 0
	}
	p := 0
	for _, w := range s.waitlist[:i+1] {
		if w.Tier == s.waitlist[i].Tier {
			p++
		}
	}
	return p
}

// Waitlist is everyone waiting, in order.
func (s *Slot) Waitlist() []Waiter { return slices.Clone(s.waitlist) }

// Waiting counts the waiters of a tier.
func (s *Slot) Waiting(t Tier) int {
	n := 0
	for _, w := range s.waitlist {
		if w.Tier == t {
			n++
		}
	}
	return n
}

// Next is the first waiter of a tier.
func (s *Slot) Next(t Tier) (Waiter, bool) {
	i := slices.IndexFunc(s.waitlist, func(w Waiter) bool { return w.Tier == t })
	if i < 0 {
		return Waiter{}, false
	}
	return s.waitlist[i], true
}

// Promotions are the holds given from the waitlist still live at now.
func (s *Slot) Promotions(now time.Time) []Promotion {
	var out []Promotion
	for _, p := range s.promotions {
		if p.ExpiresAt.After(now) {
			out = append(out, p)
		}
	}
	return out
}

// Promote records that a waiter was given hold p (already taken in
// Redis), takes them off the waitlist and tells them, urgently, how long
// they have. Promoting the same hold again changes nothing.
func (s *Slot) Promote(p Promotion, now time.Time, eventID string) bool {
	s.Leave(p.UserID)
	if slices.ContainsFunc(s.promotions, func(q Promotion) bool { return q.HoldID == p.HoldID }) {
		return false
	}
	s.promotions = slices.DeleteFunc(s.promotions, func(q Promotion) bool { return !q.ExpiresAt.After(now) })
	p.At, p.ExpiresAt = now.UTC(), p.ExpiresAt.UTC()
	s.promotions = append(s.promotions, p)
	e, err := event.New(eventID, TypeFor(s.resource.Kind, EventWaitlistPromoted), event.Subject{Kind: "hold", ID: p.HoldID}, now, s.eventData(map[string]string{
		"userId": p.UserID, "familyId": p.FamilyID, "holdId": p.HoldID, "tier": string(p.Tier),
		"expiresAt": p.ExpiresAt.Format(time.RFC3339), "expiresAtLocal": s.window.local(p.ExpiresAt, "15:04"),
	}))
	if err == nil {
		s.Record(e)
	}
	return true
}

func (s *Slot) dropPromotion(holdID string) {
	s.promotions = slices.DeleteFunc(s.promotions, func(p Promotion) bool { return p.HoldID == holdID })
}

// eventData is what every event about the slot carries: ids and the
// window, never names or phone numbers.
func (s *Slot) eventData(extra map[string]string) map[string]string {
	d := map[string]string{
		"slotId": s.id, "resourceKind": s.resource.Kind, "resourceId": s.resource.ID, "providerId": s.providerID,
		"start": s.window.Start.Format(time.RFC3339), "end": s.window.End.Format(time.RFC3339),
		"timeZone": s.window.TimeZone, "startLocal": s.window.StartLocal(),
	}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

// Decline forgets a hold given from the waitlist that its waiter gave
// back, so a rebuilt Redis does not give it to them again.
func (s *Slot) Decline(holdID string) bool {
	n := len(s.promotions)
	s.dropPromotion(holdID)
	return len(s.promotions) < n
}
