package http

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/visits"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/visit"
)

// monthlyVisitHandlers serve monthly visits (探访) to vulnerable elders
// and the time bank (app/visits). Order visits are handlers_visits.go's.
type monthlyVisitHandlers struct{ svc *visits.Service }

type markingJSON struct {
	Categories []string  `json:"categories"`
	By         string    `json:"by"`
	Role       string    `json:"role"`
	StationID  string    `json:"stationId,omitempty"`
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
}

type assignmentJSON struct {
	UserID     string    `json:"userId"`
	Kind       string    `json:"kind"`
	AssignedBy string    `json:"assignedBy"`
	At         time.Time `json:"at"`
}

type careJSON struct {
	ElderID         string          `json:"elderId"`
	RegionCode      string          `json:"regionCode"`
	StationID       string          `json:"stationId,omitempty"`
	Categories      []string        `json:"categories"`
	Vulnerable      bool            `json:"vulnerable"`
	VulnerableSince *time.Time      `json:"vulnerableSince,omitempty"`
	LastVisitAt     *time.Time      `json:"lastVisitAt,omitempty"`
	Visitor         *assignmentJSON `json:"visitor,omitempty"`
	Markings        []markingJSON   `json:"markings"`
	// Elder is who and where the visitor goes (getElderCare only).
	Elder *careElderJSON `json:"elder,omitempty"`
}

type careElderJSON struct {
	Name           string      `json:"name"`
	Address        addressJSON `json:"address"`
	Living         string      `json:"living,omitempty"`
	CaregiverNotes string      `json:"caregiverNotes,omitempty"`
}

func categoryStrings(cs []visit.Category) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func toCare(c *visit.Care) careJSON {
	out := careJSON{ElderID: c.ElderID, RegionCode: c.RegionCode, StationID: c.StationID,
		Categories: categoryStrings(c.Categories), Vulnerable: c.Vulnerable(),
		VulnerableSince: optionalTime(c.VulnerableSince), LastVisitAt: optionalTime(c.LastVisitAt),
		Markings: make([]markingJSON, len(c.Markings))}
	if c.Visitor != nil {
		out.Visitor = &assignmentJSON{UserID: c.Visitor.UserID, Kind: string(c.Visitor.Kind),
			AssignedBy: c.Visitor.AssignedBy, At: c.Visitor.At.UTC()}
	}
	for i, m := range c.Markings {
		out.Markings[i] = markingJSON{Categories: categoryStrings(m.Categories), By: m.By, Role: string(m.Role),
			StationID: m.StationID, Reason: m.Reason, At: m.At.UTC()}
	}
	return out
}

