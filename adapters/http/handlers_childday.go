package http

import (
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/childday"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/room"
)

// childDayHandlers translate the childcare day's operations; rules live
// in app/childday.
type childDayHandlers struct{ svc *childday.Service }

type roomJSON struct {
	ID               string    `json:"id"`
	ProviderID       string    `json:"providerId"`
	Name             string    `json:"name"`
	Ages             agesJSON  `json:"ages"`
	Capacity         int       `json:"capacity"`
	ChildrenPerStaff int       `json:"childrenPerStaff"`
	Standard         standard  `json:"standard"`
	CreatedAt        time.Time `json:"createdAt"`
	UpdatedAt        time.Time `json:"updatedAt"`
}

// standard is the national limit for the room's ages, shown beside what
// the provider set.
type standard struct {
	ChildrenPerStaff int `json:"childrenPerStaff"`
	MaxChildren      int `json:"maxChildren"`
}

func toRoom(providerID string, r room.Room) roomJSON {
	perStaff, maxChildren := room.LimitsFor(r.Band())
	return roomJSON{ID: r.ID(), ProviderID: providerID, Name: r.Name(),
		Ages: agesJSON{MinMonths: r.Band().MinMonths, MaxMonths: r.Band().MaxMonths}, Capacity: r.Capacity(),
		ChildrenPerStaff: r.ChildrenPerStaff(), Standard: standard{ChildrenPerStaff: perStaff, MaxChildren: maxChildren},
		CreatedAt: r.CreatedAt().UTC(), UpdatedAt: r.UpdatedAt().UTC()}
}

type policyJSON struct {
	AbsenceAlertDays int `json:"absenceAlertDays"`
	LateGraceMinutes int `json:"lateGraceMinutes"`
}

type roomRequest struct {
	Name             string   `json:"name"`
	Ages             agesJSON `json:"ages"`
	Capacity         int      `json:"capacity"`
	ChildrenPerStaff int      `json:"childrenPerStaff"`
}

func (r roomRequest) spec() room.Spec {
	return room.Spec{Name: r.Name, Band: room.Band{MinMonths: r.Ages.MinMonths, MaxMonths: r.Ages.MaxMonths},
		Capacity: r.Capacity, ChildrenPerStaff: r.ChildrenPerStaff}
}

func (h childDayHandlers) createRoom(c *fiber.Ctx) error {
	var req roomRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.CreateRoom(c.UserContext(), mustActor(c), c.Params("providerId"), req.spec())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toRoom(c.Params("providerId"), r))
}

func (h childDayHandlers) updateRoom(c *fiber.Ctx) error {
	var req roomRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.UpdateRoom(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("roomId"), req.spec())
	if err != nil {
		return err
	}
	return c.JSON(toRoom(c.Params("providerId"), r))
}

func (h childDayHandlers) listRooms(c *fiber.Ctx) error {
	st, err := h.svc.Rooms(c.UserContext(), mustActor(c), c.Params("providerId"))
	if err != nil {
		return err
	}
	out := struct {
		Items  []roomJSON `json:"items"`
		Policy policyJSON `json:"policy"`
	}{Items: []roomJSON{}, Policy: policyJSON(st.Policy())}
	for _, r := range st.Rooms() {
		out.Items = append(out.Items, toRoom(st.ProviderID(), r))
	}
	return c.JSON(out)
}

func (h childDayHandlers) setPolicy(c *fiber.Ctx) error {
	var req policyJSON
	if err := decode(c, &req); err != nil {
		return err
	}
	p, err := h.svc.SetPolicy(c.UserContext(), mustActor(c), c.Params("providerId"), room.Policy(req))
	if err != nil {
		return err
	}
	return c.JSON(policyJSON(p))
}

// ---------------------------------------------------------------------------
// A child's day

