package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/classes"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
)

const (
	coursesColl       = "courses"
	classSessionsColl = "class_sessions"
)

type textDoc struct {
	ZhCN string `bson:"zhCN"`
	En   string `bson:"en,omitempty"`
}

type audienceDoc struct {
	Kind      string `bson:"kind"`
	MinMonths int    `bson:"minMonths"`
	MaxMonths int    `bson:"maxMonths"`
}

type speakerDoc struct {
	Name  string `bson:"name"`
	Title string `bson:"title,omitempty"`
	Bio   string `bson:"bio,omitempty"`
}

// courseDoc is a course, _id its id (UUIDv7).
type courseDoc struct {
	ID             string      `bson:"_id"`
	ProviderID     string      `bson:"providerId"`
	Title          textDoc     `bson:"title"`
	Description    textDoc     `bson:"description"`
	Topics         []string    `bson:"topics"`
	Audience       audienceDoc `bson:"audience"`
	Format         string      `bson:"format"`
	Venue          *addressDoc `bson:"venue,omitempty"`
	Speaker        speakerDoc  `bson:"speaker"`
	Seats          int         `bson:"seats"`
	PriceFen       int64       `bson:"priceFen"`
	BookingCloseMs int64       `bson:"bookingClosesMs"`
	CancelCutoffMs int64       `bson:"cancelCutoffMs"`
	OfferTTLMs     int64       `bson:"offerTtlMs"`
	SpeakerID      string      `bson:"speakerId,omitempty"`
	CreatedBy      string      `bson:"createdBy"`
	CreatedAt      time.Time   `bson:"createdAt"`
	Version        int64       `bson:"version"`
}

func toCourseDoc(c course.Course, version int64) courseDoc {
	d := courseDoc{ID: c.ID, ProviderID: c.ProviderID, Title: textDoc(c.Title), Description: textDoc(c.Description),
		Topics:   docList(c.Topics, func(t course.Topic) string { return string(t) }),
		Audience: audienceDoc{Kind: string(c.Audience.Kind), MinMonths: c.Audience.MinMonths, MaxMonths: c.Audience.MaxMonths},
		Format:   string(c.Format), Speaker: speakerDoc(c.Speaker), Seats: c.Seats, PriceFen: c.PriceFen,
		BookingCloseMs: c.BookingCloses.Milliseconds(), CancelCutoffMs: c.CancelCutoff.Milliseconds(),
		OfferTTLMs: c.OfferTTL.Milliseconds(), SpeakerID: c.SpeakerID, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt,
		Version: version}
	if c.Venue != nil {
		v := toAddressDoc(*c.Venue)
		d.Venue = &v
	}
	return d
}

func (d courseDoc) course() course.Course {
	c := course.Course{ID: d.ID, ProviderID: d.ProviderID, Title: course.Text(d.Title), Description: course.Text(d.Description),
		Topics:   valueList(d.Topics, func(t string) course.Topic { return course.Topic(t) }),
		Audience: course.Audience{Kind: course.AudienceKind(d.Audience.Kind), MinMonths: d.Audience.MinMonths, MaxMonths: d.Audience.MaxMonths},
		Format:   course.Format(d.Format), Speaker: course.Speaker(d.Speaker), Seats: d.Seats, PriceFen: d.PriceFen,
		BookingCloses: ms(d.BookingCloseMs), CancelCutoff: ms(d.CancelCutoffMs), OfferTTL: ms(d.OfferTTLMs), SpeakerID: d.SpeakerID,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC()}
	if d.Venue != nil {
		v := d.Venue.address()
		c.Venue = &v
	}
	return c
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// Courses implements the course store.
type Courses struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Courses() *Courses {
	return &Courses{coll: s.collection(coursesColl), guard: s.guard, bell: s.bell}
}

func (r *Courses) Create(ctx context.Context, c course.Course) error {
	if _, err := r.coll.InsertOne(ctx, toCourseDoc(c, 1)); err != nil {
		return fmt.Errorf("mongo: insert course: %w", err)
	}
	return nil
}

// Get returns course.ErrNotFound for an unknown id.
func (r *Courses) Get(ctx context.Context, id string) (course.Course, error) {
	d, err := findByID[courseDoc](ctx, r.coll, id, "course", course.ErrNotFound)
	if err != nil {
		return course.Course{}, err
	}
	return d.course(), nil
}

func (r *Courses) find(ctx context.Context, id string) (courseDoc, error) {
	return findByID[courseDoc](ctx, r.coll, id, "course", course.ErrNotFound)
}

// Update changes a course conditionally on its version.
func (r *Courses) Update(ctx context.Context, id string, fn func(*course.Course) error) (course.Course, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "course", id, r.find,
		func(d courseDoc) (course.Course, int64, error) {
			c := d.course()
			if err := fn(&c); err != nil {
				return course.Course{}, 0, err
			}
			return c, d.Version, nil
		}, toCourseDoc)
}

