package e2e_test

// Rows: parenting classes. Courses and sessions are public; their
// organiser's admins and office staff schedule, change, cancel and keep
// attendance; a seat, its join link and its check-in are the attendee's
// alone.

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// classWorld is what the class rows act on: provider A's course, a
// session days ahead, an online session about to begin that famA booked
// (its join link and check-in are open), and a booking famA cancelled.
type classWorld struct {
	course, session    string
	liveSession        string // online, starting within minutes; famA has a seat
	liveBooking        string // famA's seat on it
	bookingCancelled   string // famA's seat on session, cancelled
	checkInCode        string // liveSession's
	sessionsScheduled  int
	sessionStartsAfter time.Time
}

// buildClasses makes the class records of the world.
func (w *world) buildClasses(t *testing.T) {
	t.Helper()
	owner := w.who(provA)
	w.cls.sessionStartsAfter = time.Now().Add(10 * 24 * time.Hour).Truncate(time.Minute)
	w.cls.course = owner.course(t, w.provA, courseBody(50, nil)).ID
	w.cls.session = w.classSession(t)
	live := owner.course(t, w.provA, courseBody(50, map[string]any{"format": "online", "venue": nil,
		"bookingClosesMinutes": 0, "topics": []string{"feeding"}}))
	w.cls.liveSession = owner.schedule(t, live.ID, time.Now().Add(10*time.Minute).Truncate(time.Second),
		map[string]any{"joinLink": "https://live.example.com/room/" + randomID()}).ID
	w.cls.liveBooking = must[classBookingView](t, w.who(famA).bookSeat(t, w.cls.liveSession, randomID()), http.StatusCreated).ID
	w.cls.checkInCode = must[struct {
		CheckInCode string `json:"checkInCode"`
	}](t, owner.get(t, "/v1/sessions/"+w.cls.liveSession+"/roster"), http.StatusOK).CheckInCode
	cancelled := must[classBookingView](t, w.who(famA).bookSeat(t, w.cls.session, randomID()), http.StatusCreated).ID
	wantStatus(t, w.who(famA).post(t, "/v1/class-bookings/"+cancelled+"/cancel", nil), http.StatusOK)
	w.cls.bookingCancelled = cancelled
}

// classSession is a fresh session of provider A's course, on a day of
// its own far enough ahead that booking is open.
func (w *world) classSession(t *testing.T) string {
	t.Helper()
	w.mu.Lock()
	w.cls.sessionsScheduled++
	start := w.cls.sessionStartsAfter.Add(time.Duration(w.cls.sessionsScheduled) * 2 * time.Hour)
	w.mu.Unlock()
	return w.who(provA).schedule(t, w.cls.course, start, nil).ID
}

// fullClassSession is a fresh session of one seat, which famB booked.
func (w *world) fullClassSession(t *testing.T) string {
	t.Helper()
	id := w.classSession(t)
	wantStatus(t, w.who(provA).patch(t, "/v1/sessions/"+id, map[string]int{"seats": 1}), http.StatusOK)
	wantStatus(t, w.who(famB).bookSeat(t, id, randomID()), http.StatusCreated)
	return id
}

func classRows(w *world) []row {
	ok, created, nf := http.StatusOK, http.StatusCreated, http.StatusNotFound
	managers := who{provA: ok, officeA: ok}
	session := "/v1/sessions/" + w.cls.session
	live := "/v1/sessions/" + w.cls.liveSession
	from := time.Now().UTC().Truncate(time.Second)
	search := "/v1/sessions?from=" + url.QueryEscape(from.Format(time.RFC3339)) + "&to=" +
		url.QueryEscape(from.AddDate(0, 0, 60).Format(time.RFC3339)) + "&near=31.19,121.44"
	return []row{
		{op: "createCourse", fixture: fixture{path: "/v1/providers/" + w.provA + "/courses", body: courseBody(10, nil)},
			want: who{provA: created, officeA: created}, others: nf},
		{op: "getCourse", fixture: fixture{path: "/v1/courses/" + w.cls.course}, others: ok, anon: ok},
		{op: "scheduleSession", fixture: fixture{path: "/v1/courses/" + w.cls.course + "/sessions", body: map[string]string{
			"start": from.AddDate(0, 1, 0).Format(time.RFC3339), "end": from.AddDate(0, 1, 0).Add(time.Hour).Format(time.RFC3339)}},
			want: who{provA: created, officeA: created}, others: nf},
		{op: "searchSessions", fixture: fixture{path: search}, others: ok, anon: ok},
		{op: "getSession", fixture: fixture{path: session}, others: ok, anon: ok},
		{op: "changeSession", fixture: fixture{path: session, body: map[string]int{"seats": 40}}, want: managers, others: nf},
		{op: "cancelSession", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/sessions/" + w.classSession(t) + "/cancel", body: map[string]string{"reason": "讲师生病"}}
		}, want: managers, others: nf},
		// Every account may book a seat for itself, one per session, but
		// an elder's own account, which acts only as the elder.
		{op: "bookSession", each: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/sessions/" + w.classSession(t) + "/bookings"}
		}, want: who{elderAcct: http.StatusForbidden}, others: created},
		{op: "waitForSession", each: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/sessions/" + w.fullClassSession(t) + "/waitlist"}
		}, want: who{famB: http.StatusConflict, elderAcct: http.StatusForbidden}, others: created},
		{op: "joinSession", fixture: fixture{path: live + "/join"}, want: who{famA: ok}, others: nf},
		{op: "checkInToSession", fixture: fixture{path: live + "/check-in", body: map[string]string{"code": w.cls.checkInCode}},
			want: who{famA: ok}, others: nf},
		{op: "markAttendance", fixture: fixture{path: live + "/attendance",
			body: map[string]any{"bookingId": w.cls.liveBooking, "attended": true}}, want: managers, others: nf},
		{op: "getSessionRoster", fixture: fixture{path: live + "/roster"}, want: managers, others: nf},
		{op: "getClassBooking", fixture: fixture{path: "/v1/class-bookings/" + w.cls.liveBooking},
			want: who{famA: ok, provA: ok, officeA: ok}, others: nf},
		{op: "listProviderCourses", fixture: fixture{path: "/v1/providers/" + w.provA + "/courses"}, others: ok, anon: ok},
		{op: "listCourseSessions", fixture: fixture{path: "/v1/courses/" + w.cls.course + "/sessions"}, others: ok, anon: ok},
		{op: "editCourse", fixture: fixture{path: "/v1/courses/" + w.cls.course, body: map[string]any{
			"speaker": map[string]string{"name": "王医生", "title": "儿科主治医师"}}}, want: managers, others: nf},
		{op: "addClassExpert", fixture: fixture{path: "/v1/providers/" + w.provA + "/experts",
			body: map[string]string{"name": "王医生", "title": "儿科主治医师"}}, want: who{provA: created, officeA: created}, others: nf},
		{op: "listClassExperts", fixture: fixture{path: "/v1/providers/" + w.provA + "/experts"}, others: ok, anon: ok},
		// Everyone's own list answers; nobody sees another's seats in it.
		{op: "listMyClassBookings", fixture: fixture{path: "/v1/me/class-bookings"}, others: ok},
		// Cancelled already: the parties get 409, past every check of who
		// may cancel.
		{op: "cancelClassBooking", fixture: fixture{path: "/v1/class-bookings/" + w.cls.bookingCancelled + "/cancel",
			body: map[string]string{"reason": "临时有事"}},
			want: who{famA: http.StatusConflict, provA: http.StatusConflict, officeA: http.StatusConflict}, others: nf},
	}
}
