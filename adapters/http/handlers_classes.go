package http

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/classes"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/reservation"
)

type classHandlers struct{ svc *classes.Service }

type textJSON struct {
	ZhCN string `json:"zhCN"`
	En   string `json:"en,omitempty"`
}

type audienceJSON struct {
	Kind      string `json:"kind"`
	MinMonths *int   `json:"minMonths,omitempty"`
	MaxMonths *int   `json:"maxMonths,omitempty"`
}

type speakerJSON struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Bio   string `json:"bio,omitempty"`
}

type courseRequest struct {
	Title                     textJSON     `json:"title"`
	Description               textJSON     `json:"description"`
	Topics                    []string     `json:"topics"`
	Audience                  audienceJSON `json:"audience"`
	Format                    string       `json:"format"`
	Venue                     *addressJSON `json:"venue"`
	Speaker                   speakerJSON  `json:"speaker"`
	SpeakerID                 string       `json:"speakerId"`
	Seats                     int          `json:"seats"`
	PriceFen                  int64        `json:"priceFen"`
	BookingClosesMinutes      *int         `json:"bookingClosesMinutes"`
	CancellationCutoffMinutes *int         `json:"cancellationCutoffMinutes"`
	OfferMinutes              *int         `json:"offerMinutes"`
}

// minutes reads an optional setting; absent is the default (0), and a
// zero the caller sent stays a zero lead, kept apart by a tiny duration.
func minutes(v *int, zero time.Duration) time.Duration {
	if v == nil {
		return 0
	}
	if *v == 0 {
		return zero
	}
	return time.Duration(*v) * time.Minute
}

func (r courseRequest) course() course.Course {
	c := course.Course{Title: course.Text(r.Title), Description: course.Text(r.Description),
		Audience: course.Audience{Kind: course.AudienceKind(r.Audience.Kind)}, Format: course.Format(r.Format),
		Speaker: course.Speaker(r.Speaker), SpeakerID: r.SpeakerID, Seats: r.Seats, PriceFen: r.PriceFen,
		BookingCloses: minutes(r.BookingClosesMinutes, time.Nanosecond), CancelCutoff: minutes(r.CancellationCutoffMinutes, time.Nanosecond),
		OfferTTL: minutes(r.OfferMinutes, 0)}
	for _, t := range r.Topics {
		c.Topics = append(c.Topics, course.Topic(t))
	}
	if r.Audience.MinMonths != nil {
		c.Audience.MinMonths = *r.Audience.MinMonths
	}
	if r.Audience.MaxMonths != nil {
		c.Audience.MaxMonths = *r.Audience.MaxMonths
	}
	if r.Venue != nil {
		c.Venue = &geo.Address{Province: r.Venue.Province, City: r.Venue.City, District: r.Venue.District,
			Street: r.Venue.Street, Detail: r.Venue.Detail, RegionCode: r.Venue.RegionCode,
			Location: geo.Point{Lat: r.Venue.Lat, Lng: r.Venue.Lng}}
	}
	return c
}

type courseJSON struct {
	ID                        string       `json:"id"`
	ProviderID                string       `json:"providerId"`
	Title                     textJSON     `json:"title"`
	Description               textJSON     `json:"description"`
	Topics                    []string     `json:"topics"`
	Audience                  audienceJSON `json:"audience"`
	Format                    string       `json:"format"`
	Venue                     *addressJSON `json:"venue,omitempty"`
	Speaker                   speakerJSON  `json:"speaker"`
	SpeakerID                 string       `json:"speakerId,omitempty"`
	Seats                     int          `json:"seats"`
	PriceFen                  int64        `json:"priceFen"`
	BookingClosesMinutes      int          `json:"bookingClosesMinutes"`
	CancellationCutoffMinutes int          `json:"cancellationCutoffMinutes"`
	OfferMinutes              int          `json:"offerMinutes"`
	CreatedAt                 time.Time    `json:"createdAt"`
}

func toAudience(a course.Audience) audienceJSON {
	out := audienceJSON{Kind: string(a.Kind)}
	if a.Kind == course.Parents {
		lo, hi := a.MinMonths, a.MaxMonths
		out.MinMonths, out.MaxMonths = &lo, &hi
	}
	return out
}

