package http

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/actor"
	appcatalog "github.com/kincare/kincare/app/catalog"
	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

type providerHandlers struct {
	svc        *providers.Service
	catalog    *appcatalog.Service
	search     *search.Service
	complaints *complaints.Service
}

type licenceJSON struct {
	Kind    string `json:"kind"`
	Number  string `json:"number"`
	ValidTo string `json:"validTo,omitempty"`
}

type areaJSON struct {
	RadiusKm    float64  `json:"radiusKm,omitempty"`
	RegionCodes []string `json:"regionCodes,omitempty"`
}

type hoursJSON struct {
	Weekday int    `json:"weekday"`
	Open    string `json:"open"`
	Close   string `json:"close"`
}

type providerRequest struct {
	LegalName    string          `json:"legalName"`
	Licences     []licenceJSON   `json:"licences"`
	Address      addressJSON     `json:"address"`
	ServiceArea  areaJSON        `json:"serviceArea"`
	TimeZone     string          `json:"timeZone"`
	ContactPhone string          `json:"contactPhone"`
	OpeningHours []hoursJSON     `json:"openingHours"`
	VisitPolicy  visitPolicyJSON `json:"visitPolicy"`
}

type visitPolicyJSON struct {
	GeofenceMetres     int   `json:"geofenceMetres"`
	CancellationFeeFen int64 `json:"cancellationFeeFen"`
}

func (r providerRequest) profile() (provider.Profile, error) {
	phone, err := identity.ParsePhone(r.ContactPhone)
	if err != nil {
		return provider.Profile{}, provider.ErrInvalid.WithFields(fault.FieldError{Field: "/contactPhone", Code: "phone_invalid"})
	}
	p := provider.Profile{LegalName: r.LegalName, TimeZone: r.TimeZone, ContactPhone: phone,
		Address: geo.Address{Province: r.Address.Province, City: r.Address.City, District: r.Address.District,
			Street: r.Address.Street, Detail: r.Address.Detail, RegionCode: r.Address.RegionCode,
			Location: geo.Point{Lat: r.Address.Lat, Lng: r.Address.Lng}},
		Area:   provider.Area{RadiusKM: r.ServiceArea.RadiusKm, RegionCodes: r.ServiceArea.RegionCodes},
		Policy: provider.VisitPolicy{GeofenceMetres: r.VisitPolicy.GeofenceMetres, CancellationFeeFen: r.VisitPolicy.CancellationFeeFen}}
	if p.TimeZone == "" {
		p.TimeZone = "Asia/Shanghai"
	}
	for i, l := range r.Licences {
		lic := provider.Licence{Kind: provider.Kind(l.Kind), Number: l.Number}
		if l.ValidTo != "" {
			if lic.ValidTo, err = calendar.ParseDate(l.ValidTo); err != nil {
				return provider.Profile{}, provider.ErrInvalid.WithFields(fault.FieldError{
					Field: "/licences/" + strconv.Itoa(i) + "/validTo", Code: "date_invalid"})
			}
		}
		p.Licences = append(p.Licences, lic)
	}
	for _, h := range r.OpeningHours {
		p.Hours = append(p.Hours, provider.Hours{Weekday: h.Weekday, Open: h.Open, Close: h.Close})
	}
	return p, nil
}

type priceJSON struct {
	Version      int        `json:"version"`
	MarketFen    int64      `json:"marketFen"`
	InclusiveFen int64      `json:"inclusiveFen"`
	AgreementRef string     `json:"agreementRef,omitempty"`
	From         *time.Time `json:"from,omitempty"`
}

type namesJSON struct {
	ZhCN string `json:"zhCN"`
	En   string `json:"en"`
}

type eligibilityJSON struct {
	Levels []string `json:"levels"`
	MinAge int      `json:"minAge"`
}