// ListByProvider pages a provider's courses, oldest first (ids are
// UUIDv7).
func (r *Courses) ListByProvider(ctx context.Context, providerID string, p page.Request) ([]course.Course, bool, error) {
	limit := clampLimit(p.Limit)
	filter := bson.D{{Key: "providerId", Value: providerID}}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: p.After}}})
	}
	out, err := findAll(ctx, r.coll, "courses", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit+1)), courseDoc.course)
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

type attendanceDoc struct {
	BookingID string    `bson:"bookingId"`
	UserID    string    `bson:"userId"`
	Attended  bool      `bson:"attended"`
	By        string    `bson:"by"`
	At        time.Time `bson:"at"`
}

// classSessionDoc is what is a class's own of a session, _id the id of
// its slot too.
type classSessionDoc struct {
	ID           string          `bson:"_id"`
	CourseID     string          `bson:"courseId"`
	ProviderID   string          `bson:"providerId"`
	Format       string          `bson:"format"`
	Topics       []string        `bson:"topics"`
	Audience     audienceDoc     `bson:"audience"`
	Location     *pointDoc       `bson:"location,omitempty"`
	PriceFen     int64           `bson:"priceFen"`
	Start        time.Time       `bson:"start"`
	End          time.Time       `bson:"end"`
	TimeZone     string          `bson:"timeZone"`
	JoinLink     string          `bson:"joinLink,omitempty"`
	CheckInCode  string          `bson:"checkInCode"`
	Status       string          `bson:"status"`
	CancelReason string          `bson:"cancelReason,omitempty"`
	Attendance   []attendanceDoc `bson:"attendance"`
	CreatedAt    time.Time       `bson:"createdAt"`
	Version      int64           `bson:"version"`
}

func toClassSessionDoc(s course.Session, version int64) classSessionDoc {
	d := classSessionDoc{ID: s.ID, CourseID: s.CourseID, ProviderID: s.ProviderID, Format: string(s.Format),
		Topics:   docList(s.Topics, func(t course.Topic) string { return string(t) }),
		Audience: audienceDoc{Kind: string(s.Audience.Kind), MinMonths: s.Audience.MinMonths, MaxMonths: s.Audience.MaxMonths},
		PriceFen: s.PriceFen, Start: s.Start, End: s.End, TimeZone: s.TimeZone, JoinLink: s.JoinLink, CheckInCode: s.CheckInCode,
		Status: string(s.Status), CancelReason: s.CancelReason,
		Attendance: docList(s.Attendance, func(a course.Attendance) attendanceDoc { return attendanceDoc(a) }),
		CreatedAt:  s.CreatedAt, Version: version}
	if s.Location != nil {
		d.Location = &pointDoc{Lat: s.Location.Lat, Lng: s.Location.Lng}
	}
	return d
}

func (d classSessionDoc) session() course.Session {
	s := course.Session{ID: d.ID, CourseID: d.CourseID, ProviderID: d.ProviderID, Format: course.Format(d.Format),
		Topics:   valueList(d.Topics, func(t string) course.Topic { return course.Topic(t) }),
		Audience: course.Audience{Kind: course.AudienceKind(d.Audience.Kind), MinMonths: d.Audience.MinMonths, MaxMonths: d.Audience.MaxMonths},
		PriceFen: d.PriceFen, Start: d.Start.UTC(), End: d.End.UTC(), TimeZone: d.TimeZone, JoinLink: d.JoinLink, CheckInCode: d.CheckInCode,
		Status: course.Status(d.Status), CancelReason: d.CancelReason,
		Attendance: valueList(d.Attendance, func(a attendanceDoc) course.Attendance {
			a.At = a.At.UTC()
			return course.Attendance(a)
		}),
		CreatedAt: d.CreatedAt.UTC()}
	if d.Location != nil {
		s.Location = &geo.Point{Lat: d.Location.Lat, Lng: d.Location.Lng}
	}
	return s
}

