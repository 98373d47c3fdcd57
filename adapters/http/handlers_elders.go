package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/geo"
)

type elderHandlers struct{ svc *elders.Service }

type addressJSON struct {
	Province   string  `json:"province,omitempty"`
	City       string  `json:"city"`
	District   string  `json:"district,omitempty"`
	Street     string  `json:"street,omitempty"`
	Detail     string  `json:"detail,omitempty"`
	RegionCode string  `json:"regionCode"`
	Lat        float64 `json:"lat"`
	Lng        float64 `json:"lng"`
}

func toAddressJSON(a geo.Address) addressJSON {
	return addressJSON{Province: a.Province, City: a.City, District: a.District, Street: a.Street, Detail: a.Detail,
		RegionCode: a.RegionCode, Lat: a.Location.Lat, Lng: a.Location.Lng}
}

type dietJSON struct {
	Tags      []string `json:"tags"`
	Allergies string   `json:"allergies,omitempty"`
}

type contactJSON struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Phone    string `json:"phone"`
}

type assessmentJSON struct {
	Level      string `json:"level"`
	AssessedOn string `json:"assessedOn"`
	AssessedBy string `json:"assessedBy"`
	Source     string `json:"source"`
	ProviderID string `json:"providerId,omitempty"`
}

type assessmentRequest struct {
	Level      string `json:"level"`
	AssessedOn string `json:"assessedOn"`
	AssessedBy string `json:"assessedBy"`
	ProviderID string `json:"providerId"`
	BirthDate  string `json:"birthDate"`
}

// assessedJSON is what an assessing body sees after recording: what it
// recorded and the birth date that counts, nothing of the family's.
type assessedJSON struct {
	ElderID           string         `json:"elderId"`
	Assessment        assessmentJSON `json:"assessment"`
	BirthDateOfRecord string         `json:"birthDateOfRecord"`
	BirthDateSource   string         `json:"birthDateSource"`
}

// elderRequest is the body of create and update; the contract refuses
// any other field, so ids, familyId and allowances can never be set here.
type elderRequest struct {
	Name              *string        `json:"name"`
	Gender            *string        `json:"gender"`
	BirthDate         *string        `json:"birthDate"`
	Phone             *string        `json:"phone"`
	Address           *addressJSON   `json:"address"`
	Living            *string        `json:"living"`
	MobilityAids      *[]string      `json:"mobilityAids"`
	Diet              *dietJSON      `json:"diet"`
	EmergencyContacts *[]contactJSON `json:"emergencyContacts"`
	CaregiverNotes    *string        `json:"caregiverNotes"`
	Conditions        *[]string      `json:"conditions"`
}

func (r elderRequest) input() elders.ProfileInput {
	in := elders.ProfileInput{Name: r.Name, Gender: r.Gender, BirthDate: r.BirthDate, Phone: r.Phone, Living: r.Living,
		MobilityAids: r.MobilityAids, CaregiverNotes: r.CaregiverNotes, Conditions: r.Conditions}
	if a := r.Address; a != nil {
		in.Address = &elders.AddressInput{Province: a.Province, City: a.City, District: a.District, Street: a.Street,
			Detail: a.Detail, RegionCode: a.RegionCode, Lat: a.Lat, Lng: a.Lng}
	}
	if d := r.Diet; d != nil {
		in.Diet = &elders.DietInput{Tags: d.Tags, Allergies: d.Allergies}
	}
	if r.EmergencyContacts != nil {
		cs := make([]elders.ContactInput, len(*r.EmergencyContacts))
		for i, c := range *r.EmergencyContacts {
			cs[i] = elders.ContactInput{Name: c.Name, Relation: c.Relation, Phone: c.Phone}
		}
		in.EmergencyContacts = &cs
	}
	return in
}

type allowanceJSON struct {
	ID           string   `json:"id"`
	Issuer       string   `json:"issuer"`
	Kind         string   `json:"kind"`
	MonthlyFen   int64    `json:"monthlyFen,omitempty"`
	MonthlyHours int      `json:"monthlyHours,omitempty"`
	ServiceTypes []string `json:"serviceTypes"`
	ValidFrom    string   `json:"validFrom"`
	ValidTo      string   `json:"validTo,omitempty"`
	OneOff       bool     `json:"oneOff,omitempty"`
	TimeZone     string   `json:"timeZone"`
}

