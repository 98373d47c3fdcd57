package http

import (
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/meals"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
)

type mealHandlers struct{ svc *meals.Service }

type mealWindowJSON struct {
	Kind             string `json:"kind"`
	ServeFrom        string `json:"serveFrom"`
	ServeTo          string `json:"serveTo"`
	Cutoff           string `json:"cutoff"`
	CutoffDaysBefore int    `json:"cutoffDaysBefore"`
	Portions         int    `json:"portions"`
}

type pickupPointJSON struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Address addressJSON `json:"address"`
}

type mealDeliveryJSON struct {
	RadiusMetres int      `json:"radiusMetres"`
	RegionCodes  []string `json:"regionCodes"`
	FeeFen       int64    `json:"feeFen"`
}

type canteenJSON struct {
	ProviderID    string            `json:"providerId,omitempty"`
	TimeZone      string            `json:"timeZone,omitempty"`
	RegionCode    string            `json:"regionCode,omitempty"`
	Windows       []mealWindowJSON  `json:"windows"`
	PickupPoints  []pickupPointJSON `json:"pickupPoints"`
	Delivery      mealDeliveryJSON  `json:"delivery"`
	OpenWeekdays  []int             `json:"openWeekdays"`
	ClosedDates   []string          `json:"closedDates"`
	OpenDates     []string          `json:"openDates"`
	NoShowCharged bool              `json:"noShowCharged"`
	UpdatedAt     *time.Time        `json:"updatedAt,omitempty"`
}

func (a addressJSON) address() geo.Address {
	return geo.Address{Province: a.Province, City: a.City, District: a.District, Street: a.Street, Detail: a.Detail,
		RegionCode: a.RegionCode, Location: geo.Point{Lat: a.Lat, Lng: a.Lng}}
}

// dates reads a list of YYYY-MM-DD, naming the bad one.
func dates(field string, in []string) ([]calendar.Date, error) {
	out := make([]calendar.Date, 0, len(in))
	for _, s := range in {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return nil, meal.ErrCanteenInvalid.WithFields(fault.FieldError{Field: field, Code: "date"})
		}
		out = append(out, d)
	}
	return out, nil
}

func (r canteenJSON) canteen() (meal.Canteen, error) {
	var c meal.Canteen
	for _, w := range r.Windows {
		from, ok1 := meal.ParseClock(w.ServeFrom)
		to, ok2 := meal.ParseClock(w.ServeTo)
		cut, ok3 := meal.ParseClock(w.Cutoff)
		if !ok1 || !ok2 || !ok3 {
			return meal.Canteen{}, meal.ErrCanteenInvalid.WithFields(fault.FieldError{Field: "/windows", Code: "clock"})
		}
		c.Windows = append(c.Windows, meal.Window{Kind: meal.WindowKind(w.Kind), ServeFrom: from, ServeTo: to, Cutoff: cut,
			CutoffDaysBefore: w.CutoffDaysBefore, Portions: w.Portions})
	}
	for _, p := range r.PickupPoints {
		c.PickupPoints = append(c.PickupPoints, meal.PickupPoint{ID: p.ID, Name: p.Name, Address: p.Address.address()})
	}
	c.NoShowCharged = r.NoShowCharged
	c.Delivery = meal.Delivery{RadiusMetres: r.Delivery.RadiusMetres, RegionCodes: r.Delivery.RegionCodes, FeeFen: r.Delivery.FeeFen}
	for _, d := range r.OpenWeekdays {
		c.OpenWeekdays = append(c.OpenWeekdays, time.Weekday(d))
	}
	var err error
	if c.ClosedDates, err = dates("/closedDates", r.ClosedDates); err != nil {
		return meal.Canteen{}, err
	}
	if c.OpenDates, err = dates("/openDates", r.OpenDates); err != nil {
		return meal.Canteen{}, err
	}
	return c, nil
}

