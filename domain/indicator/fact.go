package indicator

import (
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/visit"
)

// Kind is what a fact is about.
type Kind string

const (
	KindOrder     Kind = "order"
	KindComplaint Kind = "complaint"
	KindIncident  Kind = "incident"
	KindMeal      Kind = "meal"
	// KindCare is an elder's care record (monthly visits): a standing
	// fact, counted in every month from its Month on (Standing).
	KindCare  Kind = "care"
	KindVisit Kind = "visit"
	// KindProvider is a provider as it stands now: a standing fact,
	// counted in every month from the one it registered in.
	KindProvider Kind = "provider"
	// KindPlace is a childcare slot (托位): its places and those booked,
	// in the month its window starts.
	KindPlace Kind = "place"
	// KindHomeDevice is a smart home device of an elder (智慧养老): a
	// standing fact, counted in every month from the one it was
	// registered in while it stays registered.
	KindHomeDevice Kind = "home_device"
)

// Outcome is where an order ended, as the indicators count it.
type Outcome string

const (
	OutcomeOpen      Outcome = "open" // not ended yet
	OutcomeCompleted Outcome = "completed"
	OutcomeCancelled Outcome = "cancelled"
	OutcomeNoShow    Outcome = "no_show"
	OutcomeExpired   Outcome = "expired"
)

// Fact is what the indicators need of one aggregate, derived from its
// state: the same aggregate always gives the same fact, so facts are
// written by key (replacing, not adding) and a repeated or late event
// cannot count twice. Version is the aggregate's own, so that a store
// keeps the newest of two facts written out of order.
//
// A fact counts in RegionCode (six digits; empty: nowhere) and, for a
// flow, in the Month its anchor fell in (an order's placing, a
// complaint's filing).
type Fact struct {
	Key        string
	Kind       Kind
	RegionCode string
	Month      Month
	Version    int64
	// ProviderID is the provider an order, a meal or a complaint is
	// with (a provider's complaint rate); empty for other kinds.
	ProviderID string

	// Orders.
	ServiceType   string
	Outcome       Outcome
	Accepted      bool
	ResponseSec   int64 // placing → acceptance, or filing → the provider's answer
	CheckedIn     bool
	OnTime        bool
	ClockAdjusted bool
	// ElderConfirmed: the elder confirmed the visit on their own account
	// with the caregiver's code, the strongest proof the visit happened.
	ElderConfirmed bool

	// Complaints.
	Escalated bool
	Replied   bool
	RespondBy time.Time
	RepliedAt time.Time

	// Incidents (alarms): AlarmKind is sos, fall, …; Acknowledged with
	// ResponseSec from raising to the first acknowledgement.
	AlarmKind    string
	Acknowledged bool

	// Meals (meal aid, 助餐): Served when handed over — eaten in,
	// collected or delivered — with the subsidy it drew (SubsidyFen, of
	// served meals only: a placed meal's subsidy is only reserved, a
	// cancelled one's released).
	Served     bool
	SubsidyFen int64

	// Monthly visits (探访): a care record's elder is Due a visit every
	// month from its Month (the month the elder became vulnerable) while
	// vulnerable now, as visit.MonthReport counts; a visit is Completed
	// in its Month. ElderID joins the two.
	ElderID   string
	Due       bool
	Completed bool

	// Providers (a standing fact: as the provider stands now): the kinds
	// of business its licences are for, the platform's check, the
	// regulator's credit standing, and its caregivers certified for
	// elderly care with the last day each certificate is valid.
	ProviderKinds []string
	Verification  string
	Credit        string
	Caregivers    []Certified

	// Childcare slots: the offering's care type, the slot's capacity and
	// 普惠 quota, and the places booked on it (BookedInclusive at the
	// 普惠 price).
	CareType        string
	Capacity        int
	InclusiveQuota  int
	Booked          int
	BookedInclusive int
}

// Certified is one caregiver holding an elderly-care certificate until
// ValidTo (its last valid day).
type Certified struct {
	UserID  string
	ValidTo calendar.Date
}