func toAllowance(a elder.Allowance) allowanceJSON {
	out := allowanceJSON{ID: a.ID, Issuer: a.Issuer, Kind: string(a.Kind), MonthlyFen: a.MonthlyFen,
		MonthlyHours: a.MonthlyHours, ServiceTypes: make([]string, len(a.ServiceTypes)), ValidFrom: a.ValidFrom.String(),
		OneOff: a.OneOff, TimeZone: a.Location().String()}
	for i, t := range a.ServiceTypes {
		out.ServiceTypes[i] = string(t)
	}
	if !a.ValidTo.IsZero() {
		out.ValidTo = a.ValidTo.String()
	}
	return out
}

type elderJSON struct {
	ID                string           `json:"id"`
	FamilyID          string           `json:"familyId"`
	Name              string           `json:"name"`
	Gender            string           `json:"gender"`
	BirthDate         string           `json:"birthDate"`
	BirthDateOfRecord string           `json:"birthDateOfRecord"`
	BirthDateSource   string           `json:"birthDateSource"`
	Age               int              `json:"age"`
	Phone             string           `json:"phone,omitempty"`
	Address           addressJSON      `json:"address"`
	Living            string           `json:"living"`
	MobilityAids      []string         `json:"mobilityAids"`
	Diet              dietJSON         `json:"diet"`
	EmergencyContacts []contactJSON    `json:"emergencyContacts"`
	CaregiverNotes    string           `json:"caregiverNotes,omitempty"`
	Conditions        []string         `json:"conditions"`
	Assessment        *assessmentJSON  `json:"assessment,omitempty"`
	AssessmentHistory []assessmentJSON `json:"assessmentHistory"`
	Allowances        []allowanceJSON  `json:"allowances"`
	CreatedAt         time.Time        `json:"createdAt"`
}

func toAssessment(a elder.Assessment) assessmentJSON {
	return assessmentJSON{Level: string(a.Level), AssessedOn: a.AssessedOn.String(), AssessedBy: a.AssessedBy,
		Source: string(a.Source), ProviderID: a.ProviderID}
}

// toElder shows an elder to their family. Their own phone and their
// emergency contacts are shown in full: the family needs to call them.
func toElder(v elders.View) elderJSON {
	e, p := v.Elder, v.Elder.Profile
	a := p.Address
	out := elderJSON{ID: e.ID, FamilyID: e.FamilyID, Name: p.Name, Gender: string(p.Gender), BirthDate: p.BirthDate.String(),
		BirthDateOfRecord: e.EligibilityBirthDate().String(), BirthDateSource: string(e.BirthDateSource()),
		Age: v.Age, Phone: p.Phone.String(), Living: string(p.Living), CaregiverNotes: p.CaregiverNotes, CreatedAt: e.CreatedAt.UTC(),
		Address:           toAddressJSON(a),
		MobilityAids:      make([]string, len(p.MobilityAids)),
		Diet:              dietJSON{Tags: make([]string, len(p.Diet.Tags)), Allergies: p.Diet.Allergies},
		EmergencyContacts: make([]contactJSON, len(p.EmergencyContacts)),
		Conditions:        append([]string{}, e.Health.Conditions...),
		AssessmentHistory: make([]assessmentJSON, len(e.Health.AssessmentHistory)),
		Allowances:        make([]allowanceJSON, len(e.Allowances)),
	}
	for i, m := range p.MobilityAids {
		out.MobilityAids[i] = string(m)
	}
	for i, t := range p.Diet.Tags {
		out.Diet.Tags[i] = string(t)
	}
	for i, c := range p.EmergencyContacts {
		out.EmergencyContacts[i] = contactJSON{Name: c.Name, Relation: c.Relation, Phone: c.Phone.String()}
	}
	if e.Health.Assessment != nil {
		as := toAssessment(*e.Health.Assessment)
		out.Assessment = &as
	}
	for i, h := range e.Health.AssessmentHistory {
		out.AssessmentHistory[i] = toAssessment(h)
	}
	for i, al := range e.Allowances {
		out.Allowances[i] = toAllowance(al)
	}
	return out
}