func (h monthlyVisitHandlers) getCare(c *fiber.Ctx) error {
	v, err := h.svc.Care(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	out := toCare(v.Care)
	p := v.Elder.Profile
	out.Elder = &careElderJSON{Name: p.Name, Address: toAddressJSON(p.Address), Living: string(p.Living),
		CaregiverNotes: p.CaregiverNotes}
	return c.JSON(out)
}

func (h monthlyVisitHandlers) mark(c *fiber.Ctx) error {
	var req struct {
		Categories []string `json:"categories"`
		Reason     string   `json:"reason"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cats := make([]visit.Category, len(req.Categories))
	for i, k := range req.Categories {
		cats[i] = visit.Category(k)
	}
	cr, err := h.svc.Mark(c.UserContext(), mustActor(c), visits.MarkCommand{ElderID: c.Params("elderId"),
		Categories: cats, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(toCare(cr))
}

func (h monthlyVisitHandlers) assign(c *fiber.Ctx) error {
	var req struct {
		UserID string `json:"userId"`
		Kind   string `json:"kind"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cr, err := h.svc.Assign(c.UserContext(), mustActor(c), visits.AssignCommand{ElderID: c.Params("elderId"),
		UserID: req.UserID, Kind: visit.VisitorKind(req.Kind)})
	if err != nil {
		return err
	}
	return c.JSON(toCare(cr))
}

type stampJSON struct {
	DeviceTime     *time.Time `json:"deviceTime,omitempty"`
	ServerTime     time.Time  `json:"serverTime"`
	Time           time.Time  `json:"time"`
	ClockAdjusted  bool       `json:"clockAdjusted"`
	Point          pointJSON  `json:"point"`
	DistanceMetres int        `json:"distanceMetres"`
	InsideGeofence bool       `json:"insideGeofence"`
	Reason         string     `json:"reason,omitempty"`
}

func toStamp(s *visit.Stamp) *stampJSON {
	if s == nil {
		return nil
	}
	return &stampJSON{DeviceTime: optionalTime(s.DeviceTime), ServerTime: s.ServerTime.UTC(), Time: s.Time.UTC(),
		ClockAdjusted: s.ClockAdjusted, Point: pointJSON{Lat: s.Point.Lat, Lng: s.Point.Lng},
		DistanceMetres: s.DistanceMetres, InsideGeofence: s.InsideGeofence, Reason: s.Reason}
}

type visitAssessmentJSON struct {
	Living  string `json:"living"`
	Mood    string `json:"mood"`
	Needs   string `json:"needs,omitempty"`
	Hazards string `json:"hazards,omitempty"`
}

type followUpJSON struct {
	Kind        string `json:"kind"`
	ServiceType string `json:"serviceType,omitempty"`
	Note        string `json:"note,omitempty"`
	IncidentID  string `json:"incidentId,omitempty"`
}

type monthlyVisitJSON struct {
	ID              string               `json:"id"`
	ElderID         string               `json:"elderId"`
	StationID       string               `json:"stationId,omitempty"`
	VisitorID       string               `json:"visitorId"`
	VisitorKind     string               `json:"visitorKind"`
	Mode            string               `json:"mode"`
	Status          string               `json:"status"`
	Month           string               `json:"month"`
	StartedAt       time.Time            `json:"startedAt"`
	DurationMinutes int                  `json:"durationMinutes"`
	CheckIn         *stampJSON           `json:"checkIn,omitempty"`
	CheckOut        *stampJSON           `json:"checkOut,omitempty"`
	Assessment      *visitAssessmentJSON `json:"assessment,omitempty"`
	FollowUps       []followUpJSON       `json:"followUps"`
	Verified        bool                 `json:"verified"`
	CreditedMinutes int64                `json:"creditedMinutes"`
}

func toMonthlyVisit(v *visit.Visit) monthlyVisitJSON {
	out := monthlyVisitJSON{ID: v.ID, ElderID: v.ElderID, StationID: v.StationID, VisitorID: v.VisitorID,
		VisitorKind: string(v.VisitorKind), Mode: string(v.Mode), Status: string(v.Status), Month: v.Month,
		StartedAt: v.StartedAt.UTC(), DurationMinutes: v.Minutes, CheckIn: toStamp(v.CheckIn),
		CheckOut: toStamp(v.CheckOut), FollowUps: make([]followUpJSON, len(v.FollowUps)), Verified: v.Verified(),
		CreditedMinutes: v.Credited}
	if v.Status == visit.Completed {
		a := v.Assessment
		out.Assessment = &visitAssessmentJSON{Living: string(a.Living), Mood: string(a.Mood), Needs: a.Needs, Hazards: a.Hazards}
	}
	for i, f := range v.FollowUps {
		out.FollowUps[i] = followUpJSON{Kind: string(f.Kind), ServiceType: f.ServiceType, Note: f.Note, IncidentID: f.IncidentID}
	}
	return out
}

type monthlyVisitBody struct {
	Point      *pointJSON           `json:"point"`
	DeviceTime *time.Time           `json:"deviceTime"`
	Reason     string               `json:"reason"`
	Assessment *visitAssessmentJSON `json:"assessment"`
	FollowUps  []followUpJSON       `json:"followUps"`
}

func (b monthlyVisitBody) report() visit.Report {
	var r visit.Report
	if b.Point != nil {
		r.Point = geo.Point{Lat: b.Point.Lat, Lng: b.Point.Lng}
	}
	if b.DeviceTime != nil {
		r.DeviceTime = *b.DeviceTime
	}
	r.Reason = b.Reason
	return r
}

func (b monthlyVisitBody) assessment() visit.Assessment {
	if b.Assessment == nil {
		return visit.Assessment{}
	}
	return visit.Assessment{Living: visit.Living(b.Assessment.Living), Mood: visit.Mood(b.Assessment.Mood),
		Needs: b.Assessment.Needs, Hazards: b.Assessment.Hazards}
}

func (b monthlyVisitBody) followUps() []visit.FollowUp {
	out := make([]visit.FollowUp, len(b.FollowUps))
	for i, f := range b.FollowUps {
		out[i] = visit.FollowUp{Kind: visit.FollowUpKind(f.Kind), ServiceType: f.ServiceType, Note: f.Note}
	}
	return out
}

func (h monthlyVisitHandlers) record(c *fiber.Ctx) error {
	var req struct {
		monthlyVisitBody
		Mode            string `json:"mode"`
		DurationMinutes int    `json:"durationMinutes"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Record(c.UserContext(), mustActor(c), visits.RecordCommand{ElderID: c.Params("elderId"),
		Mode: visit.Mode(req.Mode), Report: req.report(), DurationMinutes: req.DurationMinutes,
		Assessment: req.assessment(), FollowUps: req.followUps()})
	if err != nil {
		return err
	}
	c.Location("/v1/visits/" + v.ID)
	return c.Status(fiber.StatusCreated).JSON(toMonthlyVisit(v))
}

func (h monthlyVisitHandlers) checkOut(c *fiber.Ctx) error {
	var req monthlyVisitBody
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.CheckOut(c.UserContext(), mustActor(c), visits.CheckOutCommand{VisitID: c.Params("visitId"),
		Report: req.report(), Assessment: req.assessment(), FollowUps: req.followUps()})
	if err != nil {
		return err
	}
	return c.JSON(toMonthlyVisit(v))
}

func (h monthlyVisitHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Visit(c.UserContext(), mustActor(c), c.Params("visitId"))
	if err != nil {
		return err
	}
	return c.JSON(toMonthlyVisit(v))
}

type dueJSON struct {
	ElderID   string     `json:"elderId"`
	ElderName string     `json:"elderName"`
	StationID string     `json:"stationId,omitempty"`
	VisitorID string     `json:"visitorId,omitempty"`
	VisitID   string     `json:"visitId,omitempty"`
	VisitedAt *time.Time `json:"visitedAt,omitempty"`
}

type visitorTallyJSON struct {
	VisitorID string `json:"visitorId"`
	Due       int    `json:"due"`
	Visited   int    `json:"visited"`
}

type monthReportJSON struct {
	Month     string             `json:"month"`
	Due       int                `json:"due"`
	Visited   int                `json:"visited"`
	Rate      float64            `json:"rate"`
	Ended     bool               `json:"ended"`
	Elders    []dueJSON          `json:"elders"`
	Overdue   []dueJSON          `json:"overdue"`
	Pending   []dueJSON          `json:"pending"`
	ByVisitor []visitorTallyJSON `json:"byVisitor"`
}

func dues(ds []visit.Due) []dueJSON {
	out := make([]dueJSON, len(ds))
	for i, d := range ds {
		out[i] = dueJSON{ElderID: d.ElderID, ElderName: d.ElderName, StationID: d.StationID, VisitorID: d.VisitorID,
			VisitID: d.VisitID, VisitedAt: optionalTime(d.VisitedAt)}
	}
	return out
}

func toMonthReport(r visit.MonthlyReport) monthReportJSON {
	out := monthReportJSON{Month: r.Month, Due: len(r.Due), Visited: r.Visited, Rate: r.Rate, Ended: r.Ended,
		Elders: dues(r.Due), Overdue: dues(r.Overdue), Pending: dues(r.Pending), ByVisitor: []visitorTallyJSON{}}
	for id, t := range r.ByVisitor {
		out.ByVisitor = append(out.ByVisitor, visitorTallyJSON{VisitorID: id, Due: t.Due, Visited: t.Visited})
	}
	slices.SortFunc(out.ByVisitor, func(a, b visitorTallyJSON) int { return strings.Compare(a.VisitorID, b.VisitorID) })
	return out
}

func (h monthlyVisitHandlers) stationReport(c *fiber.Ctx) error {
	r, err := h.svc.StationReport(c.UserContext(), mustActor(c), c.Params("providerId"), c.Query("month"))
	if err != nil {
		return err
	}
	return c.JSON(toMonthReport(r))
}

func (h monthlyVisitHandlers) regionReport(c *fiber.Ctx) error {
	r, err := h.svc.RegionReport(c.UserContext(), mustActor(c), c.Query("region"), c.Query("month"))
	if err != nil {
		return err
	}
	return c.JSON(toMonthReport(r))
}

func (h monthlyVisitHandlers) myPlan(c *fiber.Ctx) error {
	r, err := h.svc.VisitorPlan(c.UserContext(), mustActor(c), c.Query("month"))
	if err != nil {
		return err
	}
	return c.JSON(toMonthReport(r))
}

type volunteerJSON struct {
	UserID       string     `json:"userId"`
	Name         string     `json:"name"`
	StationID    string     `json:"stationId"`
	RegisteredAt time.Time  `json:"registeredAt"`
	Verified     bool       `json:"verified"`
	VerifiedAt   *time.Time `json:"verifiedAt,omitempty"`
}

func toVolunteer(v *visit.Volunteer) volunteerJSON {
	return volunteerJSON{UserID: v.UserID, Name: v.Name, StationID: v.StationID, RegisteredAt: v.RegisteredAt.UTC(),
		Verified: v.Verified(), VerifiedAt: optionalTime(v.VerifiedAt)}
}

func (h monthlyVisitHandlers) registerVolunteer(c *fiber.Ctx) error {
	var req struct {
		Name      string `json:"name"`
		StationID string `json:"stationId"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.RegisterVolunteer(c.UserContext(), mustActor(c), req.Name, req.StationID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toVolunteer(v))
}

func (h monthlyVisitHandlers) verifyVolunteer(c *fiber.Ctx) error {
	v, err := h.svc.VerifyVolunteer(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("userId"))
	if err != nil {
		return err
	}
	return c.JSON(toVolunteer(v))
}

func (h monthlyVisitHandlers) stationVolunteers(c *fiber.Ctx) error {
	vs, err := h.svc.StationVolunteers(c.UserContext(), mustActor(c), c.Params("providerId"))
	if err != nil {
		return err
	}
	out := items[volunteerJSON]{Items: make([]volunteerJSON, len(vs))}
	for i, v := range vs {
		out.Items[i] = toVolunteer(v)
	}
	return c.JSON(out)
}

type timeEntryJSON struct {
	Seq       int64     `json:"seq"`
	Kind      string    `json:"kind"`
	Ref       string    `json:"ref"`
	Minutes   int64     `json:"minutes"`
	Available int64     `json:"available"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"at"`
}

func (h monthlyVisitHandlers) credit(c *fiber.Ctx) error {
	e, err := h.svc.CreditVisit(c.UserContext(), mustActor(c), c.Params("visitId"))
	if err != nil {
		return err
	}
	return c.JSON(toTimeEntry(e))
}

func toTimeEntry(e ledger.Entry) timeEntryJSON {
	return timeEntryJSON{Seq: e.Seq, Kind: string(e.Kind), Ref: e.Ref, Minutes: e.Amount, Available: e.Available,
		Reason: e.Reason, At: e.At.UTC()}
}

func (h monthlyVisitHandlers) timeBank(c *fiber.Ctx) error {
	var before int64
	if cur := c.Query("cursor"); cur != "" {
		n, err := strconv.ParseInt(cur, 10, 64)
		if err != nil || n < 1 {
			return page.ErrCursorInvalid.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})
		}
		before = n
	}
	limit := c.QueryInt("limit", 20)
	limit = max(1, min(limit, 100))
	st, err := h.svc.TimeBank(c.UserContext(), mustActor(c), before, limit)
	if err != nil {
		return err
	}
	a := st.Account
	out := fiber.Map{"account": a.ID(), "unit": string(a.Unit()), "balance": a.Available(), "held": a.Held(),
		"spent": a.Committed(), "earned": a.Adjusted(), "entries": make([]timeEntryJSON, len(st.Entries))}
	for i, e := range st.Entries {
		out["entries"].([]timeEntryJSON)[i] = toTimeEntry(e)
	}
	if st.Next > 0 {
		out["nextCursor"] = strconv.FormatInt(st.Next, 10)
	}
	return c.JSON(out)
}

func toRedemption(r visits.Redemption) fiber.Map {
	m := fiber.Map{"id": r.ID, "stationId": r.StationID, "minutes": r.Minutes, "status": r.Status}
	if r.ElderID != "" {
		m["elderId"], m["serviceType"] = r.ElderID, r.ServiceType
	}
	return m
}

func (h monthlyVisitHandlers) redeem(c *fiber.Ctx) error {
	var req struct {
		ElderID     string `json:"elderId"`
		StationID   string `json:"stationId"`
		ServiceType string `json:"serviceType"`
		Minutes     int64  `json:"minutes"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Redeem(c.UserContext(), mustActor(c), visits.RedeemCommand{ElderID: req.ElderID,
		StationID: req.StationID, ServiceType: req.ServiceType, Minutes: req.Minutes})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toRedemption(r))
}

func (h monthlyVisitHandlers) settle(confirm bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := h.svc.SettleRedemption(c.UserContext(), mustActor(c), c.Params("providerId"),
			c.Params("redemptionId"), confirm)
		if err != nil {
			return err
		}
		return c.JSON(toRedemption(r))
	}
}

type stationRedemptionJSON struct {
	ID          string    `json:"id"`
	UserID      string    `json:"userId"`
	StationID   string    `json:"stationId"`
	ElderID     string    `json:"elderId,omitempty"`
	ServiceType string    `json:"serviceType,omitempty"`
	Minutes     int64     `json:"minutes"`
	Status      string    `json:"status"`
	RequestedAt time.Time `json:"requestedAt"`
}

func (h monthlyVisitHandlers) stationRedemptions(c *fiber.Ctx) error {
	req, err := pageOf(c)
	if err != nil {
		return err
	}
	rs, more, err := h.svc.StationRedemptions(c.UserContext(), mustActor(c), c.Params("providerId"), req)
	if err != nil {
		return err
	}
	out := items[stationRedemptionJSON]{Items: make([]stationRedemptionJSON, len(rs))}
	for i, r := range rs {
		out.Items[i] = stationRedemptionJSON{ID: r.ID, UserID: r.UserID, StationID: r.StationID, ElderID: r.ElderID,
			ServiceType: r.ServiceType, Minutes: r.Minutes, Status: r.Status, RequestedAt: r.RequestedAt.UTC()}
	}
	if len(rs) > 0 {
		out.NextCursor = page.Cursor(rs[len(rs)-1].ID, more)
	}
	return c.JSON(out)
}

func (h monthlyVisitHandlers) donate(c *fiber.Ctx) error {
	var req struct {
		ToUserID string `json:"toUserId"`
		Minutes  int64  `json:"minutes"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := h.svc.Donate(c.UserContext(), mustActor(c), req.ToUserID, req.Minutes)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": d.ID, "toUserId": d.To, "minutes": d.Minutes})
}
