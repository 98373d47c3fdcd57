package main

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/dispatch"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/service"
)

// The year is a timeline of actions, each a use case called as its
// person would at its moment, played in time order on the demo's clock.
// An action may schedule the next step of its story (an order accepted
// is started at its window). What falls after the demo's "now" is not
// played: those orders wait, as open orders do.

type demoAction struct {
	at  time.Time
	seq int
	run func(context.Context) error
}

type demoTimeline []*demoAction

func (t demoTimeline) Len() int { return len(t) }
func (t demoTimeline) Less(i, j int) bool {
	return t[i].at.Before(t[j].at) || t[i].at.Equal(t[j].at) && t[i].seq < t[j].seq
}
func (t demoTimeline) Swap(i, j int) { t[i], t[j] = t[j], t[i] }
func (t *demoTimeline) Push(x any)   { *t = append(*t, x.(*demoAction)) }
func (t *demoTimeline) Pop() any {
	old := *t
	a := old[len(old)-1]
	*t = old[:len(old)-1]
	return a
}

// year is the playing timeline.
type year struct {
	w    *demoWorld
	t    demoTimeline
	seq  int
	fail error
}

func (y *year) at(t time.Time, run func(context.Context) error) {
	y.seq++
	heap.Push(&y.t, &demoAction{at: t, seq: y.seq, run: run})
}

func (w *demoWorld) runYear(ctx context.Context) error {
	y := &year{w: w}
	start := w.clock.end.AddDate(-1, 0, 0)
	w.planOrders(y, start)
	w.planBookings(y)
	for t := start; t.Before(w.clock.end); t = t.Add(6 * time.Hour) {
		y.at(t, func(ctx context.Context) error { // the timers a server runs
			if _, err := w.orderSvc.Sweep(ctx); err != nil {
				return fmt.Errorf("order timers: %w", err)
			}
			if _, err := w.complaintSvc.Sweep(ctx); err != nil {
				return fmt.Errorf("complaint timer: %w", err)
			}
			return nil
		})
	}
	played := 0
	for y.t.Len() > 0 {
		a := heap.Pop(&y.t).(*demoAction)
		if a.at.After(w.clock.end) {
			continue
		}
		w.clock.set(a.at)
		if err := a.run(ctx); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if played++; played%500 == 0 {
			if err := w.deliver(ctx); err != nil {
				return err
			}
		}
	}
	w.clock.set(w.clock.end)
	best := w.fams[0]
	for _, f := range w.fams {
		if f.recent > best.recent || f.recent == best.recent && (f.orders > best.orders ||
			f.orders == best.orders && len(f.children) > len(best.children)) {
			best = f
		}
	}
	return w.account(ctx, best.members[0], "family", best.phone, "家属（"+w.familyName(ctx, best)+"）", best.id)
}

func (w *demoWorld) familyName(ctx context.Context, f *demoFamily) string {
	v, err := w.familySvc.Get(ctx, f.members[0], f.id)
	if err != nil {
		return f.id
	}
	return v.Family.Name()
}

// Orders: what families order, how often, and what becomes of it.
var demoNeeds = []struct {
	t      service.Type
	weight int
}{
	{service.Cleaning, 28}, {service.Bathing, 20}, {service.HomeVisit, 16}, {service.MealAid, 16},
	{service.Errands, 8}, {service.MedicalEscort, 5}, {service.MobilityHelp, 5}, {service.DayCare, 2},
}

func (w *demoWorld) pickNeed() service.Type {
	total := 0
	for _, n := range demoNeeds {
		total += n.weight
	}
	x := w.rnd.IntN(total)
	for _, n := range demoNeeds {
		if x -= n.weight; x < 0 {
			return n.t
		}
	}
	return demoNeeds[0].t
}

func (w *demoWorld) planOrders(y *year, start time.Time) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	days := int(w.clock.end.Sub(start).Hours()/24) + 7
	for i := 0; i < w.opt.orders; i++ {
		f := w.fams[w.rnd.IntN(len(w.fams))]
		e := f.elders[w.rnd.IntN(len(f.elders))]
		t := w.pickNeed()
		item := demoMenuItem(t)
		p := w.providerFor(t, f.street)
		if p == nil {
			continue
		}
		day := start.AddDate(0, 0, 1+w.rnd.IntN(days)).In(sh)
		hour := 8 + w.rnd.IntN(8)
		if t == service.MealAid {
			hour = 11
		}
		if t == service.DayCare || t == service.RespiteStay {
			hour = 8
		}
		begin := time.Date(day.Year(), day.Month(), day.Day(), hour, 30*w.rnd.IntN(2), 0, 0, sh).UTC()
		end := begin.Add(time.Duration(item.minutes) * time.Minute)
		cg := p.freeCaregiver(w, t, e.location, begin, end)
		if cg == nil {
			continue
		}
		lead := time.Duration(24+w.rnd.IntN(72)) * time.Hour
		if t == service.MealAid {
			lead = time.Duration(2+w.rnd.IntN(20)) * time.Hour
		}
		o := &demoOrder{w: w, f: f, e: e, p: p, cg: cg, t: t, start: begin, end: end,
			by: f.members[w.rnd.IntN(len(f.members))], fate: w.rnd.Float64()}
		y.at(begin.Add(-lead), o.create(y))
	}
}

