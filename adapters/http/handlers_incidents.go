package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/incident"
)

type incidentHandlers struct{ svc *incidents.Service }

type incidentSourceJSON struct {
	Kind     string `json:"kind"`
	UserID   string `json:"userId,omitempty"`
	DeviceID string `json:"deviceId,omitempty"`
}

type latLngJSON struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

type ladderPlaceJSON struct {
	Role string `json:"role"`
	Rung int    `json:"rung"`
}

type responderJSON struct {
	UserID     string `json:"userId"`
	Rung       int    `json:"rung"`
	Role       string `json:"role"`
	ProviderID string `json:"providerId,omitempty"`
}

type incidentEntryJSON struct {
	At      time.Time `json:"at"`
	Type    string    `json:"type"`
	By      string    `json:"by,omitempty"`
	Role    string    `json:"role,omitempty"`
	Rung    int       `json:"rung,omitempty"`
	Source  string    `json:"source,omitempty"`
	Note    string    `json:"note,omitempty"`
	Outcome string    `json:"outcome,omitempty"`
	Called  *int      `json:"called,omitempty"`
	Texted  *int      `json:"texted,omitempty"`
}

type incidentElderJSON struct {
	ID                string        `json:"id"`
	Name              string        `json:"name"`
	Address           *addressJSON  `json:"address,omitempty"`
	Living            string        `json:"living,omitempty"`
	Conditions        []string      `json:"conditions,omitempty"`
	MobilityAids      []string      `json:"mobilityAids,omitempty"`
	EmergencyContacts []contactJSON `json:"emergencyContacts,omitempty"`
}

type incidentJSON struct {
	ID             string              `json:"id"`
	ElderID        string              `json:"elderId"`
	FamilyID       string              `json:"familyId"`
	Kind           string              `json:"kind"`
	Source         incidentSourceJSON  `json:"source"`
	Location       *latLngJSON         `json:"location,omitempty"`
	Status         string              `json:"status"`
	Rung           int                 `json:"rung"`
	DueAt          *time.Time          `json:"dueAt,omitempty"`
	RaisedAt       time.Time           `json:"raisedAt"`
	AcknowledgedBy string              `json:"acknowledgedBy,omitempty"`
	AcknowledgedAt *time.Time          `json:"acknowledgedAt,omitempty"`
	Outcome        string              `json:"outcome,omitempty"`
	ResolvedAt     *time.Time          `json:"resolvedAt,omitempty"`
	ClosedAt       *time.Time          `json:"closedAt,omitempty"`
	You            ladderPlaceJSON     `json:"you"`
	Responders     []responderJSON     `json:"responders"`
	SMSPending     int                 `json:"smsPending,omitempty"`
	Timeline       []incidentEntryJSON `json:"timeline"`
	Elder          incidentElderJSON   `json:"elder"`
}

func countOf(n int, t incident.EntryType) *int {
	if t != incident.EntryRungCalled && t != incident.EntrySMSSent {
		return nil
	}
	return &n
}