func toCourse(c course.Course) courseJSON {
	out := courseJSON{ID: c.ID, ProviderID: c.ProviderID, Title: textJSON(c.Title), Description: textJSON(c.Description),
		Topics: []string{}, Audience: toAudience(c.Audience), Format: string(c.Format), Speaker: speakerJSON(c.Speaker),
		SpeakerID: c.SpeakerID, Seats: c.Seats, PriceFen: c.PriceFen, BookingClosesMinutes: int(c.BookingCloses / time.Minute),
		CancellationCutoffMinutes: int(c.CancelCutoff / time.Minute), OfferMinutes: int(c.OfferTTL / time.Minute),
		CreatedAt: c.CreatedAt}
	for _, t := range c.Topics {
		out.Topics = append(out.Topics, string(t))
	}
	if c.Venue != nil {
		v := toAddressJSON(*c.Venue)
		out.Venue = &v
	}
	return out
}

func (h classHandlers) createCourse(c *fiber.Ctx) error {
	var req courseRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	crs, err := h.svc.CreateCourse(c.UserContext(), mustActor(c), c.Params("providerId"), req.course())
	if err != nil {
		return err
	}
	c.Location("/v1/courses/" + crs.ID)
	return c.Status(fiber.StatusCreated).JSON(toCourse(crs))
}

func (h classHandlers) getCourse(c *fiber.Ctx) error {
	crs, err := h.svc.GetCourse(c.UserContext(), mustActor(c), c.Params("courseId"))
	if err != nil {
		return err
	}
	return c.JSON(toCourse(crs))
}

// classSessionJSON is a session as anyone who may see it sees it: never its
// join link or check-in code.
type classSessionJSON struct {
	ID                   string       `json:"id"`
	CourseID             string       `json:"courseId"`
	ProviderID           string       `json:"providerId"`
	Title                textJSON     `json:"title"`
	Topics               []string     `json:"topics"`
	Audience             audienceJSON `json:"audience"`
	Format               string       `json:"format"`
	Venue                *addressJSON `json:"venue,omitempty"`
	Speaker              speakerJSON  `json:"speaker"`
	Window               windowJSON   `json:"window"`
	Status               string       `json:"status"`
	CancelReason         string       `json:"cancelReason,omitempty"`
	Seats                int          `json:"seats"`
	Booked               int          `json:"booked"`
	Remaining            int          `json:"remaining"`
	Waiting              int          `json:"waiting"`
	PriceFen             int64        `json:"priceFen"`
	BookingClosesAt      time.Time    `json:"bookingClosesAt"`
	CancellationCutoffAt time.Time    `json:"cancellationCutoffAt"`
	DistanceMetres       *float64     `json:"distanceMetres,omitempty"`
}

func toClassSession(v classes.View) classSessionJSON {
	crs, sl := toCourse(v.Course), v.Slot
	out := classSessionJSON{ID: v.Session.ID, CourseID: crs.ID, ProviderID: crs.ProviderID, Title: crs.Title, Topics: crs.Topics,
		Audience: crs.Audience, Format: crs.Format, Venue: crs.Venue, Speaker: crs.Speaker, Window: toWindow(sl.Window()),
		Status: string(v.Session.Status), CancelReason: v.Session.CancelReason, Seats: sl.Capacity().Total,
		Booked: sl.Confirmed(reservation.Market), Remaining: v.Remaining, Waiting: v.Waiting, PriceFen: v.Session.PriceFen,
		BookingClosesAt: sl.Rules().HoldsCloseAt.UTC(), CancellationCutoffAt: sl.Window().Start.Add(-v.Course.CancelCutoff).UTC()}
	if v.DistanceMetres != nil {
		d := float64(int64(*v.DistanceMetres + 0.5))
		out.DistanceMetres = &d
	}
	return out
}