func toCanteen(c meal.Canteen) canteenJSON {
	at := c.UpdatedAt
	out := canteenJSON{ProviderID: c.ProviderID, TimeZone: c.TimeZone, RegionCode: c.RegionCode,
		Windows: []mealWindowJSON{}, PickupPoints: []pickupPointJSON{}, OpenWeekdays: []int{},
		ClosedDates: []string{}, OpenDates: []string{}, UpdatedAt: &at, NoShowCharged: c.NoShowCharged,
		Delivery: mealDeliveryJSON{RadiusMetres: c.Delivery.RadiusMetres, RegionCodes: append([]string{}, c.Delivery.RegionCodes...),
			FeeFen: c.Delivery.FeeFen}}
	for _, w := range c.Windows {
		out.Windows = append(out.Windows, mealWindowJSON{Kind: string(w.Kind), ServeFrom: w.ServeFrom.String(),
			ServeTo: w.ServeTo.String(), Cutoff: w.Cutoff.String(), CutoffDaysBefore: w.CutoffDaysBefore, Portions: w.Portions})
	}
	for _, p := range c.PickupPoints {
		out.PickupPoints = append(out.PickupPoints, pickupPointJSON{ID: p.ID, Name: p.Name, Address: toAddressJSON(p.Address)})
	}
	for _, d := range c.OpenWeekdays {
		out.OpenWeekdays = append(out.OpenWeekdays, int(d))
	}
	for _, d := range c.ClosedDates {
		out.ClosedDates = append(out.ClosedDates, d.String())
	}
	for _, d := range c.OpenDates {
		out.OpenDates = append(out.OpenDates, d.String())
	}
	return out
}

func (h mealHandlers) setCanteen(c *fiber.Ctx) error {
	var req canteenJSON
	if err := decode(c, &req); err != nil {
		return err
	}
	settings, err := req.canteen()
	if err != nil {
		return err
	}
	out, err := h.svc.SetCanteen(c.UserContext(), mustActor(c), c.Params("providerId"), settings)
	if err != nil {
		return err
	}
	return c.JSON(toCanteen(out))
}

func (h mealHandlers) getCanteen(c *fiber.Ctx) error {
	out, err := h.svc.GetCanteen(c.UserContext(), mustActor(c), c.Params("providerId"))
	if err != nil {
		return err
	}
	return c.JSON(toCanteen(out))
}

type menuItemJSON struct {
	ID           string   `json:"id"`
	Kind         string   `json:"kind"`
	Name         string   `json:"name"`
	PhotoRef     string   `json:"photoRef,omitempty"`
	Dishes       []string `json:"dishes"`
	DietTags     []string `json:"dietTags"`
	Allergens    []string `json:"allergens"`
	MarketFen    int64    `json:"marketFen"`
	InclusiveFen int64    `json:"inclusiveFen"`
	AgreementRef string   `json:"agreementRef,omitempty"`
}

func (j menuItemJSON) item() meal.Item {
	it := meal.Item{ID: j.ID, Kind: meal.ItemKind(j.Kind), Name: j.Name, PhotoRef: j.PhotoRef, Dishes: j.Dishes,
		Allergens: j.Allergens,
		Price:     catalog.Price{MarketFen: j.MarketFen, InclusiveFen: j.InclusiveFen, AgreementRef: j.AgreementRef}}
	for _, t := range j.DietTags {
		it.DietTags = append(it.DietTags, elder.DietTag(t))
	}
	return it
}

func toMenuItem(it meal.Item) menuItemJSON {
	out := menuItemJSON{ID: it.ID, Kind: string(it.Kind), Name: it.Name, PhotoRef: it.PhotoRef,
		Dishes: append([]string{}, it.Dishes...), DietTags: []string{}, Allergens: append([]string{}, it.Allergens...),
		MarketFen: it.Price.MarketFen, InclusiveFen: it.Price.InclusiveFen, AgreementRef: it.Price.AgreementRef}
	for _, t := range it.DietTags {
		out.DietTags = append(out.DietTags, string(t))
	}
	return out
}

type menuWindowJSON struct {
	Window    string         `json:"window"`
	Date      string         `json:"date"`
	ServeFrom time.Time      `json:"serveFrom"`
	ServeTo   time.Time      `json:"serveTo"`
	CutoffAt  time.Time      `json:"cutoffAt"`
	TimeZone  string         `json:"timeZone"`
	Portions  int            `json:"portions"`
	Ordered   int            `json:"ordered"`
	Remaining int            `json:"remaining"`
	Items     []menuItemJSON `json:"items"`
}