type itemJSON struct {
	ID               string          `json:"id"`
	ProviderID       string          `json:"providerId"`
	Type             string          `json:"type"`
	Names            namesJSON       `json:"names"`
	Unit             string          `json:"unit"`
	DurationMinutes  int             `json:"durationMinutes"`
	CaregiversNeeded int             `json:"caregiversNeeded"`
	Eligibility      eligibilityJSON `json:"eligibility"`
	UsesCapacity     bool            `json:"usesCapacity"`
	Price            priceJSON       `json:"price"`
	Active           bool            `json:"active"`
}

func toPrice(p catalog.Price) priceJSON {
	from := p.From.UTC()
	return priceJSON{Version: p.Version, MarketFen: p.MarketFen, InclusiveFen: p.InclusiveFen,
		AgreementRef: p.AgreementRef, From: &from}
}

func toNames(n catalog.Names) namesJSON { return namesJSON{ZhCN: n.ZhCN, En: n.En} }

func toItem(it catalog.Item) itemJSON {
	out := itemJSON{ID: it.ID, ProviderID: it.ProviderID, Type: string(it.Type), Names: toNames(it.Names),
		Unit: string(it.Unit), DurationMinutes: it.DurationMinutes, CaregiversNeeded: it.CaregiversNeeded,
		Eligibility:  eligibilityJSON{Levels: make([]string, len(it.Eligibility.Levels)), MinAge: it.Eligibility.MinAge},
		UsesCapacity: it.UsesCapacity, Active: it.Active, Price: toPrice(it.Price)}
	for i, l := range it.Eligibility.Levels {
		out.Eligibility.Levels[i] = string(l)
	}
	return out
}

type providerJSON struct {
	ID             string             `json:"id"`
	LegalName      string             `json:"legalName"`
	Licences       []licenceJSON      `json:"licences"`
	Address        addressJSON        `json:"address"`
	ServiceArea    areaJSON           `json:"serviceArea"`
	TimeZone       string             `json:"timeZone"`
	ContactPhone   string             `json:"contactPhone"`
	OpeningHours   []hoursJSON        `json:"openingHours"`
	VisitPolicy    visitPolicyJSON    `json:"visitPolicy"`
	Status         string             `json:"status"`
	StatusReason   string             `json:"statusReason,omitempty"`
	Credit         string             `json:"credit"`
	CreditReason   string             `json:"creditReason,omitempty"`
	CreditSetAt    *time.Time         `json:"creditSetAt,omitempty"`
	RatingAverage  float64            `json:"ratingAverage"`
	RatingCount    int64              `json:"ratingCount"`
	ComplaintCount int64              `json:"complaintCount"`
	Complaints     *figuresJSON       `json:"complaints,omitempty"`
	ComplaintRate  *complaintRateJSON `json:"complaintRate,omitempty"`
	Items          []itemJSON         `json:"items,omitempty"`
}

// complaintRateJSON is a provider's complaint rate on the regulator's
// register, when the list was filtered by it.
type complaintRateJSON struct {
	Months     int     `json:"months"`
	Complaints int     `json:"complaints"`
	Orders     int     `json:"orders"`
	PerHundred float64 `json:"perHundred"`
}

// supervisedQuery reads the register's filters (the list's and its
// export's); the contract has checked their shapes.
func supervisedQuery(c *fiber.Ctx) (providers.SupervisedQuery, error) {
	q := providers.SupervisedQuery{Region: c.Query("region"), Kind: c.Query("kind"), Credit: c.Query("credit"),
		Status: c.Query("status")}
	if v := c.Query("licenceLapsesWithinDays"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil {
			return q, errInvalidParameter.WithFields(fault.FieldError{Field: "query.licenceLapsesWithinDays", Code: "type"})
		}
		q.LapsesWithinDays = &d
	}
	if v := c.Query("complaintRateAtLeast"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(r) {
			return q, errInvalidParameter.WithFields(fault.FieldError{Field: "query.complaintRateAtLeast", Code: "type"})
		}
		q.ComplaintRateAtLeast = &r
	}
	return q, nil
}