// providerFor picks who serves a need: a provider of the family's own
// street most of the time, else any in the district.
func (w *demoWorld) providerFor(t service.Type, street int) *demoProvider {
	var near, all []*demoProvider
	for _, p := range w.provs {
		if _, ok := p.items[t]; ok {
			all = append(all, p)
			if p.street == street {
				near = append(near, p)
			}
		}
	}
	if len(near) > 0 && w.rnd.chance(0.7) {
		return near[w.rnd.IntN(len(near))]
	}
	if len(all) == 0 {
		return nil
	}
	return all[w.rnd.IntN(len(all))]
}

// freeCaregiver is a caregiver with the skill, within dispatch's reach
// of the elder's home, and nothing else within half an hour of the
// window.
func (p *demoProvider) freeCaregiver(w *demoWorld, t service.Type, place geo.Point, start, end time.Time) *demoCaregiver {
	n := len(p.staff)
	from := w.rnd.IntN(max(n, 1))
	for k := range n {
		c := &p.staff[(from+k)%n]
		if !slices.Contains(c.skills, t) || geo.Distance(c.homeBase, place) > dispatch.DefaultRadiusMetres {
			continue
		}
		free := true
		for _, b := range c.booked {
			if start.Before(b[1].Add(30*time.Minute)) && b[0].Before(end.Add(30*time.Minute)) {
				free = false
				break
			}
		}
		if free {
			c.booked = append(c.booked, [2]time.Time{start, end})
			return c
		}
	}
	return nil
}

// demoOrder is one order's story.
type demoOrder struct {
	w          *demoWorld
	f          *demoFamily
	e          demoElder
	p          *demoProvider
	cg         *demoCaregiver
	t          service.Type
	start, end time.Time
	by         actor.Actor
	fate       float64 // decides cancellation, rating and complaint
	id         string
}

func (o *demoOrder) create(y *year) func(context.Context) error {
	return func(ctx context.Context) error {
		w := o.w
		cmd := quotes.Command{ElderID: o.e.id, ProviderID: o.p.id, ItemID: o.p.items[o.t], Start: o.start, End: o.end,
			Quantity: 1}
		pr, err := w.quoteSvc.Price(ctx, o.by, cmd)
		if err != nil {
			return fmt.Errorf("quote %s: %w", o.t, err)
		}
		created, err := w.orderSvc.Create(ctx, o.by, orders.CreateCommand{ElderID: o.e.id, ProviderID: o.p.id,
			ItemID: cmd.ItemID, PriceVersion: pr.PriceVersion, Start: o.start, End: o.end, Quantity: 1})
		var changed *orders.AllowanceChanged
		if errors.As(err, &changed) {
			return nil // the allowance went to another order first: the family did not confirm
		}
		if err != nil {
			return fmt.Errorf("order %s: %w", o.t, err)
		}
		o.id = created.ID()
		w.counts["orders"]++
		o.f.orders++
		if !w.clock.Now().Before(w.inboxFrom) {
			o.f.recent++
		}
		if o.fate < 0.08 { // the family changes its mind before the visit
			y.at(w.clock.Now().Add(o.start.Sub(w.clock.Now())/2), func(ctx context.Context) error {
				_, err := w.orderSvc.Cancel(ctx, o.by, o.id, "家里另有安排")
				w.counts["orders cancelled"]++
				return wrap("cancel", err)
			})
			return nil
		}
		y.at(w.clock.Now().Add(time.Duration(5+w.rnd.IntN(50))*time.Minute), o.assign(y))
		return nil
	}
}

