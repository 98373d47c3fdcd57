package e2e_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Every bad input the issue names, each refused with its code, on a
// clock the test moves: booking after the deadline and after the start,
// a join link asked for without a booking or outside its window, another
// person's booking, another organiser's session, seats lowered below
// what is booked, a check-in code before its window; and the course and
// session a client may get wrong.
func TestClassesRefuseWhatTheyMust(t *testing.T) {
	t.Parallel()
	clk := newOffsetClock(t)
	srv, platform := startClassServer(t, clk, "")
	owner := srv.signUp(t)
	org := owner.classOrganizer(t, platform)
	rival := srv.signUp(t)
	rivalOrg := rival.classOrganizer(t, platform)
	mum, dad, stranger := srv.signUp(t), srv.signUp(t), srv.signUp(t)

	// A course and a session a client can get wrong.
	bad := owner.post(t, "/v1/providers/"+org.ID+"/courses", courseBody(20, map[string]any{"format": "online"}))
	wantFieldCode(t, wantProblem(t, bad, http.StatusUnprocessableEntity, "course_invalid"), "/venue", "online")
	bad = owner.post(t, "/v1/providers/"+org.ID+"/courses", courseBody(20, map[string]any{"venue": nil,
		"audience": map[string]any{"kind": "parents", "minMonths": 24, "maxMonths": 6}}))
	p := wantProblem(t, bad, http.StatusUnprocessableEntity, "course_invalid")
	wantFieldCode(t, p, "/venue", "required")
	wantFieldCode(t, p, "/audience", "range")
	wantProblem(t, rival.post(t, "/v1/providers/"+org.ID+"/courses", courseBody(20, nil)), http.StatusNotFound, "provider_not_found")
	home := srv.signUp(t)
	homeCare := home.register(t, providerBody(uniqueName("居家养老服务站"), point{lat: 31.2, lng: 121.4}, 3, newPhone(), nil))
	platform.verify(t, homeCare.ID)
	wantProblem(t, home.post(t, "/v1/providers/"+homeCare.ID+"/courses", courseBody(20, nil)), http.StatusForbidden,
		"provider_not_organizer")

	offline := owner.course(t, org.ID, courseBody(2, nil))
	online := owner.course(t, org.ID, courseBody(30, map[string]any{"format": "online", "venue": nil,
		"topics": []string{"feeding"}, "audience": map[string]any{"kind": "parents", "minMonths": 12, "maxMonths": 36}}))
	start := startOfMinute(clk.now(), 3*time.Hour)
	past := owner.post(t, "/v1/courses/"+offline.ID+"/sessions", map[string]string{
		"start": clk.now().Add(-time.Hour).Format(time.RFC3339), "end": clk.now().Format(time.RFC3339)})
	wantFieldCode(t, wantProblem(t, past, http.StatusUnprocessableEntity, "session_invalid"), "/start", "past")
	noLink := owner.post(t, "/v1/courses/"+online.ID+"/sessions", map[string]string{
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)})
	wantFieldCode(t, wantProblem(t, noLink, http.StatusUnprocessableEntity, "session_invalid"), "/joinLink", "url")
	link := "https://live.example.com/room/" + randomID()
	live := owner.schedule(t, online.ID, start, map[string]any{"joinLink": link})
	room := owner.schedule(t, offline.ID, start, nil)
	farther := owner.schedule(t, offline.ID, start.Add(time.Hour), nil)

	// Nobody reads a join link or a check-in code from a session.
	for _, s := range []classSessionView{live, owner.session(t, live.ID), stranger.session(t, live.ID)} {
		if s.JoinLink != nil || s.CheckInCode != nil {
			t.Fatalf("a session shows its secrets: %+v", s)
		}
	}
	// Discovery: offline ones first, nearest first near the venue; online
	// ones after; a child's age picks courses for it.
	q := url.Values{"from": {clk.now().Format(time.RFC3339)}, "to": {clk.now().Add(24 * time.Hour).Format(time.RFC3339)},
		"near": {"31.2304,121.4737"}}
	found := must[struct {
		Items []classSessionView `json:"items"`
	}](t, srv.get(t, "/v1/sessions?"+q.Encode()), http.StatusOK).Items
	var order []string
	for _, s := range found {
		if s.ID == live.ID || s.ID == room.ID || s.ID == farther.ID {
			order = append(order, s.ID)
		}
	}
	if len(order) != 3 || order[0] != room.ID || order[1] != farther.ID || order[2] != live.ID {
		t.Errorf("search order %v, want offline %s, %s then online %s", order, room.ID, farther.ID, live.ID)
	}
	q.Set("childAgeMonths", "30")
	for _, s := range must[struct {
		Items []classSessionView `json:"items"`
	}](t, mum.get(t, "/v1/sessions?"+q.Encode()), http.StatusOK).Items {
		if s.CourseID == offline.ID {
			t.Errorf("a course for 0–12 months was found for a child of 30 months")
		}
	}

	// Two book the offline room; a second seat is refused; the third is
	// told it is full.
	mine := must[classBookingView](t, mum.bookSeat(t, room.ID, "k1"), http.StatusCreated)
	wantProblem(t, mum.bookSeat(t, room.ID, "k2"), http.StatusConflict, "already_booked")
	must[classBookingView](t, dad.bookSeat(t, room.ID, "k1"), http.StatusCreated)
	wantProblem(t, stranger.bookSeat(t, room.ID, "k1"), http.StatusConflict, "slot_full")
	wantProblem(t, mum.post(t, "/v1/sessions/"+room.ID+"/waitlist", nil), http.StatusConflict, "already_booked")
	liveSeat := must[classBookingView](t, mum.bookSeat(t, live.ID, "k1"), http.StatusCreated)
	fartherSeat := must[classBookingView](t, dad.bookSeat(t, farther.ID, "k1"), http.StatusCreated)

	// Another person's booking does not exist for them.
	wantProblem(t, stranger.get(t, "/v1/class-bookings/"+mine.ID), http.StatusNotFound, "booking_not_found")
	wantProblem(t, stranger.post(t, "/v1/class-bookings/"+mine.ID+"/cancel", nil), http.StatusNotFound, "booking_not_found")
	wantProblem(t, rival.get(t, "/v1/class-bookings/"+mine.ID), http.StatusNotFound, "booking_not_found")
	wantStatus(t, owner.get(t, "/v1/class-bookings/"+mine.ID), http.StatusOK)

	// Another organiser's session is not theirs to change.
	patch := map[string]int{"seats": 10}
	wantProblem(t, rival.patch(t, "/v1/sessions/"+room.ID, patch), http.StatusNotFound, "session_not_found")
	wantProblem(t, rival.post(t, "/v1/sessions/"+room.ID+"/cancel", map[string]string{"reason": "x"}), http.StatusNotFound,
		"session_not_found")
	wantProblem(t, rival.get(t, "/v1/sessions/"+room.ID+"/roster"), http.StatusNotFound, "session_not_found")
	wantProblem(t, mum.patch(t, "/v1/sessions/"+room.ID, patch), http.StatusNotFound, "session_not_found")
	rivalCourse := rival.course(t, rivalOrg.ID, courseBody(5, nil))
	wantProblem(t, owner.post(t, "/v1/courses/"+rivalCourse.ID+"/sessions", map[string]string{
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}), http.StatusNotFound,
		"course_not_found")
	// Seats lowered below what is booked.
	wantProblem(t, owner.patch(t, "/v1/sessions/"+room.ID, map[string]int{"seats": 1}), http.StatusUnprocessableEntity,
		"capacity_below_confirmed")
	if s := owner.session(t, room.ID); s.Seats != 2 || s.Booked != 2 {
		t.Fatalf("after a refused resize: %d seats, %d booked", s.Seats, s.Booked)
	}

	// The join link: not before 30 minutes ahead, never to others.
	wantProblem(t, mum.get(t, "/v1/sessions/"+live.ID+"/join"), http.StatusNotFound, "join_link_unavailable")
	code := must[struct {
		CheckInCode string `json:"checkInCode"`
	}](t, owner.get(t, "/v1/sessions/"+room.ID+"/roster"), http.StatusOK).CheckInCode
	// Past the cancellation cutoff (2 h ahead) the seat stays.
	clk.moveTo(t, start.Add(-119*time.Minute))
	wantProblem(t, mum.post(t, "/v1/class-bookings/"+mine.ID+"/cancel", nil), http.StatusConflict, "cancellation_cutoff_passed")
	// Past the booking deadline (1 h ahead) nobody books or waits.
	clk.moveTo(t, start.Add(-59*time.Minute))
	wantProblem(t, stranger.bookSeat(t, live.ID, "late"), http.StatusConflict, "booking_closed")
	wantProblem(t, stranger.post(t, "/v1/sessions/"+live.ID+"/waitlist", nil), http.StatusConflict, "booking_closed")
	clk.moveTo(t, start.Add(-29*time.Minute))
	j := must[struct {
		URL       string `json:"url"`
		BookingID string `json:"bookingId"`
	}](t, mum.get(t, "/v1/sessions/"+live.ID+"/join"), http.StatusOK)
	if j.URL != link || j.BookingID != liveSeat.ID {
		t.Errorf("join answered %+v, want %s for booking %s", j, link, liveSeat.ID)
	}
	wantProblem(t, stranger.get(t, "/v1/sessions/"+live.ID+"/join"), http.StatusNotFound, "join_link_unavailable")
	wantProblem(t, owner.get(t, "/v1/sessions/"+live.ID+"/join"), http.StatusNotFound, "join_link_unavailable")
	// The check-in code: not before 15 minutes ahead, the right code only.
	checkIn := func(p *person, c string) *response {
		return p.post(t, "/v1/sessions/"+room.ID+"/check-in", map[string]string{"code": c})
	}
	wantProblem(t, checkIn(mum, code), http.StatusConflict, "check_in_not_open")
	clk.moveTo(t, start.Add(-15*time.Minute))
	wantProblem(t, checkIn(mum, "000000x"), http.StatusUnprocessableEntity, "check_in_code_invalid")
	wantProblem(t, checkIn(stranger, code), http.StatusNotFound, "booking_not_found")
	at := must[struct {
		Attended bool   `json:"attended"`
		By       string `json:"by"`
	}](t, checkIn(mum, code), http.StatusOK)
	if !at.Attended || at.By != "self" {
		t.Errorf("check-in recorded %+v", at)
	}
	// After the start: no booking, no move, no cancellation.
	clk.moveTo(t, start.Add(time.Minute))
	wantProblem(t, stranger.bookSeat(t, farther.ID, "past"), http.StatusConflict, "booking_closed")
	wantProblem(t, stranger.bookSeat(t, live.ID, "past"), http.StatusConflict, "session_started")
	wantProblem(t, owner.patch(t, "/v1/sessions/"+room.ID, map[string]string{
		"start": start.Add(24 * time.Hour).Format(time.RFC3339)}), http.StatusConflict, "session_started")
	wantProblem(t, owner.post(t, "/v1/sessions/"+room.ID+"/cancel", map[string]string{"reason": "下雨"}), http.StatusConflict,
		"session_started")
	wantStatus(t, owner.post(t, "/v1/sessions/"+room.ID+"/attendance",
		map[string]any{"bookingId": mine.ID, "attended": true}), http.StatusOK)

	// A cancelled session: everyone booked is told, nobody books it.
	s := must[classSessionView](t, owner.post(t, "/v1/sessions/"+farther.ID+"/cancel", map[string]string{"reason": "讲师生病"}),
		http.StatusOK)
	if s.Status != "cancelled" || s.Remaining != 0 {
		t.Errorf("cancelled session: %+v", s)
	}
	wantProblem(t, dad.bookSeat(t, farther.ID, "x"), http.StatusConflict, "session_cancelled")
	told := dad.waitNotification(t, "class_booking.cancelled_by_provider")
	if !told.Urgent {
		t.Errorf("the cancellation was not urgent: %+v", told)
	}
	if b := must[classBookingView](t, dad.get(t, "/v1/class-bookings/"+fartherSeat.ID), http.StatusOK); b.Status != "cancelled" {
		t.Errorf("dad's booking of the cancelled session is %s", b.Status)
	}
	if s := must[classSessionView](t, srv.get(t, "/v1/sessions/"+farther.ID), http.StatusOK); s.Status != "cancelled" {
		t.Errorf("the public sees the cancelled session as %s", s.Status)
	}
}