// toIncident shows an incident to someone on its ladder; the elder's
// details only when the view carries them (the app decides).
func toIncident(v incidents.View) incidentJSON {
	s := v.Incident.Snapshot()
	out := incidentJSON{ID: s.ID, ElderID: s.ElderID, FamilyID: s.FamilyID, Kind: string(s.Kind),
		Source: incidentSourceJSON{Kind: string(s.Source.Kind), UserID: s.Source.UserID, DeviceID: s.Source.DeviceID},
		Status: string(s.Status), Rung: s.Rung, DueAt: optionalTime(s.DueAt), RaisedAt: s.RaisedAt.UTC(),
		AcknowledgedBy: s.AcknowledgedBy, AcknowledgedAt: optionalTime(s.AcknowledgedAt), Outcome: string(s.Outcome),
		ResolvedAt: optionalTime(s.ResolvedAt), ClosedAt: optionalTime(s.ClosedAt),
		You:        ladderPlaceJSON{Role: string(v.As.Role), Rung: v.As.Rung},
		Responders: make([]responderJSON, len(s.Responders)), SMSPending: len(s.PendingSMS),
		Timeline: make([]incidentEntryJSON, len(s.Timeline)),
		Elder:    incidentElderJSON{ID: s.ElderID, Name: s.ElderName}}
	if s.Location != nil {
		out.Location = &latLngJSON{Lat: s.Location.Lat, Lng: s.Location.Lng}
	}
	for i, r := range s.Responders {
		out.Responders[i] = responderJSON{UserID: r.UserID, Rung: r.Rung, Role: string(r.Role), ProviderID: r.ProviderID}
	}
	for i, e := range s.Timeline {
		out.Timeline[i] = incidentEntryJSON{At: e.At.UTC(), Type: string(e.Type), By: e.By, Role: string(e.Role),
			Rung: e.Rung, Source: string(e.Source), Note: e.Note, Outcome: string(e.Outcome),
			Called: countOf(e.Called, e.Type), Texted: countOf(e.Texted, e.Type)}
	}
	if e := v.Elder; e != nil {
		addr := toAddressJSON(e.Profile.Address)
		out.Elder.Name, out.Elder.Address, out.Elder.Living = e.Profile.Name, &addr, string(e.Profile.Living)
		out.Elder.Conditions = e.Health.Conditions
		for _, m := range e.Profile.MobilityAids {
			out.Elder.MobilityAids = append(out.Elder.MobilityAids, string(m))
		}
		for _, c := range e.Profile.EmergencyContacts {
			out.Elder.EmergencyContacts = append(out.Elder.EmergencyContacts,
				contactJSON{Name: c.Name, Relation: c.Relation, Phone: c.Phone.String()})
		}
	}
	return out
}

func (h incidentHandlers) raiseSOS(c *fiber.Ctx) error {
	var req struct {
		Location *latLngJSON `json:"location"`
		Note     string      `json:"note"`
	}
	if len(c.Body()) > 0 {
		if err := decode(c, &req); err != nil {
			return err
		}
	}
	cmd := incidents.SOSCommand{ElderID: c.Params("elderId"), Note: req.Note}
	if req.Location != nil {
		cmd.Location = &geo.Point{Lat: req.Location.Lat, Lng: req.Location.Lng}
	}
	r, err := h.svc.RaiseSOS(c.UserContext(), mustActor(c), cmd)
	return h.raised(c, r, err)
}

func (h incidentHandlers) raiseByStaff(c *fiber.Ctx) error {
	var req struct {
		Kind     string      `json:"kind"`
		Location *latLngJSON `json:"location"`
		Note     string      `json:"note"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cmd := incidents.StaffCommand{ElderID: c.Params("elderId"), Kind: incident.Kind(req.Kind), Note: req.Note}
	if req.Location != nil {
		cmd.Location = &geo.Point{Lat: req.Location.Lat, Lng: req.Location.Lng}
	}
	r, err := h.svc.RaiseByStaff(c.UserContext(), mustActor(c), cmd)
	return h.raised(c, r, err)
}

// raised answers a raised alarm: 201 with its Location when new, 200
// when it joined the elder's incident of the last minute.
func (h incidentHandlers) raised(c *fiber.Ctx, r incidents.Raised, err error) error {
	if err != nil {
		return err
	}
	out := struct {
		incidentJSON
		Merged bool `json:"merged"`
	}{toIncident(r.View), r.Merged}
	if r.Merged {
		return c.JSON(out)
	}
	c.Location("/v1/incidents/" + out.ID)
	return c.Status(fiber.StatusCreated).JSON(out)
}

type ladderJSON struct {
	FamilyWaitMinutes int        `json:"familyWaitMinutes"`
	NearbyWaitMinutes int        `json:"nearbyWaitMinutes"`
	Default           bool       `json:"default"`
	SetBy             string     `json:"setBy,omitempty"`
	SetAt             *time.Time `json:"setAt,omitempty"`
}

func toLadder(l incidents.LadderSetting) ladderJSON {
	return ladderJSON{FamilyWaitMinutes: int(l.Ladder.FamilyWait / time.Minute),
		NearbyWaitMinutes: int(l.Ladder.NearbyWait / time.Minute), Default: l.SetBy == "", SetBy: l.SetBy,
		SetAt: optionalTime(l.SetAt)}
}

func (h incidentHandlers) ladder(c *fiber.Ctx) error {
	l, err := h.svc.Ladder(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	return c.JSON(toLadder(l))
}

func (h incidentHandlers) setLadder(c *fiber.Ctx) error {
	var req struct {
		FamilyWaitMinutes int `json:"familyWaitMinutes"`
		NearbyWaitMinutes int `json:"nearbyWaitMinutes"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	l, err := h.svc.SetLadder(c.UserContext(), mustActor(c), c.Params("elderId"),
		time.Duration(req.FamilyWaitMinutes)*time.Minute, time.Duration(req.NearbyWaitMinutes)*time.Minute)
	if err != nil {
		return err
	}
	return c.JSON(toLadder(l))
}

func (h incidentHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), mustActor(c), c.Params("incidentId"))
	if err != nil {
		return err
	}
	return c.JSON(toIncident(v))
}