func (o *demoOrder) assign(y *year) func(context.Context) error {
	return func(ctx context.Context) error {
		w := o.w
		if _, err := w.orderSvc.Dispatch(ctx, o.p.admin, o.id, orders.DispatchCommand{CaregiverID: o.cg.a.UserID}); err != nil {
			return wrap("assign", err)
		}
		y.at(o.start.Add(-30*time.Minute), func(ctx context.Context) error {
			_, err := w.orderSvc.Start(ctx, o.cg.a, o.id)
			return wrap("start", err)
		})
		at := o.start.Add(time.Duration(w.rnd.IntN(8)) * time.Minute)
		y.at(at, func(ctx context.Context) error {
			_, err := w.orderSvc.CheckIn(ctx, o.cg.a, o.id, order.Report{DeviceTime: w.clock.Now(), Point: o.e.location})
			return wrap("check in", err)
		})
		y.at(at.Add(3*time.Minute), func(ctx context.Context) error {
			_, err := w.orderSvc.BeginService(ctx, o.cg.a, o.id)
			return wrap("begin", err)
		})
		y.at(o.end.Add(-5*time.Minute), func(ctx context.Context) error {
			var codes []string
			for _, c := range order.Checklist(o.t) {
				codes = append(codes, c.Code)
			}
			_, err := w.orderSvc.WriteRecord(ctx, o.cg.a, o.id, order.ServiceRecord{Checklist: codes,
				Notes: w.rnd.pick([]string{"老人精神状态良好", "已按要求完成", "老人午睡后进行", "家属在场"})})
			return wrap("record", err)
		})
		y.at(o.end, func(ctx context.Context) error {
			_, err := w.orderSvc.CheckOut(ctx, o.cg.a, o.id, order.Report{DeviceTime: w.clock.Now(), Point: o.e.location})
			if err == nil {
				w.counts["visits"]++
			}
			return wrap("check out", err)
		})
		if o.fate < 0.78 { // the family confirms; else the timer does, 48 h after
			y.at(o.end.Add(time.Duration(1+w.rnd.IntN(30))*time.Hour), func(ctx context.Context) error {
				_, err := w.orderSvc.Confirm(ctx, o.by, o.id)
				if (orderFault{err}).movedOn() {
					return nil
				}
				return wrap("confirm", err)
			})
		}
		if o.fate > 0.5 { // about half of visits are rated
			y.at(o.end.Add(time.Duration(2+w.rnd.IntN(70))*time.Hour), o.rate(y))
		}
		return nil
	}
}

func (o *demoOrder) rate(y *year) func(context.Context) error {
	return func(ctx context.Context) error {
		w := o.w
		stars, tags := 5, []string{"kind", "on_time"}
		switch x := (o.fate - 0.5) / 0.5; {
		case x < 0.025:
			stars, tags = 1, []string{"late", "rushed"}
		case x < 0.06:
			stars, tags = 2, []string{"careless"}
		case x < 0.14:
			stars, tags = 3, []string{"rushed"}
		case x < 0.42:
			stars, tags = 4, []string{"skilled"}
		}
		rated, err := w.orderSvc.Rate(ctx, o.by, o.id, orders.RateCommand{Stars: stars, Tags: tags})
		if err != nil {
			return wrap("rate", err)
		}
		w.counts["ratings"]++
		if rated.SuggestComplaint && o.fate < 0.5+0.5*0.045 {
			y.at(w.clock.Now().Add(time.Duration(1+w.rnd.IntN(20))*time.Hour), o.complain(y))
		}
		return nil
	}
}

func (o *demoOrder) complain(y *year) func(context.Context) error {
	return func(ctx context.Context) error {
		w := o.w
		c, err := w.complaintSvc.File(ctx, o.by, complaints.FileCommand{
			Subject: complaint.Subject{Kind: complaint.AboutOrder, ID: o.id}, FamilyID: o.f.id,
			Category: string(complaint.CategoryServiceQuality), Text: "护理员迟到四十分钟，服务匆忙，浴后没有擦干地面。",
			Desired: string(complaint.WantExplanation)})
		if err != nil {
			return wrap("complaint", err)
		}
		w.counts["complaints"]++
		id := c.ID()
		if w.rnd.chance(0.15) {
			return nil // unanswered: the complaint timer escalates it at its deadline
		}
		y.at(w.clock.Now().Add(time.Duration(3+w.rnd.IntN(36))*time.Hour), func(ctx context.Context) error {
			if _, err := w.complaintSvc.Respond(ctx, o.p.admin, id, "非常抱歉，已与护理员核实并加强培训，下次服务将提前确认时间。"); err != nil {
				return wrap("respond", err)
			}
			next := w.clock.Now().Add(time.Duration(1+w.rnd.IntN(40)) * time.Hour)
			if w.rnd.chance(0.7) {
				y.at(next, func(ctx context.Context) error {
					_, err := w.complaintSvc.Accept(ctx, o.by, id)
					return wrap("accept answer", err)
				})
				return nil
			}
			y.at(next, func(ctx context.Context) error {
				if _, err := w.complaintSvc.Escalate(ctx, o.by, id, "答复没有解决问题"); err != nil {
					return wrap("escalate", err)
				}
				y.at(w.clock.Now().Add(time.Duration(24+w.rnd.IntN(96))*time.Hour), func(ctx context.Context) error {
					_, err := w.complaintSvc.Decide(ctx, w.regulator, id, complaint.DecisionInput{
						Outcome: complaint.PartlyUpheld, Text: "情况部分属实，责令机构整改。"})
					return wrap("decide", err)
				})
				return nil
			})
			return nil
		})
		return nil
	}
}