// figuresJSON are the provider's complaint figures of the last 90 days.
type figuresJSON struct {
	WindowDays            int  `json:"windowDays"`
	Filed                 int  `json:"filed"`
	Answered              int  `json:"answered"`
	AnsweredInTime        int  `json:"answeredInTime"`
	Escalated             int  `json:"escalated"`
	Open                  int  `json:"open"`
	MedianResponseMinutes *int `json:"medianResponseMinutes,omitempty"`
}

// withFigures adds each provider's complaint figures, read in one query.
func (h providerHandlers) withFigures(ctx context.Context, outs ...*providerJSON) error {
	ids := make([]string, len(outs))
	for i, o := range outs {
		ids[i] = o.ID
	}
	figures, err := h.complaints.PublicStatsOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, o := range outs {
		f := figures[o.ID]
		o.ComplaintCount = int64(f.Filed)
		o.Complaints = &figuresJSON{WindowDays: int(complaint.StatsWindow / (24 * time.Hour)), Filed: f.Filed,
			Answered: f.Answered, AnsweredInTime: f.AnsweredInTime, Escalated: f.Escalated, Open: f.Open}
		if f.Answered > 0 {
			m := int(math.Round(f.MedianResponse.Minutes()))
			o.Complaints.MedianResponseMinutes = &m
		}
	}
	return nil
}

// toProvider renders the public page; the contact phone is shown in full
// to the provider's own admins only.
func toProvider(p *provider.Provider, a actor.Actor, items []catalog.Item) providerJSON {
	pr := p.Profile
	out := providerJSON{ID: p.ID, LegalName: pr.LegalName, TimeZone: pr.TimeZone,
		Address:      toAddressJSON(pr.Address),
		ServiceArea:  areaJSON{RadiusKm: pr.Area.RadiusKM, RegionCodes: pr.Area.RegionCodes},
		ContactPhone: pr.ContactPhone.Masked(), Licences: make([]licenceJSON, len(pr.Licences)),
		OpeningHours: make([]hoursJSON, len(pr.Hours)), Status: string(p.Status), StatusReason: p.Reason,
		Credit: string(p.Credit), CreditReason: p.CreditWhy, RatingAverage: math.Round(p.Stats.RatingAverage()*10) / 10,
		RatingCount: p.Stats.RatingCount,
		VisitPolicy: visitPolicyJSON{GeofenceMetres: pr.Policy.Geofence(), CancellationFeeFen: pr.Policy.CancellationFeeFen}}
	if p.IsAdmin(a.UserID) {
		out.ContactPhone = pr.ContactPhone.String()
	}
	if !p.CreditAt.IsZero() {
		t := p.CreditAt.UTC()
		out.CreditSetAt = &t
	}
	for i, l := range pr.Licences {
		out.Licences[i] = licenceJSON{Kind: string(l.Kind), Number: l.Number}
		if !l.ValidTo.IsZero() {
			out.Licences[i].ValidTo = l.ValidTo.String()
		}
	}
	for i, h := range pr.Hours {
		out.OpeningHours[i] = hoursJSON{Weekday: h.Weekday, Open: h.Open, Close: h.Close}
	}
	for _, it := range items {
		out.Items = append(out.Items, toItem(it))
	}
	return out
}

func (h providerHandlers) register(c *fiber.Ctx) error {
	var req providerRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	prof, err := req.profile()
	if err != nil {
		return err
	}
	a := mustActor(c)
	p, err := h.svc.Register(c.UserContext(), a, prof)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toProvider(p, a, nil))
}

func (h providerHandlers) update(c *fiber.Ctx) error {
	var req providerRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	prof, err := req.profile()
	if err != nil {
		return err
	}
	a := mustActor(c)
	p, err := h.svc.UpdateProfile(c.UserContext(), a, c.Params("providerId"), prof)
	if err != nil {
		return err
	}
	out := toProvider(p, a, p.Items)
	if err := h.withFigures(c.UserContext(), &out); err != nil {
		return err
	}
	return c.JSON(out)
}

