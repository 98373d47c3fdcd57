package meals

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/reservation"
)

// SlotID is the slot of a canteen's window on a day, the same however
// often the menu is published: "m" and a digest (never the hold
// separator).
func SlotID(providerID string, d calendar.Date, w meal.WindowKind) string {
	h := sha256.Sum256([]byte(providerID + "\x00" + d.String() + "\x00" + string(w)))
	return "m" + hex.EncodeToString(h[:12])
}

// Sitting is one window's day as people see it: its menu, its times,
// its slot (capacity and seats, the truth) and what is left.
type Sitting struct {
	meal.Sitting
	Menu      meal.Menu
	SlotID    string
	Ordered   int
	Remaining int
}

// PublishMenu sets the menus of some windows of a day, for the canteen's
// managers, and opens each window's slot on the reservation engine the
// first time: its portions are the window's, and holds close at its
// cutoff, so the engine itself refuses a late order. Windows not named
// keep their menus. A day the canteen is closed, or a sitting whose
// cutoff has passed, takes no menu.
func (s *Service) PublishMenu(ctx context.Context, a actor.Actor, providerID string, d calendar.Date, menus []meal.Menu) ([]Sitting, error) {
	p, err := s.managed(ctx, a, providerID)
	if err != nil {
		return nil, err
	}
	c, err := s.d.Canteens.Get(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if len(menus) == 0 || len(menus) > 3 {
		return nil, meal.ErrMenuInvalid.WithFields(fault.FieldError{Field: "/windows", Code: "count"})
	}
	now := s.d.Now()
	var out []Sitting
	for i, m := range menus {
		m.ProviderID, m.Date, m.UpdatedBy, m.UpdatedAt = p.ID, d, a.UserID, now.UTC()
		m, err := m.Validate()
		if err != nil {
			return nil, underWindow(err, i)
		}
		st, err := c.SittingOn(d, m.Window)
		if fault.Is(err, meal.ErrMenuNotFound) {
			return nil, meal.ErrMenuInvalid.WithFields(fault.FieldError{Field: "/windows/window", Code: "not_served"})
		}
		if err != nil {
			return nil, err
		}
		if err := st.CheckOpen(now); err != nil {
			return nil, err
		}
		id := SlotID(p.ID, d, m.Window)
		if err := s.openSlot(ctx, id, p.ID, st, now); err != nil {
			return nil, err
		}
		if err := s.d.Menus.Put(ctx, m); err != nil {
			return nil, err
		}
		out = append(out, Sitting{Sitting: st, Menu: m, SlotID: id})
	}
	return s.remaining(ctx, out)
}

// underWindow names a menu's fields as the request does: under its
// window's place in the list.
func underWindow(err error, i int) error {
	fe, ok := fault.As(err)
	if !ok || len(fe.Fields) == 0 {
		return err
	}
	fields := make([]fault.FieldError, len(fe.Fields))
	for j, f := range fe.Fields {
		f.Field = "/windows/" + strconv.Itoa(i) + f.Field
		fields[j] = f
	}
	return fe.WithFields(fields...)
}

// openSlot makes the window's slot unless it exists. Portions are taken
// at once (a hold lives the engine's minimum and is confirmed in the
// same request); a family member may order for several elders.
func (s *Service) openSlot(ctx context.Context, id, providerID string, st meal.Sitting, now time.Time) error {
	sl, err := reservation.New(reservation.Draft{ID: id, Resource: reservation.Resource{Kind: reservation.MealWindow, ID: id},
		ProviderID: providerID, Window: reservation.Window{Start: st.Start, End: st.End, TimeZone: st.TimeZone},
		Capacity: reservation.Capacity{Total: st.Portions},
		Rules: reservation.Rules{HoldTTL: reservation.MinHoldTTL, MaxHoldsPerUser: reservation.MaxHoldsPerUser,
			HoldsCloseAt: st.CutoffAt}}, now)
	if err != nil {
		return err
	}
	if _, err := s.d.Slots.CreateMany(ctx, []*reservation.Slot{sl}); err != nil {
		return err
	}
	s.d.Reservations.Known(sl.Resource(), id)
	return nil
}

// Menu is a canteen's day: each window with a published menu, its
// times, cutoff and portions left. Anyone who may see the canteen may
// read it.
func (s *Service) Menu(ctx context.Context, a actor.Actor, providerID string, d calendar.Date) ([]Sitting, error) {
	_, c, _, err := s.visible(ctx, a, providerID)
	if err != nil {
		return nil, err
	}
	var out []Sitting
	for _, w := range c.Windows {
		m, err := s.d.Menus.Get(ctx, providerID, d, w.Kind)
		if fault.Is(err, meal.ErrMenuNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		st, err := c.SittingOn(d, w.Kind)
		if err != nil {
			continue // closed since the menu was published
		}
		out = append(out, Sitting{Sitting: st, Menu: m, SlotID: SlotID(providerID, d, w.Kind)})
	}
	return s.remaining(ctx, out)
}

// remaining fills in what each sitting's slot has ordered and left, in
// one engine round trip; a sitting past its cutoff has nothing left.
func (s *Service) remaining(ctx context.Context, ss []Sitting) ([]Sitting, error) {
	if len(ss) == 0 {
		return ss, nil
	}
	slots := make([]*reservation.Slot, 0, len(ss))
	for i := range ss {
		sl, _, err := s.d.Slots.Get(ctx, ss[i].SlotID)
		if err != nil {
			return nil, err
		}
		ss[i].Portions = sl.Capacity().Total
		ss[i].Ordered = sl.Confirmed(reservation.Market)
		slots = append(slots, sl)
		s.d.Reservations.Known(sl.Resource(), sl.ID())
	}
	rem, err := s.d.Reservations.Remaining(ctx, slots)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	for i := range ss {
		ss[i].Remaining = rem[i].Market
		if !ss[i].Open(now) {
			ss[i].Remaining = 0
		}
	}
	return ss, nil
}