// Bookings: children of 12 to 36 months take full-day places month by
// month at a childcare institution of the district; some families take
// Saturday parent-child classes.
func (w *demoWorld) planBookings(y *year) {
	var institutions, classes []*demoProvider
	for _, p := range w.provs {
		switch {
		case len(p.offerings) > 0 && p.offerings[0].CareType == childcare.FullDay:
			institutions = append(institutions, p)
		case len(p.offerings) > 0:
			classes = append(classes, p)
		}
	}
	if len(institutions) == 0 {
		return
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	endLocal := w.clock.end.In(sh)
	firstMonth := time.Date(endLocal.Year(), endLocal.Month(), 1, 0, 0, 0, 0, sh).AddDate(0, -3, 0)
	slots := map[string]string{}
	for _, f := range w.fams {
		for _, c := range f.children {
			if w.rnd.chance(0.45) {
				p := institutions[w.rnd.IntN(len(institutions))]
				tier := reservation.Market
				if w.rnd.chance(0.3) {
					tier = reservation.Inclusive
				}
				for m := 0; m < 5; m++ {
					month := firstMonth.AddDate(0, m, 0)
					// The age the engine checks: the recorded birth date to
					// the slot's day, both calendar dates.
					age := c.birth.MonthsOn(calendar.Today(month, sh))
					if age < 12 || age > 35 {
						continue
					}
					y.at(month.AddDate(0, 0, -12).UTC(), w.book(f, c, p, p.offerings[0], calendar.Today(month, sh), tier, slots))
				}
			}
			if len(classes) > 0 && w.rnd.chance(0.25) {
				p := classes[w.rnd.IntN(len(classes))]
				sat := endLocal.AddDate(0, 0, -int(endLocal.Weekday()+1)%7)
				for k := range 1 + w.rnd.IntN(4) {
					day := sat.AddDate(0, 0, -7*(w.rnd.IntN(8)+k))
					if age := c.birth.MonthsOn(calendar.Today(day, sh)); age < 6 || age > 35 {
						continue
					}
					y.at(day.AddDate(0, 0, -4).UTC(),
						w.book(f, c, p, p.offerings[0], calendar.Today(day, sh), reservation.Market, slots))
				}
			}
		}
	}
}

// book opens the day's or month's slot if its provider had not yet,
// then a parent holds a place and confirms it for the child. A child
// already in full-day care that month is not taken to a class too (the
// engine refuses two places at once).
func (w *demoWorld) book(f *demoFamily, c demoChild, p *demoProvider, of childcare.Offering, day calendar.Date,
	tier reservation.Tier, slots map[string]string) func(context.Context) error {
	return func(ctx context.Context) error {
		key := of.ID + "/" + day.String()
		slotID, ok := slots[key]
		if !ok {
			opened, err := w.reserveSvc.OpenSlots(ctx, p.admin, reservations.OpenCommand{OfferingID: of.ID, From: day, To: day})
			if err != nil {
				return wrap("open slots", err)
			}
			if len(opened.Slots) != 1 {
				return fmt.Errorf("open slots: %d slots for %s", len(opened.Slots), key)
			}
			slotID = opened.Slots[0].ID()
			slots[key] = slotID
			w.counts["slots"]++
		}
		parent := f.members[0]
		h, err := w.reserveSvc.Hold(ctx, parent, reservations.HoldCommand{SlotID: slotID, Tier: tier, Key: w.ids.New()})
		if fault.Is(err, reservation.ErrSlotFull) {
			return nil
		}
		if err != nil {
			return wrap("hold", err)
		}
		_, err = w.reserveSvc.Confirm(ctx, parent, reservations.ConfirmCommand{HoldID: h.Hold.ID, ChildID: c.id})
		if fault.Is(err, reservations.ErrChildAlreadyBooked) {
			_, err = w.reserveSvc.ReleaseHold(ctx, parent, h.Hold.ID)
			return wrap("release hold", err)
		}
		if err != nil {
			return wrap("confirm place", err)
		}
		w.counts["bookings"]++
		return nil
	}
}

// orderFault tells a step the timers got to first (the family's
// confirmation after the 48-hour automatic one).
type orderFault struct{ err error }

func (f orderFault) movedOn() bool {
	return fault.Is(f.err, order.ErrTransition)
}

func wrap(step string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	return nil
}