func toMenuDay(providerID string, d calendar.Date, ss []meals.Sitting) fiber.Map {
	windows := make([]menuWindowJSON, 0, len(ss))
	for _, s := range ss {
		w := menuWindowJSON{Window: string(s.Kind), Date: s.Date.String(), ServeFrom: s.Start, ServeTo: s.End,
			CutoffAt: s.CutoffAt, TimeZone: s.TimeZone, Portions: s.Portions, Ordered: s.Ordered, Remaining: s.Remaining,
			Items: make([]menuItemJSON, 0, len(s.Menu.Items))}
		for _, it := range s.Menu.Items {
			w.Items = append(w.Items, toMenuItem(it))
		}
		windows = append(windows, w)
	}
	return fiber.Map{"providerId": providerID, "date": d.String(), "windows": windows}
}

func dateParam(c *fiber.Ctx) (calendar.Date, error) { return calendar.ParseDate(c.Params("date")) }

func (h mealHandlers) publishMenu(c *fiber.Ctx) error {
	d, err := dateParam(c)
	if err != nil {
		return err
	}
	var req struct {
		Windows []struct {
			Window string         `json:"window"`
			Items  []menuItemJSON `json:"items"`
		} `json:"windows"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	menus := make([]meal.Menu, 0, len(req.Windows))
	for _, w := range req.Windows {
		m := meal.Menu{Window: meal.WindowKind(w.Window)}
		for _, it := range w.Items {
			m.Items = append(m.Items, it.item())
		}
		menus = append(menus, m)
	}
	ss, err := h.svc.PublishMenu(c.UserContext(), mustActor(c), c.Params("providerId"), d, menus)
	if err != nil {
		return err
	}
	return c.JSON(toMenuDay(c.Params("providerId"), d, ss))
}

func (h mealHandlers) getMenu(c *fiber.Ctx) error {
	d, err := dateParam(c)
	if err != nil {
		return err
	}
	ss, err := h.svc.Menu(c.UserContext(), mustActor(c), c.Params("providerId"), d)
	if err != nil {
		return err
	}
	return c.JSON(toMenuDay(c.Params("providerId"), d, ss))
}

type mealRuleJSON struct {
	Category      string `json:"category"`
	PerMealFen    int64  `json:"perMealFen"`
	MonthlyCapFen int64  `json:"monthlyCapFen"`
}

func toMealRules(r meal.Rules) fiber.Map {
	rules := make([]mealRuleJSON, 0, len(r.Rules))
	for _, x := range r.Rules {
		rules = append(rules, mealRuleJSON{Category: string(x.Category), PerMealFen: x.PerMealFen, MonthlyCapFen: x.MonthlyCapFen})
	}
	return fiber.Map{"regionCode": r.RegionCode, "rules": rules, "document": r.Document, "setAt": r.SetAt.UTC()}
}

func (h mealHandlers) setRules(c *fiber.Ctx) error {
	var req struct {
		Rules    []mealRuleJSON `json:"rules"`
		Document string         `json:"document"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	r := meal.Rules{RegionCode: c.Params("regionCode"), Document: req.Document}
	for _, x := range req.Rules {
		r.Rules = append(r.Rules, meal.Rule{Category: meal.Category(x.Category), PerMealFen: x.PerMealFen, MonthlyCapFen: x.MonthlyCapFen})
	}
	out, err := h.svc.SetRules(c.UserContext(), mustActor(c), r)
	if err != nil {
		return err
	}
	return c.JSON(toMealRules(out))
}

func (h mealHandlers) getRules(c *fiber.Ctx) error {
	out, err := h.svc.Rules(c.UserContext(), mustActor(c), c.Params("regionCode"))
	if err != nil {
		return err
	}
	return c.JSON(toMealRules(out))
}

type orderedItemJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	MarketFen    int64  `json:"marketFen"`
	InclusiveFen int64  `json:"inclusiveFen"`
}