func (h elderHandlers) create(c *fiber.Ctx) error {
	var req elderRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Create(c.UserContext(), mustActor(c), c.Params("familyId"), req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toElder(v))
}

func (h elderHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	return c.JSON(toElder(v))
}

func (h elderHandlers) list(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	vs, more, err := h.svc.List(c.UserContext(), mustActor(c), c.Params("familyId"), p)
	if err != nil {
		return err
	}
	out := items[elderJSON]{Items: make([]elderJSON, len(vs))}
	for i, v := range vs {
		out.Items[i] = toElder(v)
	}
	if len(vs) > 0 {
		out.NextCursor = page.Cursor(vs[len(vs)-1].Elder.ID, more)
	}
	return c.JSON(out)
}

func (h elderHandlers) update(c *fiber.Ctx) error {
	var req elderRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Update(c.UserContext(), mustActor(c), c.Params("elderId"), req.input())
	if err != nil {
		return err
	}
	return c.JSON(toElder(v))
}

func (h elderHandlers) delete(c *fiber.Ctx) error {
	if err := h.svc.Delete(c.UserContext(), mustActor(c), c.Params("elderId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h elderHandlers) recordAssessment(c *fiber.Ctx) error {
	var req assessmentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.RecordAssessment(c.UserContext(), mustActor(c), c.Params("elderId"),
		elders.AssessmentInput{Level: req.Level, AssessedOn: req.AssessedOn, AssessedBy: req.AssessedBy,
			ProviderID: req.ProviderID, BirthDate: req.BirthDate})
	if err != nil {
		return err
	}
	if r.ByFamily {
		return c.Status(fiber.StatusCreated).JSON(toElder(r.View))
	}
	e := r.View.Elder
	return c.Status(fiber.StatusCreated).JSON(assessedJSON{ElderID: e.ID, Assessment: toAssessment(r.Assessment),
		BirthDateOfRecord: e.EligibilityBirthDate().String(), BirthDateSource: string(e.BirthDateSource())})
}

type allowanceRequest struct {
	Issuer       string   `json:"issuer"`
	Kind         string   `json:"kind"`
	MonthlyFen   int64    `json:"monthlyFen"`
	MonthlyHours int      `json:"monthlyHours"`
	ServiceTypes []string `json:"serviceTypes"`
	ValidFrom    string   `json:"validFrom"`
	ValidTo      string   `json:"validTo"`
	OneOff       bool     `json:"oneOff"`
	TimeZone     string   `json:"timeZone"`
}

func (h elderHandlers) addAllowance(c *fiber.Ctx) error {
	var req allowanceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	al, err := h.svc.AddAllowance(c.UserContext(), mustActor(c), c.Params("elderId"), elders.AllowanceInput{
		Issuer: req.Issuer, Kind: req.Kind, MonthlyFen: req.MonthlyFen, MonthlyHours: req.MonthlyHours,
		ServiceTypes: req.ServiceTypes, ValidFrom: req.ValidFrom, ValidTo: req.ValidTo, OneOff: req.OneOff,
		TimeZone: req.TimeZone})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAllowance(al))
}

func (h elderHandlers) allowances(c *fiber.Ctx) error {
	als, err := h.svc.Allowances(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	out := items[allowanceJSON]{Items: make([]allowanceJSON, len(als))}
	for i, al := range als {
		out.Items[i] = toAllowance(al)
	}
	return c.JSON(out)
}

func (h elderHandlers) removeAllowance(c *fiber.Ctx) error {
	if err := h.svc.RemoveAllowance(c.UserContext(), mustActor(c), c.Params("elderId"), c.Params("allowanceId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// pageOf reads ?limit= and ?cursor=; the contract has already checked
// their types and range.
func pageOf(c *fiber.Ctx) (page.Request, error) {
	return page.Parse(c.Query("cursor"), c.QueryInt("limit", 0))
}
