package attendance

import (
	"slices"
	"sort"
	"time"
)

// Breach is a stretch of time in which the room had more children than
// its staff on duty may look after (the standard's 1:3, 1:5, 1:7). End
// is zero while it lasts.
type Breach struct {
	Start time.Time
	End   time.Time
	// Children and Staff are what the room had when it began; Peak the
	// most children present during it.
	Children int
	Staff    int
	Allowed  int
	Peak     int
}

// Open reports whether the breach still lasts.
func (b Breach) Open() bool { return b.End.IsZero() }

// Present counts the children in the room now.
func (d *Day) Present() int {
	n := 0
	for _, a := range d.children {
		if a.Present() {
			n++
		}
	}
	return n
}

// OnDuty counts the staff in the room now who still work for the
// provider: someone removed from the staff looks after nobody, whatever
// their last shift says.
func (d *Day) OnDuty(works func(string) bool) int {
	n := 0
	for _, du := range d.duties {
		if du.OnDuty() && works(du.UserID) {
			n++
		}
	}
	return n
}

// Flagged reports whether the room is in breach now.
func (d *Day) Flagged() bool {
	return len(d.breaches) > 0 && d.breaches[len(d.breaches)-1].Open()
}

// review compares the children present with what the staff on duty
// allow, after every change of either: a breach opens (and the office is
// told, urgently) when the room goes over, and closes when it is back
// within the ratio. It runs inside the write that changed the room, so
// the breach and its announcement are that write's.
func (d *Day) review(now time.Time, works func(string) bool, newID func() string) {
	children, staff := d.Present(), d.OnDuty(works)
	allowed := d.room.Allowed(staff)
	over := children > allowed
	switch {
	case over && !d.Flagged():
		d.breaches = append(d.breaches, Breach{Start: now.UTC(), Children: children, Staff: staff, Allowed: allowed,
			Peak: children})
		d.announce(newID(), EventRatioBreached, now, map[string]string{"providerId": d.providerID, "roomId": d.room.ID,
			"room": d.room.Name, "children": itoa(children), "staff": itoa(staff), "ratio": "1:" + itoa(d.room.ChildrenPerStaff),
			"atLocal": d.local(now, "15:04"), "date": d.date.String()})
	case over:
		b := &d.breaches[len(d.breaches)-1]
		b.Peak = max(b.Peak, children)
	case d.Flagged():
		b := &d.breaches[len(d.breaches)-1]
		b.End = now.UTC()
		d.announce(newID(), EventRatioRestored, now, map[string]string{"providerId": d.providerID, "roomId": d.room.ID,
			"room": d.room.Name, "children": itoa(children), "staff": itoa(staff), "atLocal": d.local(now, "15:04"),
			"date": d.date.String(), "sinceLocal": d.local(b.Start, "15:04")})
	}
}

// HourRatio is one hour of a room's day: the most children present in
// it, the fewest staff on duty while children were present, and how many
// minutes the room was over its ratio.
type HourRatio struct {
	Start         time.Time
	MaxChildren   int
	MinStaff      int
	Allowed       int
	BreachMinutes int
}

// Hourly is the room's ratio hour by hour, from the hour of its first
// arrival (of a child or staff member) to the end of the hour of its
// last departure, or of now while someone is still in. Staff count for
// the times they were in the room.
func (d *Day) Hourly(now time.Time) []HourRatio {
	type change struct {
		at              time.Time
		children, staff int
	}
	var changes []change
	add := func(in, out time.Time, children, staff int) {
		changes = append(changes, change{at: in, children: children, staff: staff})
		if !out.IsZero() {
			changes = append(changes, change{at: out, children: -children, staff: -staff})
		}
	}
	for _, a := range d.children {
		if a.CheckIn != nil {
			var out time.Time
			if a.CheckOut != nil {
				out = a.CheckOut.At
			}
			add(a.CheckIn.At, out, 1, 0)
		}
	}
	for _, du := range d.duties {
		for _, s := range du.Shifts {
			add(s.In, s.Out, 0, 1)
		}
	}
	if len(changes) == 0 {
		return nil
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].at.Before(changes[j].at) })
	loc := d.Location()
	l := changes[0].at.In(loc)
	first := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), 0, 0, 0, loc)
	last := changes[len(changes)-1].at
	if d.Present() > 0 || slices.ContainsFunc(d.duties, Duty.OnDuty) {
		_, dayEnd := d.Bounds()
		last = minTime(now, dayEnd)
	}
	var out []HourRatio
	children, staff, k := 0, 0, 0
	for h := first; h.Before(last); h = h.Add(time.Hour) {
		end := h.Add(time.Hour)
		// The state at the start of the hour, then each change in it.
		for k < len(changes) && !changes[k].at.After(h) {
			children, staff = children+changes[k].children, staff+changes[k].staff
			k++
		}
		hr := HourRatio{Start: h.UTC(), MaxChildren: children, MinStaff: -1}
		from := h
		segment := func(to time.Time) {
			if to.After(from) {
				if children > 0 && (hr.MinStaff < 0 || staff < hr.MinStaff) {
					hr.MinStaff = staff
				}
				if children > d.room.Allowed(staff) {
					hr.BreachMinutes += int(to.Sub(from).Round(time.Minute) / time.Minute)
				}
			}
			from = to
		}
		for k < len(changes) && changes[k].at.Before(end) {
			segment(changes[k].at)
			children, staff = children+changes[k].children, staff+changes[k].staff
			hr.MaxChildren = max(hr.MaxChildren, children)
			k++
		}
		segment(minTime(end, last))
		if hr.MinStaff < 0 {
			hr.MinStaff = staff
		}
		hr.Allowed = d.room.Allowed(hr.MinStaff)
		out = append(out, hr)
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