type mealOrderJSON struct {
	ID                 string            `json:"id"`
	ProviderID         string            `json:"providerId"`
	FamilyID           string            `json:"familyId"`
	ElderID            string            `json:"elderId"`
	OrderedBy          string            `json:"orderedBy"`
	Date               string            `json:"date"`
	Window             string            `json:"window"`
	ServeFrom          time.Time         `json:"serveFrom"`
	ServeTo            time.Time         `json:"serveTo"`
	CutoffAt           time.Time         `json:"cutoffAt"`
	TimeZone           string            `json:"timeZone"`
	Mode               string            `json:"mode"`
	PickupPointID      string            `json:"pickupPointId,omitempty"`
	Address            *addressJSON      `json:"address,omitempty"`
	Items              []orderedItemJSON `json:"items"`
	MarketFen          int64             `json:"marketFen"`
	PriceFen           int64             `json:"priceFen"`
	DeliveryFeeFen     int64             `json:"deliveryFeeFen"`
	SubsidyFen         int64             `json:"subsidyFen"`
	SubsidyCategory    string            `json:"subsidyCategory,omitempty"`
	DueFen             int64             `json:"dueFen"`
	ConflictsConfirmed bool              `json:"conflictsConfirmed"`
	Note               string            `json:"note,omitempty"`
	Status             string            `json:"status"`
	Cancellation       *struct {
		By     string    `json:"by"`
		Reason string    `json:"reason,omitempty"`
		At     time.Time `json:"at"`
	} `json:"cancellation,omitempty"`
	ServedBy       string               `json:"servedBy,omitempty"`
	ServedAt       *time.Time           `json:"servedAt,omitempty"`
	Delivered      *deliveryCheckInJSON `json:"delivered,omitempty"`
	SubscriptionID string               `json:"subscriptionId,omitempty"`
	CreatedAt      time.Time            `json:"createdAt"`
}

// deliveryCheckInJSON is a meal's hand-over at the door or the pick-up
// point, as a visit's check-in reads.
type deliveryCheckInJSON struct {
	By             string     `json:"by"`
	Lat            float64    `json:"lat"`
	Lng            float64    `json:"lng"`
	DistanceMetres int        `json:"distanceMetres"`
	InsideGeofence bool       `json:"insideGeofence"`
	DeviceTime     *time.Time `json:"deviceTime,omitempty"`
	ServerTime     time.Time  `json:"serverTime"`
	Time           time.Time  `json:"time"`
	ClockAdjusted  bool       `json:"clockAdjusted"`
	Reason         string     `json:"reason,omitempty"`
}

func toMealOrder(o *meal.Order) mealOrderJSON {
	out := mealOrderJSON{ID: o.ID, ProviderID: o.ProviderID, FamilyID: o.FamilyID, ElderID: o.ElderID, OrderedBy: o.OrderedBy,
		Date: o.Date.String(), Window: string(o.Window), ServeFrom: o.Start, ServeTo: o.End, CutoffAt: o.CutoffAt,
		TimeZone: o.TimeZone, Mode: string(o.Mode), PickupPointID: o.PickupPointID, Items: []orderedItemJSON{},
		MarketFen: o.MarketFen, PriceFen: o.PriceFen, DeliveryFeeFen: o.DeliveryFeeFen, SubsidyFen: o.SubsidyFen(),
		DueFen: o.DueFen, ConflictsConfirmed: o.ConflictsConfirmed, Note: o.Note, Status: string(o.Status),
		CreatedAt: o.CreatedAt}
	for _, it := range o.Items {
		out.Items = append(out.Items, orderedItemJSON(it))
	}
	if o.Address != nil {
		a := toAddressJSON(*o.Address)
		out.Address = &a
	}
	if o.ServedBy != "" {
		at := o.ServedAt
		out.ServedBy, out.ServedAt = o.ServedBy, &at
	}
	if o.Subsidy != nil {
		out.SubsidyCategory = string(o.Subsidy.Category)
	}
	out.SubscriptionID = o.SubscriptionID
	if in := o.Delivered; in != nil {
		out.Delivered = &deliveryCheckInJSON{By: in.By, Lat: in.Point.Lat, Lng: in.Point.Lng, DistanceMetres: in.DistanceMetres,
			InsideGeofence: in.InsideGeofence, ServerTime: in.ServerTime, Time: in.Time, ClockAdjusted: in.ClockAdjusted,
			Reason: in.Reason}
		if !in.DeviceTime.IsZero() {
			t := in.DeviceTime
			out.Delivered.DeviceTime = &t
		}
	}
	if cc := o.Cancellation; cc != nil {
		by := "provider"
		if cc.ByFamily {
			by = "family"
		}
		out.Cancellation = &struct {
			By     string    `json:"by"`
			Reason string    `json:"reason,omitempty"`
			At     time.Time `json:"at"`
		}{By: by, Reason: cc.Reason, At: cc.At}
	}
	return out
}

