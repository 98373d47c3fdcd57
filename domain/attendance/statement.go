package attendance

import (
	"slices"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/reservation"
)

// Statement is a provider's attendance for a month, per child: the days
// booked and attended, the absences by reason, the late pickups, and for
// 普惠 places the subsidy claimable under the region's rate. Every figure
// is derived from bookings and the days' records, never typed in.
type Statement struct {
	ProviderID string
	Month      Month
	// Final is a month that is over: nothing will change its figures.
	Final bool
	// Rate is the one in force for the month; nil when the region has
	// none, and then nothing is claimable.
	Rate  *Rate
	Lines []Line
	Days  []DaySummary
	Total Line
}

// Absence kinds a statement counts.
const (
	AbsentSick        = "sick"
	AbsentFamilyLeave = "family_leave"
	AbsentOther       = "other"
	AbsentNoShow      = "no_show"
	// AbsentUnreported is a booked day gone by with nobody arriving and
	// nothing recorded.
	AbsentUnreported = "unreported"
)

// AbsenceKinds are the columns of the statement's absences, in order.
var AbsenceKinds = []string{AbsentSick, AbsentFamilyLeave, AbsentOther, AbsentNoShow, AbsentUnreported}

// Line is one child's month (or the statement's total).
type Line struct {
	ChildID  string
	FamilyID string
	// DaysBooked counts the days the child had a place, the provider
	// open; DaysAttended the days they came; DaysUpcoming the booked
	// days still to come (today included).
	DaysBooked   int
	DaysAttended int
	DaysUpcoming int
	Absences     map[string]int
	LatePickups  int
	LateMinutes  int
	// RefusedPickups counts departures refused to someone not
	// authorized.
	RefusedPickups int
	// InclusiveDaysAttended are attended days on a 普惠 place, and
	// ClaimFen what they claim at the month's rate.
	InclusiveDaysAttended int
	ClaimFen              int64
}

// DaySummary is one room's day as the month shows it.
type DaySummary struct {
	Date          calendar.Date
	RoomID        string
	RoomName      string
	Attended      int
	RatioBreaches int
	BreachMinutes int
}

// BookedPlace is a booking as the statement needs it.
type BookedPlace struct {
	BookingID  string
	ChildID    string
	FamilyID   string
	Tier       reservation.Tier
	Start, End time.Time
	// CancelledAt ends the days it counts; zero for a booking in force.
	CancelledAt time.Time
}

// StatementInput is what a statement is made from.
type StatementInput struct {
	ProviderID string
	Month      Month
	Loc        *time.Location
	Today      calendar.Date
	Bookings   []BookedPlace
	Days       []*Day
	// OpenOn says whether the provider opens on a day: a month of
	// full-day care is booked for the days it opens.
	OpenOn func(calendar.Date) bool
	Rate   *Rate
}

// BuildStatement computes a month's statement.
func BuildStatement(in StatementInput) Statement {
	st := Statement{ProviderID: in.ProviderID, Month: in.Month, Final: in.Month.Last().Before(in.Today), Rate: in.Rate}
	type key struct {
		child string
		date  calendar.Date
	}
	booked := map[key]bool{}
	lines := map[string]*Line{}
	line := func(childID, familyID string) *Line {
		l, ok := lines[childID]
		if !ok {
			l = &Line{ChildID: childID, FamilyID: familyID, Absences: map[string]int{}}
			lines[childID] = l
		}
		return l
	}
	first, last := in.Month.First(), in.Month.Last()
	for _, b := range in.Bookings {
		end := b.End
		if !b.CancelledAt.IsZero() && b.CancelledAt.Before(end) {
			end = b.CancelledAt
		}
		if !end.After(b.Start) {
			continue
		}
		from := calendar.Today(b.Start, in.Loc)
		to := calendar.Today(end.Add(-time.Nanosecond), in.Loc)
		oneDay := from == to
		if from.Before(first) {
			from = first
		}
		if last.Before(to) {
			to = last
		}
		for d := from; !to.Before(d); d = d.AddDays(1) {
			if !oneDay && !in.OpenOn(d) {
				continue
			}
			booked[key{b.ChildID, d}] = true
			line(b.ChildID, b.FamilyID)
		}
	}
	seen := map[key]Attendee{}
	for _, day := range in.Days {
		if day.Date().Before(first) || last.Before(day.Date()) {
			continue
		}
		sum := DaySummary{Date: day.Date(), RoomID: day.Room().ID, RoomName: day.Room().Name}
		for _, br := range day.Breaches() {
			sum.RatioBreaches++
			end := br.End
			if end.IsZero() {
				_, end = day.Bounds()
			}
			sum.BreachMinutes += int(end.Sub(br.Start).Round(time.Minute) / time.Minute)
		}
		for _, a := range day.Children() {
			k := key{a.ChildID, day.Date()}
			if prev, ok := seen[k]; ok && prev.Attended() && !a.Attended() {
				continue // came in another room that day
			}
			seen[k] = a
			if a.Attended() {
				sum.Attended++
			}
		}
		st.Days = append(st.Days, sum)
	}
	for k, a := range seen {
		l := line(a.ChildID, a.FamilyID)
		if a.Attended() {
			booked[k] = true // a child who came had a place, whatever became of its booking
		}
		l.RefusedPickups += len(a.Refusals)
		if a.CheckOut != nil && a.CheckOut.Late() {
			l.LatePickups++
			l.LateMinutes += a.CheckOut.LateMinutes
		}
	}
	for k := range booked {
		l := lines[k.child]
		l.DaysBooked++
		a, recorded := seen[k]
		switch {
		case recorded && a.Attended():
			l.DaysAttended++
			if a.Inclusive() {
				l.InclusiveDaysAttended++
			}
		case recorded && a.Absence != nil:
			l.Absences[string(a.Absence.Reason)]++
		case recorded && a.NoShow != nil:
			l.Absences[AbsentNoShow]++
		case k.date.Before(in.Today):
			l.Absences[AbsentUnreported]++
		default:
			l.DaysUpcoming++
		}
	}
	st.Total = Line{Absences: map[string]int{}}
	for _, l := range lines {
		if in.Rate != nil {
			l.ClaimFen = int64(l.InclusiveDaysAttended) * in.Rate.DailyFen
		}
		st.Lines = append(st.Lines, *l)
		st.Total.add(*l)
	}
	slices.SortFunc(st.Lines, func(a, b Line) int { return strings.Compare(a.ChildID, b.ChildID) })
	slices.SortFunc(st.Days, func(a, b DaySummary) int {
		if c := strings.Compare(a.Date.String(), b.Date.String()); c != 0 {
			return c
		}
		return strings.Compare(a.RoomName, b.RoomName)
	})
	return st
}

func (t *Line) add(l Line) {
	t.DaysBooked += l.DaysBooked
	t.DaysAttended += l.DaysAttended
	t.DaysUpcoming += l.DaysUpcoming
	for k, v := range l.Absences {
		t.Absences[k] += v
	}
	t.LatePickups += l.LatePickups
	t.LateMinutes += l.LateMinutes
	t.RefusedPickups += l.RefusedPickups
	t.InclusiveDaysAttended += l.InclusiveDaysAttended
	t.ClaimFen += l.ClaimFen
}