func (h classHandlers) scheduleSession(c *fiber.Ctx) error {
	var req struct {
		Start    time.Time `json:"start"`
		End      time.Time `json:"end"`
		Seats    int       `json:"seats"`
		JoinLink string    `json:"joinLink"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.ScheduleSession(c.UserContext(), mustActor(c), classes.ScheduleCommand{CourseID: c.Params("courseId"),
		Start: req.Start, End: req.End, Seats: req.Seats, JoinLink: req.JoinLink})
	if err != nil {
		return err
	}
	c.Location("/v1/sessions/" + v.Session.ID)
	return c.Status(fiber.StatusCreated).JSON(toClassSession(v))
}

func (h classHandlers) getSession(c *fiber.Ctx) error {
	v, err := h.svc.GetSession(c.UserContext(), mustActor(c), c.Params("sessionId"))
	return sessionAnswer(c, v, err)
}

func (h classHandlers) changeSession(c *fiber.Ctx) error {
	var req struct {
		Start *time.Time `json:"start"`
		End   *time.Time `json:"end"`
		Seats *int       `json:"seats"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.ChangeSession(c.UserContext(), mustActor(c), classes.ChangeCommand{SessionID: c.Params("sessionId"),
		Start: req.Start, End: req.End, Seats: req.Seats})
	return sessionAnswer(c, v, err)
}

func (h classHandlers) cancelSession(c *fiber.Ctx) error {
	reason, err := withReason(c)
	if err != nil {
		return err
	}
	v, err := h.svc.CancelSession(c.UserContext(), mustActor(c), c.Params("sessionId"), reason)
	return sessionAnswer(c, v, err)
}

// sessionAnswer is a session use case's answer: its error, or the
// session as everyone who may see it sees it.
func sessionAnswer(c *fiber.Ctx, v classes.View, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(toClassSession(v))
}

func (h classHandlers) searchSessions(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	offset := 0
	if p.After != "" {
		if offset, err = strconv.Atoi(p.After); err != nil || offset < 0 {
			return page.ErrCursorInvalid
		}
	}
	cmd := classes.SearchCommand{Topic: course.Topic(c.Query("topic")), Format: course.Format(c.Query("format")),
		Offset: offset, Limit: p.Limit}
	if cmd.Limit == 0 {
		cmd.Limit = 20
	}
	if cmd.From, err = instantParam(c, "from"); err != nil {
		return err
	}
	if cmd.To, err = instantParam(c, "to"); err != nil {
		return err
	}
	if s := c.Query("near"); s != "" {
		pt, err := parseNear(s)
		if err != nil {
			return err
		}
		cmd.Near = &pt
	}
	if s := c.Query("childAgeMonths"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return errInvalidParameter.WithFields(fault.FieldError{Field: "query.childAgeMonths", Code: "type"})
		}
		cmd.ChildAgeMonths = &n
	}
	views, more, err := h.svc.Search(c.UserContext(), mustActor(c), cmd)
	if err != nil {
		return err
	}
	out := items[classSessionJSON]{Items: make([]classSessionJSON, len(views))}
	for i, v := range views {
		out.Items[i] = toClassSession(v)
	}
	out.NextCursor = page.Cursor(strconv.Itoa(offset+len(views)), more)
	return c.JSON(out)
}

type classBookingJSON struct {
	ID           string                   `json:"id"`
	SessionID    string                   `json:"sessionId"`
	ProviderID   string                   `json:"providerId"`
	BookedBy     string                   `json:"bookedBy"`
	Window       windowJSON               `json:"window"`
	Status       string                   `json:"status"`
	PriceFen     int64                    `json:"priceFen"`
	ConfirmedAt  time.Time                `json:"confirmedAt"`
	Cancellation *bookingCancellationJSON `json:"cancellation,omitempty"`
	Payment      classPaymentJSON         `json:"payment"`
}

// classPaymentJSON is what the ledger records of a seat's price: no
// money moves through kincare; this is what is owed.
type classPaymentJSON struct {
	AmountFen int64            `json:"amountFen"`
	Status    string           `json:"status"`
	Entries   []classEntryJSON `json:"entries"`
}

type classEntryJSON struct {
	Kind   string    `json:"kind"`
	Amount int64     `json:"amount"`
	At     time.Time `json:"at"`
}

func toClassPayment(p classes.Payment) classPaymentJSON {
	out := classPaymentJSON{AmountFen: p.AmountFen, Status: p.Status, Entries: []classEntryJSON{}}
	for _, e := range p.Entries {
		out.Entries = append(out.Entries, classEntryJSON{Kind: string(e.Kind), Amount: e.Amount, At: e.At.UTC()})
	}
	return out
}

// classBooking answers a booking with what the ledger says of its price.
func (h classHandlers) classBooking(c *fiber.Ctx, b *reservation.Booking, sl *reservation.Slot) (classBookingJSON, error) {
	p, err := h.svc.Payment(c.UserContext(), b)
	if err != nil {
		return classBookingJSON{}, err
	}
	out := toClassBooking(b, sl)
	out.Payment = toClassPayment(p)
	return out, nil
}

// toClassBooking shows the session's window as it is now (the slot's),
// not the booking's copy from when it was made.
func toClassBooking(b *reservation.Booking, sl *reservation.Slot) classBookingJSON {
	seat := b.Seat()
	out := classBookingJSON{ID: b.ID(), SessionID: b.SlotID(), ProviderID: b.ProviderID(), BookedBy: seat.BookedBy,
		Window: toWindow(sl.Window()), Status: string(b.Status()), PriceFen: seat.PriceFen, ConfirmedAt: seat.At.UTC()}
	if cc := b.Cancellation(); cc != nil {
		out.Cancellation = &bookingCancellationJSON{By: string(cc.By), Reason: cc.Reason, At: cc.At.UTC()}
	}
	return out
}