// ClassSessions implements the class session store.
type ClassSessions struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) ClassSessions() *ClassSessions {
	return &ClassSessions{coll: s.collection(classSessionsColl), guard: s.guard, bell: s.bell}
}

func (r *ClassSessions) Create(ctx context.Context, s course.Session) error {
	if _, err := r.coll.InsertOne(ctx, toClassSessionDoc(s, 1)); err != nil {
		return fmt.Errorf("mongo: insert class session: %w", err)
	}
	return nil
}

func (r *ClassSessions) find(ctx context.Context, id string) (classSessionDoc, error) {
	return findByID[classSessionDoc](ctx, r.coll, id, "class session", course.ErrSessionNotFound)
}

// Get returns course.ErrSessionNotFound for an unknown id.
func (r *ClassSessions) Get(ctx context.Context, id string) (course.Session, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return course.Session{}, err
	}
	return d.session(), nil
}

func (r *ClassSessions) Update(ctx context.Context, id string, fn func(*course.Session) error) (course.Session, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "class session", id, r.find,
		func(d classSessionDoc) (course.Session, int64, error) {
			s := d.session()
			if err := fn(&s); err != nil {
				return course.Session{}, 0, err
			}
			return s, d.Version, nil
		},
		func(s course.Session, version int64) classSessionDoc { return toClassSessionDoc(s, version) })
}

// ListByCourse pages a course's sessions by start (then id), scheduled
// ones only unless all.
func (r *ClassSessions) ListByCourse(ctx context.Context, courseID string, all bool, p page.Request) ([]course.Session, bool, error) {
	limit := clampLimit(p.Limit)
	filter := bson.D{{Key: "courseId", Value: courseID}}
	if !all {
		filter = append(filter, bson.E{Key: "status", Value: string(course.Scheduled)})
	}
	if p.After != "" {
		after, err := r.find(ctx, p.After)
		if errors.Is(err, course.ErrSessionNotFound) {
			return nil, false, errUnknownCursor
		}
		if err != nil {
			return nil, false, err
		}
		filter = append(filter, keysetAfter("start", 1, after.Start, after.ID))
	}
	out, err := findAll(ctx, r.coll, "class sessions of course", filter,
		options.Find().SetSort(bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit+1)),
		classSessionDoc.session)
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// Search reads scheduled sessions starting in [From, To) by start.
func (r *ClassSessions) Search(ctx context.Context, q classes.Query) ([]course.Session, error) {
	filter := bson.D{{Key: "status", Value: string(course.Scheduled)},
		{Key: "start", Value: bson.D{{Key: "$gte", Value: q.From}, {Key: "$lt", Value: q.To}}}}
	if q.Format != "" {
		filter = append(filter, bson.E{Key: "format", Value: string(q.Format)})
	}
	if q.Topic != "" {
		filter = append(filter, bson.E{Key: "topics", Value: string(q.Topic)})
	}
	return findAll(ctx, r.coll, "class sessions", filter,
		options.Find().SetSort(bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(q.Limit)),
		classSessionDoc.session)
}

const classStandingsColl = "class_standings"

type classNoShowDoc struct {
	BookingID string    `bson:"bookingId"`
	SessionID string    `bson:"sessionId"`
	At        time.Time `bson:"at"`
}

// classStandingDoc is one person's no-shows, _id their user id.
type classStandingDoc struct {
	ID          string           `bson:"_id"`
	NoShows     []classNoShowDoc `bson:"noShows"`
	Version     int64            `bson:"version"`
	Pending     []eventDoc       `bson:"pendingEvents,omitempty"`
	OutboxSince *time.Time       `bson:"outboxSince,omitempty"`
}

func (d classStandingDoc) pendingEvents() int { return len(d.Pending) }

func toClassStandingDoc(s course.Standing, version int64) classStandingDoc {
	return classStandingDoc{ID: s.UserID, Version: version,
		NoShows: docList(s.NoShows, func(n course.NoShow) classNoShowDoc { return classNoShowDoc(n) }),
		Pending: toEventDocs(s.Pending()), OutboxSince: outboxSince(s.Pending())}
}

func (d classStandingDoc) standing() course.Standing {
	return course.Standing{UserID: d.ID,
		NoShows: valueList(d.NoShows, func(n classNoShowDoc) course.NoShow {
			n.At = n.At.UTC()
			return course.NoShow(n)
		}),
		Outbox: event.RestoreOutbox(fromEventDocs(d.Pending))}
}