// supervised is the regulator's register of the providers in their
// regions.
func (h providerHandlers) supervised(c *fiber.Ctx) error {
	a := mustActor(c)
	q, err := supervisedQuery(c)
	if err != nil {
		return err
	}
	q.Cursor, q.Limit = c.Query("cursor"), c.QueryInt("limit", 0)
	pg, err := h.svc.Supervised(c.UserContext(), a, q)
	if err != nil {
		return err
	}
	out := items[providerJSON]{Items: make([]providerJSON, len(pg.Providers)), NextCursor: pg.NextCursor}
	each := make([]*providerJSON, len(pg.Providers))
	for i, p := range pg.Providers {
		out.Items[i] = toProvider(p, a, nil)
		if r, ok := pg.Rates[p.ID]; ok {
			out.Items[i].ComplaintRate = &complaintRateJSON{Months: indicator.ComplaintRateMonths,
				Complaints: r.Complaints, Orders: r.Orders, PerHundred: math.Round(r.PerHundred()*10) / 10}
		}
		each[i] = &out.Items[i]
	}
	if err := h.withFigures(c.UserContext(), each...); err != nil {
		return err
	}
	return c.JSON(out)
}

func (h providerHandlers) mine(c *fiber.Ctx) error {
	a := mustActor(c)
	ps, err := h.svc.Mine(c.UserContext(), a)
	if err != nil {
		return err
	}
	out := items[providerJSON]{Items: make([]providerJSON, len(ps))}
	each := make([]*providerJSON, len(ps))
	for i, p := range ps {
		out.Items[i] = toProvider(p, a, p.Items)
		each[i] = &out.Items[i]
	}
	if err := h.withFigures(c.UserContext(), each...); err != nil {
		return err
	}
	return c.JSON(out)
}

func (h providerHandlers) get(c *fiber.Ctx) error {
	a := mustActor(c)
	p, err := h.svc.Get(c.UserContext(), a, c.Params("providerId"))
	if err != nil {
		return err
	}
	menu, err := h.catalog.Menu(c.UserContext(), a, p.ID)
	if err != nil {
		return err
	}
	out := toProvider(p, a, menu)
	if err := h.withFigures(c.UserContext(), &out); err != nil {
		return err
	}
	return c.JSON(out)
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (h providerHandlers) decide(c *fiber.Ctx) error {
	var req decisionRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	a := mustActor(c)
	p, err := h.svc.Decide(c.UserContext(), a, c.Params("providerId"), providers.Decision(req.Decision), req.Reason)
	if err != nil {
		return err
	}
	out := toProvider(p, a, nil)
	if err := h.withFigures(c.UserContext(), &out); err != nil {
		return err
	}
	return c.JSON(out)
}

type creditRequest struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

func (h providerHandlers) setCredit(c *fiber.Ctx) error {
	var req creditRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	a := mustActor(c)
	p, err := h.svc.SetCredit(c.UserContext(), a, c.Params("providerId"), provider.Credit(req.Status), req.Reason)
	if err != nil {
		return err
	}
	out := toProvider(p, a, nil)
	if err := h.withFigures(c.UserContext(), &out); err != nil {
		return err
	}
	return c.JSON(out)
}

type priceRequest struct {
	MarketFen    int64  `json:"marketFen"`
	InclusiveFen int64  `json:"inclusiveFen"`
	AgreementRef string `json:"agreementRef"`
}

func (r priceRequest) price() catalog.Price {
	return catalog.Price{MarketFen: r.MarketFen, InclusiveFen: r.InclusiveFen, AgreementRef: r.AgreementRef}
}

type itemRequest struct {
	Type             string          `json:"type"`
	Names            namesJSON       `json:"names"`
	Unit             string          `json:"unit"`
	DurationMinutes  int             `json:"durationMinutes"`
	CaregiversNeeded int             `json:"caregiversNeeded"`
	Eligibility      eligibilityJSON `json:"eligibility"`
	UsesCapacity     bool            `json:"usesCapacity"`
	Price            priceRequest    `json:"price"`
}

func (h providerHandlers) addItem(c *fiber.Ctx) error {
	var req itemRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	it := catalog.Item{Type: service.Type(req.Type), Names: catalog.Names{ZhCN: req.Names.ZhCN, En: req.Names.En},
		Unit: catalog.Unit(req.Unit), DurationMinutes: req.DurationMinutes, CaregiversNeeded: max(req.CaregiversNeeded, 1),
		Eligibility:  catalog.Eligibility{MinAge: req.Eligibility.MinAge},
		UsesCapacity: req.UsesCapacity, Price: req.Price.price()}
	for _, l := range req.Eligibility.Levels {
		it.Eligibility.Levels = append(it.Eligibility.Levels, elder.AbilityLevel(l))
	}
	out, err := h.catalog.AddItem(c.UserContext(), mustActor(c), c.Params("providerId"), it)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toItem(out))
}