type dayPlaceJSON struct {
	BookingID string    `json:"bookingId"`
	Tier      string    `json:"tier"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	AtDoor    bool      `json:"atDoor"`
}

type healthJSON struct {
	TemperatureC float64 `json:"temperatureC"`
	Result       string  `json:"result"`
	Notes        string  `json:"notes,omitempty"`
}

type checkInJSON struct {
	At          time.Time  `json:"at"`
	By          string     `json:"by"`
	HealthCheck healthJSON `json:"healthCheck"`
	ParentNote  string     `json:"parentNote,omitempty"`
}

type personJSON struct {
	PickupPersonID string `json:"pickupPersonId,omitempty"`
	Name           string `json:"name"`
	Relation       string `json:"relation,omitempty"`
	IDLast4        string `json:"idLast4,omitempty"`
	OneTime        bool   `json:"oneTime,omitempty"`
}

type checkOutJSON struct {
	At           time.Time  `json:"at"`
	By           string     `json:"by"`
	Person       personJSON `json:"person"`
	Verification string     `json:"verification"`
	Note         string     `json:"note,omitempty"`
	Due          time.Time  `json:"due"`
	Late         bool       `json:"late"`
	LateMinutes  int        `json:"lateMinutes"`
}

type absenceJSON struct {
	ID         string    `json:"id"`
	Reason     string    `json:"reason"`
	Note       string    `json:"note,omitempty"`
	ReportedBy string    `json:"reportedBy"`
	ReportedAt time.Time `json:"reportedAt"`
}

type noShowJSON struct {
	At time.Time `json:"at"`
	By string    `json:"by"`
}

type refusalJSON struct {
	At     time.Time  `json:"at"`
	By     string     `json:"by"`
	Person personJSON `json:"person"`
	Reason string     `json:"reason"`
}

// attendeeJSON is a child's record of a day, as the provider's staff
// see it.
type attendeeJSON struct {
	Places   []dayPlaceJSON `json:"places"`
	CheckIn  *checkInJSON   `json:"checkIn,omitempty"`
	CheckOut *checkOutJSON  `json:"checkOut,omitempty"`
	Absence  *absenceJSON   `json:"absence,omitempty"`
	NoShow   *noShowJSON    `json:"noShow,omitempty"`
	Refusals []refusalJSON  `json:"refusals"`
}

func toPerson(p attendance.Pickup) personJSON {
	return personJSON{PickupPersonID: p.PickupPersonID, Name: p.Name, Relation: p.Relation, IDLast4: p.IDLast4, OneTime: p.OneTime}
}

func celsius(deciC int) float64 { return float64(deciC) / 10 }

func toAttendee(a attendance.Attendee) attendeeJSON {
	out := attendeeJSON{Places: []dayPlaceJSON{}, Refusals: []refusalJSON{}}
	for _, p := range a.Places {
		out.Places = append(out.Places, dayPlaceJSON{BookingID: p.BookingID, Tier: string(p.Tier), Start: p.Start.UTC(),
			End: p.End.UTC(), AtDoor: p.AtDoor})
	}
	if in := a.CheckIn; in != nil {
		out.CheckIn = &checkInJSON{At: in.At.UTC(), By: in.By, ParentNote: in.ParentNote, HealthCheck: healthJSON{
			TemperatureC: celsius(in.Health.TemperatureDeciC), Result: string(in.Health.Result), Notes: in.Health.Notes}}
	}
	if o := a.CheckOut; o != nil {
		out.CheckOut = &checkOutJSON{At: o.At.UTC(), By: o.By, Person: toPerson(o.Person), Verification: string(o.Verification),
			Note: o.Note, Due: o.Due.UTC(), Late: o.Late(), LateMinutes: o.LateMinutes}
	}
	if ab := a.Absence; ab != nil {
		out.Absence = &absenceJSON{ID: ab.ID, Reason: string(ab.Reason), Note: ab.Note, ReportedBy: ab.ReportedBy,
			ReportedAt: ab.ReportedAt.UTC()}
	}
	if n := a.NoShow; n != nil {
		out.NoShow = &noShowJSON{At: n.At.UTC(), By: n.By}
	}
	for _, r := range a.Refusals {
		out.Refusals = append(out.Refusals, refusalJSON{At: r.At.UTC(), By: r.By, Person: toPerson(r.Person), Reason: string(r.Reason)})
	}
	return out
}

type attendanceJSON struct {
	ChildID     string `json:"childId"`
	RoomID      string `json:"roomId"`
	RoomName    string `json:"roomName"`
	Date        string `json:"date"`
	RoomFlagged bool   `json:"roomFlagged"`
	attendeeJSON
}

func toAttendance(a childday.Attendance) attendanceJSON {
	return attendanceJSON{ChildID: a.ChildID, RoomID: a.RoomID, RoomName: a.RoomName, Date: a.Date.String(),
		RoomFlagged: a.Flagged, attendeeJSON: toAttendee(a.Attendee)}
}

type checkInRequest struct {
	ProviderID  string     `json:"providerId"`
	HealthCheck healthJSON `json:"healthCheck"`
	ParentNote  string     `json:"parentNote"`
	DropIn      *struct {
		SlotID string `json:"slotId"`
		Tier   string `json:"tier"`
	} `json:"dropIn"`
}

func (h childDayHandlers) checkIn(c *fiber.Ctx) error {
	var req checkInRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	cmd := childday.CheckInCommand{ChildID: c.Params("childId"), ProviderID: req.ProviderID, ParentNote: req.ParentNote,
		Health: attendance.HealthCheck{TemperatureDeciC: int(math.Round(req.HealthCheck.TemperatureC * 10)),
			Result: attendance.HealthResult(req.HealthCheck.Result), Notes: req.HealthCheck.Notes}}
	if req.DropIn != nil {
		tier, err := reservation.ParseTier(req.DropIn.Tier)
		if err != nil {
			return err
		}
		cmd.DropIn = &childday.DropIn{SlotID: req.DropIn.SlotID, Tier: tier}
	}
	a, err := h.svc.CheckIn(c.UserContext(), mustActor(c), cmd)
	if err != nil {
		return err
	}
	return c.JSON(toAttendance(a))
}

type checkOutRequest struct {
	ProviderID   string     `json:"providerId"`
	Person       personJSON `json:"person"`
	Verification string     `json:"verification"`
	Note         string     `json:"note"`
}

func (h childDayHandlers) checkOut(c *fiber.Ctx) error {
	var req checkOutRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := h.svc.CheckOut(c.UserContext(), mustActor(c), childday.CheckOutCommand{ChildID: c.Params("childId"),
		ProviderID: req.ProviderID, Verification: attendance.Verification(req.Verification), Note: req.Note,
		Person: attendance.Pickup{PickupPersonID: req.Person.PickupPersonID, Name: req.Person.Name,
			Relation: req.Person.Relation, IDLast4: req.Person.IDLast4}})
	if err != nil {
		return err
	}
	return c.JSON(toAttendance(d.Attendance))
}

func (h childDayHandlers) markNoShow(c *fiber.Ctx) error {
	var req struct {
		ProviderID string `json:"providerId"`
		Date       string `json:"date"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cmd := childday.NoShowCommand{ChildID: c.Params("childId"), ProviderID: req.ProviderID}
	if req.Date != "" {
		d, err := dateField("/date", req.Date)
		if err != nil {
			return err
		}
		cmd.Date = d
	}
	a, err := h.svc.MarkNoShow(c.UserContext(), mustActor(c), cmd)
	if err != nil {
		return err
	}
	return c.JSON(toAttendance(a))
}