// ClassStandings implements the no-show record, one document per user.
type ClassStandings struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) ClassStandings() *ClassStandings {
	return &ClassStandings{coll: s.collection(classStandingsColl), guard: s.guard, bell: s.bell}
}

func (r *ClassStandings) find(ctx context.Context, id string) (classStandingDoc, error) {
	return findByID[classStandingDoc](ctx, r.coll, id, "class standing", errNoStanding)
}

var errNoStanding = errors.New("mongo: no class standing")

// Get returns an empty standing for a user never recorded.
func (r *ClassStandings) Get(ctx context.Context, userID string) (course.Standing, error) {
	d, err := r.find(ctx, userID)
	if errors.Is(err, errNoStanding) {
		return course.Standing{UserID: userID}, nil
	}
	if err != nil {
		return course.Standing{}, err
	}
	return d.standing(), nil
}

// Update makes the user's standing on first use (concurrent first uses
// make it once), then changes it conditionally.
func (r *ClassStandings) Update(ctx context.Context, userID string, fn func(*course.Standing) error) (course.Standing, error) {
	update := func() (course.Standing, error) {
		return versionedUpdate(ctx, r.coll, r.guard, r.bell, "class standing", userID, r.find,
			func(d classStandingDoc) (course.Standing, int64, error) {
				s := d.standing()
				if err := fn(&s); err != nil {
					return course.Standing{}, 0, err
				}
				return s, d.Version, nil
			}, toClassStandingDoc)
	}
	s, err := update()
	if !errors.Is(err, errNoStanding) {
		return s, err
	}
	if _, err := r.coll.InsertOne(ctx, toClassStandingDoc(course.Standing{UserID: userID}, 1)); err != nil &&
		!mongo.IsDuplicateKeyError(err) {
		return course.Standing{}, fmt.Errorf("mongo: insert class standing: %w", err)
	}
	return update()
}

const classExpertsColl = "class_experts"

// classExpertDoc is one of an organiser's speakers, _id its id (UUIDv7).
type classExpertDoc struct {
	ID         string     `bson:"_id"`
	ProviderID string     `bson:"providerId"`
	Speaker    speakerDoc `bson:"speaker"`
	CreatedBy  string     `bson:"createdBy"`
	CreatedAt  time.Time  `bson:"createdAt"`
}

func (d classExpertDoc) expert() course.Expert {
	return course.Expert{ID: d.ID, ProviderID: d.ProviderID, Speaker: course.Speaker(d.Speaker), CreatedBy: d.CreatedBy,
		CreatedAt: d.CreatedAt.UTC()}
}

// ClassExperts implements the organisers' expert lists.
type ClassExperts struct{ coll *collection }

func (s *Store) ClassExperts() *ClassExperts {
	return &ClassExperts{coll: s.collection(classExpertsColl)}
}

func (r *ClassExperts) Create(ctx context.Context, e course.Expert) error {
	d := classExpertDoc{ID: e.ID, ProviderID: e.ProviderID, Speaker: speakerDoc(e.Speaker), CreatedBy: e.CreatedBy,
		CreatedAt: e.CreatedAt}
	if _, err := r.coll.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("mongo: insert class expert: %w", err)
	}
	return nil
}

// Get returns course.ErrExpertNotFound for an unknown id.
func (r *ClassExperts) Get(ctx context.Context, id string) (course.Expert, error) {
	d, err := findByID[classExpertDoc](ctx, r.coll, id, "class expert", course.ErrExpertNotFound)
	if err != nil {
		return course.Expert{}, err
	}
	return d.expert(), nil
}

// ListByProvider pages a provider's experts, oldest first.
func (r *ClassExperts) ListByProvider(ctx context.Context, providerID string, p page.Request) ([]course.Expert, bool, error) {
	limit := clampLimit(p.Limit)
	filter := bson.D{{Key: "providerId", Value: providerID}}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: p.After}}})
	}
	out, err := findAll(ctx, r.coll, "class experts", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit+1)), classExpertDoc.expert)
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// Delete forgets a person's no-shows (their account is deleted).
func (r *ClassStandings) Delete(ctx context.Context, userID string) error {
	if _, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}}); err != nil {
		return fmt.Errorf("mongo: delete class standing: %w", err)
	}
	return nil
}