func (h mealHandlers) placeOrder(c *fiber.Ctx) error {
	var req struct {
		ElderID          string       `json:"elderId"`
		ProviderID       string       `json:"providerId"`
		Date             string       `json:"date"`
		Window           string       `json:"window"`
		Items            []string     `json:"items"`
		Mode             string       `json:"mode"`
		PickupPointID    string       `json:"pickupPointId"`
		Address          *addressJSON `json:"address"`
		ConfirmConflicts bool         `json:"confirmConflicts"`
		Note             string       `json:"note"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := calendar.ParseDate(req.Date)
	if err != nil {
		return err
	}
	cmd := meals.OrderCommand{ElderID: req.ElderID, ProviderID: req.ProviderID, Date: d, Window: meal.WindowKind(req.Window),
		Items: req.Items, Mode: meal.Mode(req.Mode), PickupPointID: req.PickupPointID, ConfirmConflicts: req.ConfirmConflicts,
		Note: req.Note, Key: c.Get(headerIdempotencyKey)}
	if req.Address != nil {
		a := req.Address.address()
		cmd.Address = &a
	}
	p, err := h.svc.PlaceOrder(c.UserContext(), mustActor(c), cmd)
	if err != nil {
		return err
	}
	c.Location("/v1/meal-orders/" + p.Order.ID)
	return c.Status(fiber.StatusCreated).JSON(toMealOrder(p.Order))
}

func (h mealHandlers) getOrder(c *fiber.Ctx) error {
	o, err := h.svc.GetOrder(c.UserContext(), mustActor(c), c.Params("mealOrderId"))
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}

func (h mealHandlers) cancelOrder(c *fiber.Ctx) error {
	reason, err := withReason(c)
	if err != nil {
		return err
	}
	o, err := h.svc.CancelOrder(c.UserContext(), mustActor(c), c.Params("mealOrderId"), reason)
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}

type nearbyCanteenJSON struct {
	ProviderID     string           `json:"providerId"`
	Name           string           `json:"name"`
	Address        addressJSON      `json:"address"`
	DistanceMetres int              `json:"distanceMetres"`
	Delivers       bool             `json:"delivers"`
	Windows        []menuWindowJSON `json:"windows"`
}

func (h mealHandlers) canteensNear(c *fiber.Ctx) error {
	cmd := meals.NearbyCommand{ElderID: c.Params("elderId"), RadiusMetres: float64(c.QueryInt("radius", 0)),
		Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 0)}
	if s := c.Query("date"); s != "" {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return err
		}
		cmd.Date = d
	}
	hits, next, err := h.svc.CanteensNear(c.UserContext(), mustActor(c), cmd)
	if err != nil {
		return err
	}
	out := items[nearbyCanteenJSON]{Items: make([]nearbyCanteenJSON, 0, len(hits)), NextCursor: next}
	for _, n := range hits {
		day := toMenuDay(n.Provider.ID, calendar.Date{}, n.Sittings)["windows"].([]menuWindowJSON)
		out.Items = append(out.Items, nearbyCanteenJSON{ProviderID: n.Provider.ID, Name: n.Provider.Profile.LegalName,
			Address: toAddressJSON(n.Provider.Profile.Address), DistanceMetres: int(math.Round(n.DistanceMetres)),
			Delivers: n.Canteen.Delivery.Delivers(), Windows: day})
	}
	return c.JSON(out)
}

func (h mealHandlers) serve(c *fiber.Ctx) error {
	o, err := h.svc.Serve(c.UserContext(), mustActor(c), c.Params("mealOrderId"))
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}

func (h mealHandlers) noShow(c *fiber.Ctx) error {
	o, err := h.svc.MarkNoShow(c.UserContext(), mustActor(c), c.Params("mealOrderId"))
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}

func (h mealHandlers) canteenOrders(c *fiber.Ctx) error {
	d, err := calendar.ParseDate(c.Query("date"))
	if err != nil {
		return err
	}
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	list, more, err := h.svc.CanteenOrders(c.UserContext(), mustActor(c), c.Params("providerId"), d, p)
	if err != nil {
		return err
	}
	out := items[mealOrderJSON]{Items: make([]mealOrderJSON, 0, len(list))}
	for _, o := range list {
		out.Items = append(out.Items, toMealOrder(o))
	}
	if len(list) > 0 {
		out.NextCursor = page.Cursor(list[len(list)-1].ID, more)
	}
	return c.JSON(out)
}

type mealSubscriptionJSON struct {
	ID            string       `json:"id"`
	FamilyID      string       `json:"familyId"`
	ElderID       string       `json:"elderId"`
	ProviderID    string       `json:"providerId"`
	CreatedBy     string       `json:"createdBy"`
	Window        string       `json:"window"`
	Weekdays      []int        `json:"weekdays"`
	StartsOn      string       `json:"startsOn"`
	EndsOn        string       `json:"endsOn"`
	TimeZone      string       `json:"timeZone"`
	Mode          string       `json:"mode"`
	PickupPointID string       `json:"pickupPointId,omitempty"`
	Address       *addressJSON `json:"address,omitempty"`
	Note          string       `json:"note,omitempty"`
	Status        string       `json:"status"`
	CreatedAt     time.Time    `json:"createdAt"`
}

func toMealSubscription(s *meal.Subscription) mealSubscriptionJSON {
	d := s.Draft()
	sp := d.Schedule.Spec()
	out := mealSubscriptionJSON{ID: d.ID, FamilyID: d.FamilyID, ElderID: d.ElderID, ProviderID: d.ProviderID,
		CreatedBy: d.CreatedBy, Window: string(d.Window), Weekdays: []int{}, StartsOn: sp.StartsOn.String(),
		EndsOn: sp.EndsOn.String(), TimeZone: sp.TimeZone, Mode: string(d.Mode), PickupPointID: d.PickupPointID,
		Note: d.Note, Status: string(s.Status()), CreatedAt: s.CreatedAt()}
	for _, w := range sp.Weekdays {
		out.Weekdays = append(out.Weekdays, int(w))
	}
	if d.Address != nil {
		a := toAddressJSON(*d.Address)
		out.Address = &a
	}
	return out
}

func (h mealHandlers) subscribe(c *fiber.Ctx) error {
	var req struct {
		ElderID       string       `json:"elderId"`
		ProviderID    string       `json:"providerId"`
		Window        string       `json:"window"`
		Weekdays      []int        `json:"weekdays"`
		StartsOn      string       `json:"startsOn"`
		EndsOn        string       `json:"endsOn"`
		Mode          string       `json:"mode"`
		PickupPointID string       `json:"pickupPointId"`
		Address       *addressJSON `json:"address"`
		Note          string       `json:"note"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cmd := meals.SubscribeCommand{ElderID: req.ElderID, ProviderID: req.ProviderID, Window: meal.WindowKind(req.Window),
		Mode: meal.Mode(req.Mode), PickupPointID: req.PickupPointID, Note: req.Note}
	var err error
	if cmd.StartsOn, err = calendar.ParseDate(req.StartsOn); err != nil {
		return err
	}
	if cmd.EndsOn, err = calendar.ParseDate(req.EndsOn); err != nil {
		return err
	}
	for _, d := range req.Weekdays {
		cmd.Weekdays = append(cmd.Weekdays, time.Weekday(d))
	}
	if req.Address != nil {
		a := req.Address.address()
		cmd.Address = &a
	}
	sub, err := h.svc.Subscribe(c.UserContext(), mustActor(c), cmd)
	if err != nil {
		return err
	}
	c.Location("/v1/meal-subscriptions/" + sub.ID())
	return c.Status(fiber.StatusCreated).JSON(toMealSubscription(sub))
}

func (h mealHandlers) getSubscription(c *fiber.Ctx) error {
	sub, err := h.svc.GetSubscription(c.UserContext(), mustActor(c), c.Params("subscriptionId"))
	if err != nil {
		return err
	}
	return c.JSON(toMealSubscription(sub))
}

func (h mealHandlers) endSubscription(c *fiber.Ctx) error {
	sub, err := h.svc.EndSubscription(c.UserContext(), mustActor(c), c.Params("subscriptionId"))
	if err != nil {
		return err
	}
	return c.JSON(toMealSubscription(sub))
}