func (h childDayHandlers) reportAbsence(c *fiber.Ctx) error {
	var req struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	from, err := dateField("/from", req.From)
	if err != nil {
		return err
	}
	to, err := dateField("/to", req.To)
	if err != nil {
		return err
	}
	rep, err := h.svc.ReportAbsence(c.UserContext(), mustActor(c), c.Params("childId"), childday.AbsenceCommand{
		From: from, To: to, Reason: attendance.AbsenceReason(req.Reason), Note: req.Note})
	if err != nil {
		return err
	}
	type dayJSON struct {
		Date       string `json:"date"`
		ProviderID string `json:"providerId"`
		RoomID     string `json:"roomId"`
	}
	out := struct {
		absenceJSON
		ChildID string    `json:"childId"`
		From    string    `json:"from"`
		To      string    `json:"to"`
		Days    []dayJSON `json:"days"`
	}{absenceJSON: absenceJSON{ID: rep.Absence.ID, Reason: string(rep.Absence.Reason), Note: rep.Absence.Note,
		ReportedBy: rep.Absence.ReportedBy, ReportedAt: rep.Absence.ReportedAt.UTC()},
		ChildID: c.Params("childId"), From: rep.From.String(), To: rep.To.String(), Days: []dayJSON{}}
	for _, d := range rep.Days {
		out.Days = append(out.Days, dayJSON{Date: d.Date.String(), ProviderID: d.ProviderID, RoomID: d.RoomID})
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h childDayHandlers) addOneTimePickup(c *fiber.Ctx) error {
	var req pickupRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	p, err := h.svc.AddOneTimePickup(c.UserContext(), mustActor(c), c.Params("childId"), children.PickupInput{
		Name: req.Name, Relation: req.Relation, Phone: req.Phone, IDLast4: req.IDLast4, PhotoRef: req.PhotoRef})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toPickup(p.Person))
}