type itemPatch struct {
	Price  *priceRequest `json:"price"`
	Active *bool         `json:"active"`
}

func (h providerHandlers) updateItem(c *fiber.Ctx) error {
	var req itemPatch
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Price == nil && req.Active == nil {
		return fault.ErrValidation.WithFields(fault.FieldError{Field: "/", Code: "empty_patch"})
	}
	ch := appcatalog.ItemChange{Active: req.Active}
	if req.Price != nil {
		p := req.Price.price()
		ch.Price = &p
	}
	out, err := h.catalog.Change(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("itemId"), ch)
	if err != nil {
		return err
	}
	return c.JSON(toItem(out))
}

func (h providerHandlers) menu(c *fiber.Ctx) error {
	its, err := h.catalog.Menu(c.UserContext(), mustActor(c), c.Params("providerId"))
	if err != nil {
		return err
	}
	out := items[itemJSON]{Items: make([]itemJSON, len(its))}
	for i, it := range its {
		out.Items[i] = toItem(it)
	}
	return c.JSON(out)
}

type hitJSON struct {
	Provider       providerJSON `json:"provider"`
	DistanceMetres int          `json:"distanceMetres"`
	Items          []itemJSON   `json:"items,omitempty"`
}

func (h providerHandlers) searchProviders(c *fiber.Ctx) error {
	return h.searchWith(c, h.search.Providers)
}
func (h providerHandlers) searchServices(c *fiber.Ctx) error {
	return h.searchWith(c, h.search.Services)
}

func (h providerHandlers) searchWith(c *fiber.Ctx, run func(ctx context.Context, q search.Query) ([]search.Hit, string, error)) error {
	near, err := parseNear(c.Query("near"))
	if err != nil {
		return err
	}
	q := search.Query{Near: near, RadiusMetres: float64(c.QueryInt("radius", 0)), Region: c.Query("region"),
		Kind: provider.Kind(c.Query("kind")), Type: service.Type(c.Query("type")), Sort: search.Sort(c.Query("sort")),
		Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 0)}
	hits, next, err := run(c.UserContext(), q)
	if err != nil {
		return err
	}
	a := mustActor(c)
	out := items[hitJSON]{Items: make([]hitJSON, len(hits)), NextCursor: next}
	each := make([]*providerJSON, len(hits))
	for i, hit := range hits {
		out.Items[i] = hitJSON{Provider: toProvider(hit.Provider, a, nil), DistanceMetres: int(math.Round(hit.DistanceMetres))}
		for _, it := range hit.Items {
			out.Items[i].Items = append(out.Items[i].Items, toItem(it))
		}
		each[i] = &out.Items[i].Provider
	}
	if err := h.withFigures(c.UserContext(), each...); err != nil {
		return err
	}
	return c.JSON(out)
}