// step answers a step with the incident as the caller now sees it.
func (h incidentHandlers) step(do func(c *fiber.Ctx, a actor.Actor, id string) (incidents.View, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := do(c, mustActor(c), c.Params("incidentId"))
		if err != nil {
			return err
		}
		return c.JSON(toIncident(v))
	}
}

func (h incidentHandlers) acknowledge(c *fiber.Ctx, a actor.Actor, id string) (incidents.View, error) {
	return h.svc.Acknowledge(c.UserContext(), a, id)
}

func (h incidentHandlers) note(c *fiber.Ctx, a actor.Actor, id string) (incidents.View, error) {
	var req struct {
		Text string `json:"text"`
	}
	if err := decode(c, &req); err != nil {
		return incidents.View{}, err
	}
	return h.svc.Note(c.UserContext(), a, id, req.Text)
}

func (h incidentHandlers) resolve(c *fiber.Ctx, a actor.Actor, id string) (incidents.View, error) {
	var req struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	}
	if err := decode(c, &req); err != nil {
		return incidents.View{}, err
	}
	return h.svc.Resolve(c.UserContext(), a, id, incident.Outcome(req.Outcome), req.Note)
}

func (h incidentHandlers) close(c *fiber.Ctx, a actor.Actor, id string) (incidents.View, error) {
	return h.svc.Close(c.UserContext(), a, id)
}

func (h incidentHandlers) page(p incidents.Page, err error, c *fiber.Ctx) error {
	if err != nil {
		return err
	}
	out := items[incidentJSON]{Items: make([]incidentJSON, len(p.Views)), NextCursor: p.NextCursor}
	for i, v := range p.Views {
		out.Items[i] = toIncident(v)
	}
	return c.JSON(out)
}

func (h incidentHandlers) forElder(c *fiber.Ctx) error {
	p, err := h.svc.ForElder(c.UserContext(), mustActor(c), c.Params("elderId"), c.Query("cursor"), c.QueryInt("limit", 0))
	return h.page(p, err, c)
}

func (h incidentHandlers) mine(c *fiber.Ctx) error {
	p, err := h.svc.Mine(c.UserContext(), mustActor(c), c.QueryBool("live", false), c.Query("cursor"),
		c.QueryInt("limit", 0))
	return h.page(p, err, c)
}

func (h providerHandlers) setDuty(c *fiber.Ctx) error {
	var req struct {
		UserIDs []string `json:"userIds"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	duty, err := h.svc.SetDuty(c.UserContext(), mustActor(c), c.Params("providerId"), req.UserIDs)
	if err != nil {
		return err
	}
	if duty == nil {
		duty = []string{}
	}
	return c.JSON(fiber.Map{"userIds": duty})
}