// OrderKey and ComplaintKey name the fact of an aggregate.
func OrderKey(id string) string      { return string(KindOrder) + ":" + id }
func ComplaintKey(id string) string  { return string(KindComplaint) + ":" + id }
func IncidentKey(id string) string   { return string(KindIncident) + ":" + id }
func MealKey(id string) string       { return string(KindMeal) + ":" + id }
func CareKey(elderID string) string  { return string(KindCare) + ":" + elderID }
func VisitKey(id string) string      { return string(KindVisit) + ":" + id }
func ProviderKey(id string) string   { return string(KindProvider) + ":" + id }
func PlaceKey(slotID string) string  { return string(KindPlace) + ":" + slotID }
func HomeDeviceKey(id string) string { return string(KindHomeDevice) + ":" + id }

// Standing reports a fact counted in every month from its Month on (a
// stock, as elders due a visit), not in its Month alone (a flow).
func (f Fact) Standing() bool {
	return f.Kind == KindCare || f.Kind == KindProvider || f.Kind == KindHomeDevice
}

// CountsIn reports whether the fact counts in month m.
func (f Fact) CountsIn(m Month) bool {
	if f.Standing() {
		return !f.Month.IsZero() && !f.Month.After(m)
	}
	return f.Month == m
}

// OfOrder is an order's fact. An order counts where its provider is
// (regionCode, the provider's address): supervision follows providers.
func OfOrder(o *order.Order, version int64, regionCode string) Fact {
	f := Fact{Key: OrderKey(o.ID()), Kind: KindOrder, RegionCode: regionCode, Month: MonthOf(o.CreatedAt()),
		Version: version, ProviderID: o.ProviderID(), ServiceType: string(o.ServiceType()), Outcome: outcomeOf(o.Status())}
	if at, ok := o.EnteredAt(order.StatusAccepted); ok {
		f.Accepted = true
		f.ResponseSec = seconds(at.Sub(o.CreatedAt()))
	}
	v := o.Visit()
	if c := v.CheckIn; c != nil {
		f.CheckedIn, f.OnTime = true, c.OnTime
		f.ClockAdjusted = c.ClockAdjusted
	}
	if c := v.CheckOut; c != nil && c.ClockAdjusted {
		f.ClockAdjusted = true
	}
	f.ElderConfirmed = o.ConfirmedByElder()
	return f
}

func outcomeOf(s order.Status) Outcome {
	switch s {
	case order.StatusCompleted, order.StatusConfirmed:
		return OutcomeCompleted
	case order.StatusCancelledByFamily, order.StatusCancelledByProvider:
		return OutcomeCancelled
	case order.StatusNoShowCaregiver, order.StatusNoShowRecipient:
		return OutcomeNoShow
	case order.StatusExpired:
		return OutcomeExpired
	}
	return OutcomeOpen
}

// OfComplaint is a complaint's fact; it counts where the complaint says
// (its provider's region when filed).
func OfComplaint(c *complaint.Complaint, version int64) Fact {
	f := Fact{Key: ComplaintKey(c.ID()), Kind: KindComplaint, RegionCode: c.RegionCode(), Month: MonthOf(c.FiledAt()),
		Version: version, ProviderID: c.ProviderID(), RespondBy: c.RespondBy().UTC()}
	if r, ok := c.Reply(); ok {
		f.Replied, f.RepliedAt = true, r.At.UTC()
	}
	if d, ok := c.ResponseTime(); ok {
		f.ResponseSec = seconds(d)
	}
	_, f.Escalated = c.Escalation()
	return f
}

// OfIncident is an alarm's fact; it counts where the elder lives
// (regionCode, the elder's address) in the month it was raised.
func OfIncident(i *incident.Incident, version int64, regionCode string) Fact {
	s := i.Snapshot()
	f := Fact{Key: IncidentKey(s.ID), Kind: KindIncident, RegionCode: regionCode, Month: MonthOf(s.RaisedAt),
		Version: version, AlarmKind: string(s.Kind)}
	if !s.AcknowledgedAt.IsZero() {
		f.Acknowledged, f.ResponseSec = true, seconds(s.AcknowledgedAt.Sub(s.RaisedAt))
	}
	return f
}

// OfMeal is a meal order's fact. Like a service order it counts where
// its provider (the canteen) is (regionCode), in the month of the meal's
// day (the canteen's calendar: a meal is a day's, not an instant's).
func OfMeal(o *meal.Order, version int64, regionCode string) Fact {
	f := Fact{Key: MealKey(o.ID), Kind: KindMeal, RegionCode: regionCode,
		Month: Month{Year: o.Date.Year, Month: o.Date.Month}, Version: version, ProviderID: o.ProviderID}
	if o.Status == meal.Served {
		f.Served, f.SubsidyFen = true, o.SubsidyFen()
	}
	return f
}