// ---------------------------------------------------------------------------
// Staff in a room

type shiftJSON struct {
	In  time.Time  `json:"in"`
	Out *time.Time `json:"out,omitempty"`
}

type dutyJSON struct {
	UserID string      `json:"userId"`
	OnDuty bool        `json:"onDuty"`
	Shifts []shiftJSON `json:"shifts"`
}

type breachJSON struct {
	Start    time.Time  `json:"start"`
	End      *time.Time `json:"end,omitempty"`
	Children int        `json:"children"`
	Staff    int        `json:"staff"`
	Allowed  int        `json:"allowed"`
	Peak     int        `json:"peak"`
}

type roomStaffJSON struct {
	RoomID           string       `json:"roomId"`
	Date             string       `json:"date"`
	ChildrenPerStaff int          `json:"childrenPerStaff"`
	Present          int          `json:"present"`
	Flagged          bool         `json:"flagged"`
	Staff            []dutyJSON   `json:"staff"`
	Breaches         []breachJSON `json:"breaches"`
}

func optUTC(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toDuties(ds []attendance.Duty) []dutyJSON {
	out := []dutyJSON{}
	for _, d := range ds {
		dj := dutyJSON{UserID: d.UserID, OnDuty: d.OnDuty(), Shifts: []shiftJSON{}}
		for _, s := range d.Shifts {
			dj.Shifts = append(dj.Shifts, shiftJSON{In: s.In.UTC(), Out: optUTC(s.Out)})
		}
		out = append(out, dj)
	}
	return out
}

func toBreaches(bs []attendance.Breach) []breachJSON {
	out := []breachJSON{}
	for _, b := range bs {
		out = append(out, breachJSON{Start: b.Start.UTC(), End: optUTC(b.End), Children: b.Children, Staff: b.Staff,
			Allowed: b.Allowed, Peak: b.Peak})
	}
	return out
}

func toRoomStaff(d *attendance.Day) roomStaffJSON {
	return roomStaffJSON{RoomID: d.Room().ID, Date: d.Date().String(), ChildrenPerStaff: d.Room().ChildrenPerStaff,
		Present: d.Present(), Flagged: d.Flagged(), Staff: toDuties(d.Duties()), Breaches: toBreaches(d.Breaches())}
}

func (h childDayHandlers) assignStaff(c *fiber.Ctx) error {
	var req struct {
		UserIDs []string `json:"userIds"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := dateField("date", c.Params("date"))
	if err != nil {
		return err
	}
	day, err := h.svc.AssignStaff(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("roomId"), d, req.UserIDs)
	if err != nil {
		return err
	}
	return c.JSON(toRoomStaff(day))
}

func (h childDayHandlers) staffShift(in bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cmd := childday.StaffCommand{ProviderID: c.Params("providerId"), RoomID: c.Params("roomId"), UserID: c.Params("userId")}
		step := h.svc.StaffOut
		if in {
			step = h.svc.StaffIn
		}
		day, err := step(c.UserContext(), mustActor(c), cmd)
		if err != nil {
			return err
		}
		return c.JSON(toRoomStaff(day))
	}
}

// ---------------------------------------------------------------------------
// The provider's day view

type hourJSON struct {
	Start         time.Time `json:"start"`
	MaxChildren   int       `json:"maxChildren"`
	MinStaff      int       `json:"minStaff"`
	Allowed       int       `json:"allowed"`
	BreachMinutes int       `json:"breachMinutes"`
}

type childOfDayJSON struct {
	ChildID      string `json:"childId"`
	Name         string `json:"name"`
	AgeMonths    int    `json:"ageMonths"`
	Standing     string `json:"standing"`
	Allergies    string `json:"allergies,omitempty"`
	HealthNotes  string `json:"healthNotes,omitempty"`
	Attention    bool   `json:"attention"`
	ReportStatus string `json:"reportStatus"`
	attendeeJSON
}

type unplacedJSON struct {
	ChildID   string `json:"childId"`
	AgeMonths int    `json:"ageMonths"`
	Reason    string `json:"reason"`
}

func (h childDayHandlers) roomDay(c *fiber.Ctx) error {
	d, err := dateField("date", c.Params("date"))
	if err != nil {
		return err
	}
	v, err := h.svc.DayOf(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("roomId"), d)
	if err != nil {
		return err
	}
	type summary struct {
		Expected           int `json:"expected"`
		CheckedIn          int `json:"checkedIn"`
		CheckedOut         int `json:"checkedOut"`
		Absent             int `json:"absent"`
		NoShow             int `json:"noShow"`
		NotArrived         int `json:"notArrived"`
		ReportsUnpublished int `json:"reportsUnpublished"`
		Attention          int `json:"attention"`
	}
	type ratio struct {
		Present  int          `json:"present"`
		OnDuty   int          `json:"onDuty"`
		Allowed  int          `json:"allowed"`
		Flagged  bool         `json:"flagged"`
		Breaches []breachJSON `json:"breaches"`
		Hourly   []hourJSON   `json:"hourly"`
	}
	out := struct {
		ProviderID       string           `json:"providerId"`
		RoomID           string           `json:"roomId"`
		RoomName         string           `json:"roomName"`
		Date             string           `json:"date"`
		ChildrenPerStaff int              `json:"childrenPerStaff"`
		Capacity         int              `json:"capacity"`
		Summary          summary          `json:"summary"`
		Children         []childOfDayJSON `json:"children"`
		Unplaced         []unplacedJSON   `json:"unplaced"`
		Staff            []dutyJSON       `json:"staff"`
		Ratio            ratio            `json:"ratio"`
	}{ProviderID: c.Params("providerId"), RoomID: v.Room.ID(), RoomName: v.Room.Name(), Date: d.String(),
		ChildrenPerStaff: v.Room.ChildrenPerStaff(), Capacity: v.Room.Capacity(), Children: []childOfDayJSON{},
		Unplaced: []unplacedJSON{}, Staff: toDuties(v.Day.Duties()),
		Ratio: ratio{Present: v.Present, OnDuty: v.OnDuty, Allowed: v.Allowed, Flagged: v.Day.Flagged(),
			Breaches: toBreaches(v.Day.Breaches()), Hourly: []hourJSON{}}}
	for _, cd := range v.Children {
		status := string(cd.Report)
		if status == "" {
			status = "none"
		}
		out.Children = append(out.Children, childOfDayJSON{ChildID: cd.Attendee.ChildID, Name: cd.Name, AgeMonths: cd.AgeMonths,
			Standing: string(cd.Standing), Allergies: cd.Allergies, HealthNotes: cd.HealthNotes, Attention: cd.Attention(),
			ReportStatus: status, attendeeJSON: toAttendee(cd.Attendee)})
		s := &out.Summary
		if len(cd.Attendee.Places) > 0 {
			s.Expected++
		}
		switch cd.Standing {
		case childday.CheckedIn:
			s.CheckedIn++
		case childday.CheckedOut:
			s.CheckedIn++
			s.CheckedOut++
		case childday.Absent:
			s.Absent++
		case childday.NoShow:
			s.NoShow++
		case childday.NotArrived, childday.Expected:
			s.NotArrived++
		}
		if cd.Attendee.Attended() && status != "published" {
			s.ReportsUnpublished++
		}
		if cd.Attention() {
			s.Attention++
		}
	}
	for _, u := range v.Unplaced {
		out.Unplaced = append(out.Unplaced, unplacedJSON(u))
	}
	for _, hr := range v.Hourly {
		out.Ratio.Hourly = append(out.Ratio.Hourly, hourJSON{Start: hr.Start.UTC(), MaxChildren: hr.MaxChildren,
			MinStaff: hr.MinStaff, Allowed: hr.Allowed, BreachMinutes: hr.BreachMinutes})
	}
	return c.JSON(out)
}