// bookSession answers 201 for a new seat and 200 for one this key (or
// an earlier offer) had booked already.
func (h classHandlers) bookSession(c *fiber.Ctx) error {
	var req struct {
		OfferID string `json:"offerId"`
		HoldID  string `json:"holdId"`
	}
	if len(body(c)) > 0 {
		if err := decode(c, &req); err != nil {
			return err
		}
	}
	hold := req.HoldID
	if hold == "" {
		hold = req.OfferID
	} else if req.OfferID != "" && req.OfferID != hold {
		return fault.ErrValidation.WithFields(fault.FieldError{Field: "/offerId", Code: "conflict"})
	}
	r, err := h.svc.Book(c.UserContext(), mustActor(c), c.Params("sessionId"), c.Get(headerIdempotencyKey), hold)
	if err != nil {
		return err
	}
	out, err := h.classBooking(c, r.Booking, r.Slot)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if r.Replayed {
		c.Set(headerReplayed, "true")
		status = fiber.StatusOK
	}
	c.Location("/v1/class-bookings/" + r.Booking.ID())
	return c.Status(status).JSON(out)
}

func (h classHandlers) waitForSession(c *fiber.Ctx) error {
	p, err := h.svc.Wait(c.UserContext(), mustActor(c), c.Params("sessionId"))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if p.Joined {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(fiber.Map{"sessionId": p.SlotID, "position": p.Position})
}

func (h classHandlers) getClassBooking(c *fiber.Ctx) error {
	b, sl, err := h.svc.GetBooking(c.UserContext(), mustActor(c), c.Params("bookingId"))
	return h.bookingAnswer(c, b, sl, err)
}

func (h classHandlers) cancelClassBooking(c *fiber.Ctx) error {
	reason, err := withReason(c)
	if err != nil {
		return err
	}
	b, sl, err := h.svc.CancelBooking(c.UserContext(), mustActor(c), c.Params("bookingId"), reason)
	return h.bookingAnswer(c, b, sl, err)
}

// bookingAnswer is a booking use case's answer: its error, or the
// booking with what the ledger records of its price.
func (h classHandlers) bookingAnswer(c *fiber.Ctx, b *reservation.Booking, sl *reservation.Slot, err error) error {
	if err != nil {
		return err
	}
	out, err := h.classBooking(c, b, sl)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h classHandlers) joinSession(c *fiber.Ctx) error {
	j, err := h.svc.JoinLink(c.UserContext(), mustActor(c), c.Params("sessionId"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"sessionId": j.SessionID, "bookingId": j.BookingID, "url": j.URL,
		"opensAt": j.OpensAt.UTC(), "endsAt": j.EndsAt.UTC()})
}

type classAttendanceJSON struct {
	BookingID string    `json:"bookingId"`
	UserID    string    `json:"userId"`
	Attended  bool      `json:"attended"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

func toClassAttendance(a course.Attendance) classAttendanceJSON {
	return classAttendanceJSON{BookingID: a.BookingID, UserID: a.UserID, Attended: a.Attended, By: a.By, At: a.At.UTC()}
}

func (h classHandlers) checkIn(c *fiber.Ctx) error {
	var req struct {
		Code string `json:"code"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := h.svc.CheckIn(c.UserContext(), mustActor(c), c.Params("sessionId"), req.Code)
	if err != nil {
		return err
	}
	return c.JSON(toClassAttendance(a))
}

func (h classHandlers) markAttendance(c *fiber.Ctx) error {
	var req struct {
		BookingID string `json:"bookingId"`
		Attended  bool   `json:"attended"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := h.svc.MarkAttendance(c.UserContext(), mustActor(c), classes.MarkCommand{SessionID: c.Params("sessionId"),
		BookingID: req.BookingID, Attended: req.Attended})
	if err != nil {
		return err
	}
	return c.JSON(toClassAttendance(a))
}

func (h classHandlers) roster(c *fiber.Ctx) error {
	r, err := h.svc.GetRoster(c.UserContext(), mustActor(c), c.Params("sessionId"))
	if err != nil {
		return err
	}
	type entry struct {
		BookingID  string               `json:"bookingId"`
		UserID     string               `json:"userId"`
		BookedAt   time.Time            `json:"bookedAt"`
		Attendance *classAttendanceJSON `json:"attendance,omitempty"`
	}
	out := struct {
		SessionID   string     `json:"sessionId"`
		Window      windowJSON `json:"window"`
		CheckInCode string     `json:"checkInCode"`
		Items       []entry    `json:"items"`
	}{SessionID: r.Session.ID, Window: toWindow(r.Window), CheckInCode: r.Session.CheckInCode, Items: []entry{}}
	for _, s := range r.Seats {
		e := entry{BookingID: s.HoldID, UserID: s.BookedBy, BookedAt: s.At.UTC()}
		if a, ok := r.Session.AttendanceOf(s.HoldID); ok {
			j := toClassAttendance(a)
			e.Attendance = &j
		}
		out.Items = append(out.Items, e)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h classHandlers) listCourses(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	cs, more, err := h.svc.ListCourses(c.UserContext(), mustActor(c), c.Params("providerId"), p)
	if err != nil {
		return err
	}
	return pageAnswer(c, cs, more, func(crs course.Course) (courseJSON, string, error) { return toCourse(crs), crs.ID, nil })
}

func (h classHandlers) listSessions(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	views, more, err := h.svc.ListSessions(c.UserContext(), mustActor(c), c.Params("courseId"), p)
	if err != nil {
		return err
	}
	return pageAnswer(c, views, more, func(v classes.View) (classSessionJSON, string, error) {
		return toClassSession(v), v.Session.ID, nil
	})
}

func (h classHandlers) editCourse(c *fiber.Ctx) error {
	var req struct {
		Title       *textJSON    `json:"title"`
		Description *textJSON    `json:"description"`
		Speaker     *speakerJSON `json:"speaker"`
		Seats       *int         `json:"seats"`
		PriceFen    *int64       `json:"priceFen"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	p := course.Patch{Seats: req.Seats, PriceFen: req.PriceFen}
	if req.Title != nil {
		t := course.Text(*req.Title)
		p.Title = &t
	}
	if req.Description != nil {
		d := course.Text(*req.Description)
		p.Description = &d
	}
	if req.Speaker != nil {
		s := course.Speaker(*req.Speaker)
		p.Speaker = &s
	}
	crs, err := h.svc.EditCourse(c.UserContext(), mustActor(c), c.Params("courseId"), p)
	if err != nil {
		return err
	}
	return c.JSON(toCourse(crs))
}

func (h classHandlers) listMyBookings(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	bs, more, err := h.svc.ListMyBookings(c.UserContext(), mustActor(c), reservation.BookingStatus(c.Query("status")), p)
	if err != nil {
		return err
	}
	return pageAnswer(c, bs, more, func(b classes.MyBooking) (classBookingJSON, string, error) {
		j, err := h.classBooking(c, b.Booking, b.Slot)
		return j, b.Booking.ID(), err
	})
}

// pageAnswer is one page of a list: each item as JSON, and the cursor
// after the last one's id when there is more.
func pageAnswer[T, J any](c *fiber.Ctx, list []T, more bool, to func(T) (J, string, error)) error {
	out := items[J]{Items: make([]J, len(list))}
	last := ""
	for i, x := range list {
		j, id, err := to(x)
		if err != nil {
			return err
		}
		out.Items[i], last = j, id
	}
	out.NextCursor = page.Cursor(last, more)
	return c.JSON(out)
}

type expertJSON struct {
	ID         string    `json:"id"`
	ProviderID string    `json:"providerId"`
	Name       string    `json:"name"`
	Title      string    `json:"title,omitempty"`
	Bio        string    `json:"bio,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
}

func toExpert(e course.Expert) expertJSON {
	return expertJSON{ID: e.ID, ProviderID: e.ProviderID, Name: e.Name, Title: e.Title, Bio: e.Bio, CreatedAt: e.CreatedAt.UTC()}
}

func (h classHandlers) addExpert(c *fiber.Ctx) error {
	var req speakerJSON
	if err := decode(c, &req); err != nil {
		return err
	}
	e, err := h.svc.AddExpert(c.UserContext(), mustActor(c), c.Params("providerId"), course.Speaker(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toExpert(e))
}

func (h classHandlers) listExperts(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	es, more, err := h.svc.ListExperts(c.UserContext(), mustActor(c), c.Params("providerId"), p)
	if err != nil {
		return err
	}
	return pageAnswer(c, es, more, func(e course.Expert) (expertJSON, string, error) { return toExpert(e), e.ID, nil })
}