// OfCare is a care record's fact: where the record says the elder lives,
// due from the month (in the elder's zone) the current spell in a
// vulnerable category began; an elder in no category is due nowhere (a
// fact without a month counts in none).
func OfCare(c *visit.Care, version int64) Fact {
	f := Fact{Key: CareKey(c.ElderID), Kind: KindCare, RegionCode: c.RegionCode, Version: version, ElderID: c.ElderID}
	if c.Vulnerable() && !c.VulnerableSince.IsZero() {
		f.Due = true
		f.Month, _ = ParseMonth(visit.MonthOf(c.VulnerableSince, c.Location()))
	}
	return f
}

// OfVisit is a visit's fact: where and in the month (the elder's zone)
// it was made; it counts once completed (phone visits included, as the
// visit rate counts them).
func OfVisit(v *visit.Visit, version int64) Fact {
	f := Fact{Key: VisitKey(v.ID), Kind: KindVisit, RegionCode: v.RegionCode, Version: version, ElderID: v.ElderID,
		Completed: v.Status == visit.Completed}
	if v.Month != "" {
		f.Month, _ = ParseMonth(v.Month)
	}
	return f
}

// OfProvider is a provider's fact: where its address is, standing from
// the month (in Zone) it registered. A provider is counted as it stands
// now in every month since: the read model keeps states, not their
// history, so a trend shows today's verification and credit standing of
// the providers registered by each month.
func OfProvider(p *provider.Provider, version int64) Fact {
	f := Fact{Key: ProviderKey(p.ID), Kind: KindProvider, RegionCode: p.Profile.Address.RegionCode,
		Month: MonthOf(p.CreatedAt), Version: version, Verification: string(p.Status), Credit: string(p.Credit),
		ProviderKinds: []string{}, Caregivers: []Certified{}}
	for _, l := range p.Profile.Licences {
		f.ProviderKinds = append(f.ProviderKinds, string(l.Kind))
	}
	for _, s := range p.Staff {
		if s.Role != provider.StaffCaregiver || s.Caregiver == nil {
			continue
		}
		if until := s.Caregiver.CertifiedUntil(); !until.IsZero() {
			f.Caregivers = append(f.Caregivers, Certified{UserID: s.UserID, ValidTo: until})
		}
	}
	return f
}

// OfPlace is a childcare slot's fact: where its provider is
// (regionCode), in the month (Zone) its window starts, of careType (its
// offering's, "" when the offering is gone).
func OfPlace(s *reservation.Slot, version int64, regionCode, careType string) Fact {
	c := s.Capacity()
	return Fact{Key: PlaceKey(s.ID()), Kind: KindPlace, RegionCode: regionCode, Month: MonthOf(s.Window().Start),
		Version: version, CareType: careType, Capacity: c.Total, InclusiveQuota: c.InclusiveQuota,
		Booked: len(s.Seats()), BookedInclusive: s.Confirmed(reservation.Inclusive)}
}

// OfHomeDevice is a home device's fact: where its elder lives
// (regionCode, the elder's address), standing from the month (Zone) it
// was registered; a removed device counts in no month (the read model
// keeps states: a trend shows the devices registered now, by the month
// each was registered in).
func OfHomeDevice(d homedevice.Device, registered bool, version int64, regionCode string) Fact {
	f := Fact{Key: HomeDeviceKey(d.ID), Kind: KindHomeDevice, RegionCode: regionCode, Version: version, ElderID: d.ElderID}
	if registered {
		f.Month = MonthOf(d.RegisteredAt)
	}
	return f
}

// Overdue reports a complaint not answered by its deadline: answered
// late, or unanswered past it at now.
func (f Fact) Overdue(now time.Time) bool {
	if f.Kind != KindComplaint || f.RespondBy.IsZero() {
		return false
	}
	if f.Replied {
		return f.RepliedAt.After(f.RespondBy)
	}
	return !now.Before(f.RespondBy) // as complaint.Overdue counts the deadline
}

func seconds(d time.Duration) int64 {
	if d < 0 {
		return 0
	}
	return int64(d / time.Second)
}