// parseNear reads "lat,lng"; the contract has checked its shape.
func parseNear(s string) (geo.Point, error) {
	latS, lngS, _ := strings.Cut(s, ",")
	lat, err1 := strconv.ParseFloat(latS, 64)
	lng, err2 := strconv.ParseFloat(lngS, 64)
	if err1 != nil || err2 != nil {
		return geo.Point{}, geo.ErrPointInvalid.WithFields(fault.FieldError{Field: "query.near", Code: "pattern"})
	}
	p, err := geo.NewPoint(lat, lng)
	if err != nil {
		return geo.Point{}, geo.ErrPointInvalid.WithFields(fault.FieldError{Field: "query.near", Code: "range"})
	}
	return p, nil
}

// expiryJSON is one licence or caregiver certificate on the expiry list.
type expiryJSON struct {
	ProviderID   string `json:"providerId"`
	ProviderName string `json:"providerName"`
	RegionCode   string `json:"regionCode"`
	What         string `json:"what"`
	Type         string `json:"type"`
	Number       string `json:"number"`
	CaregiverID  string `json:"caregiverId,omitempty"`
	ValidTo      string `json:"validTo"`
	Lapsed       bool   `json:"lapsed"`
}

type expiryPageJSON struct {
	Until      string       `json:"until"`
	Items      []expiryJSON `json:"items"`
	NextCursor string       `json:"nextCursor,omitempty"`
}

func expiryQuery(c *fiber.Ctx) (providers.ExpiryQuery, error) {
	q := providers.ExpiryQuery{Region: c.Query("region"), Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 0)}
	if v := c.Query("withinDays"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil {
			return q, errInvalidParameter.WithFields(fault.FieldError{Field: "query.withinDays", Code: "type"})
		}
		q.WithinDays = &d
	}
	if v := c.Query("lapsed"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return q, errInvalidParameter.WithFields(fault.FieldError{Field: "query.lapsed", Code: "type"})
		}
		q.Lapsed = &b
	}
	return q, nil
}

// toExpiries flattens a page: each provider's expiries, soonest first.
func toExpiries(pg providers.ExpiryPage, today calendar.Date) []expiryJSON {
	out := []expiryJSON{}
	for _, it := range pg.Items {
		p := it.Provider
		for _, e := range it.Expiries {
			out = append(out, expiryJSON{ProviderID: p.ID, ProviderName: p.Profile.LegalName,
				RegionCode: p.Profile.Address.RegionCode, What: e.What, Type: e.Type, Number: e.Number,
				CaregiverID: e.CaregiverID, ValidTo: e.ValidTo.String(), Lapsed: e.LapsedOn(today)})
		}
	}
	return out
}

// expiries is the regulator's list of licences and certificates about to
// lapse, or lapsed, in their regions.
func (h providerHandlers) expiries(c *fiber.Ctx) error {
	q, err := expiryQuery(c)
	if err != nil {
		return err
	}
	pg, err := h.svc.Expiring(c.UserContext(), mustActor(c), q)
	if err != nil {
		return err
	}
	return c.JSON(expiryPageJSON{Until: pg.Until.String(), Items: toExpiries(pg, pg.Today), NextCursor: pg.NextCursor})
}

type creditChangeJSON struct {
	At          time.Time `json:"at"`
	From        string    `json:"from,omitempty"`
	To          string    `json:"to"`
	Reason      string    `json:"reason,omitempty"`
	ActorID     string    `json:"actorId,omitempty"`
	ComplaintID string    `json:"complaintId,omitempty"`
}

// creditHistory is a provider's credit file for the regulator: every
// change of its standing, newest first.
func (h providerHandlers) creditHistory(c *fiber.Ctx) error {
	pg, err := h.svc.CreditHistory(c.UserContext(), mustActor(c), c.Params("providerId"), c.Query("cursor"),
		c.QueryInt("limit", 0))
	if err != nil {
		return err
	}
	out := items[creditChangeJSON]{Items: make([]creditChangeJSON, len(pg.Changes)), NextCursor: pg.NextCursor}
	for i, ch := range pg.Changes {
		out.Items[i] = creditChangeJSON{At: ch.At.UTC(), From: string(ch.From), To: string(ch.To), Reason: ch.Reason,
			ActorID: ch.By, ComplaintID: ch.ComplaintID}
	}
	return c.JSON(out)
}
