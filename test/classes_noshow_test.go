package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestThreeNoShowsLeaveAParentTheWaitlistsOfFreeClasses: a mother books
// three classes and the organiser marks her absent from each. With the
// third she is told (a push) that for 30 days she may only wait for
// free classes. She is refused a direct booking of a free class and a
// paid one (her hold of it goes back at once), and the waitlist of a
// paid class, each with the reason in zh-CN and en; she waits for a
// free class and accepts the seat it offers her. A fourth absence tells
// her nothing new; 30 days after the last she books again. Another
// parent marked absent once, then present, is never restricted.
func TestThreeNoShowsLeaveAParentTheWaitlistsOfFreeClasses(t *testing.T) {
	t.Parallel()
	clk := newOffsetClock(t)
	srv, platform := startClassServer(t, clk, "")
	owner := srv.signUp(t)
	org := owner.classOrganizer(t, platform)
	mum, dad, gran := srv.signUp(t), srv.signUp(t), srv.signUp(t)
	free := owner.course(t, org.ID, courseBody(10, nil))
	paid := owner.course(t, org.ID, courseBody(10, map[string]any{"priceFen": 6600}))

	start := startOfMinute(clk.now(), 3*time.Hour)
	var missed []classBookingView
	var sessions []string
	for i := range 4 {
		s := owner.schedule(t, free.ID, start.Add(time.Duration(i)*2*time.Hour), nil)
		sessions = append(sessions, s.ID)
		missed = append(missed, must[classBookingView](t, mum.bookSeat(t, s.ID, "b"), http.StatusCreated))
	}
	dadSeat := must[classBookingView](t, dad.bookSeat(t, sessions[0], "b"), http.StatusCreated)
	mark := func(session, booking string, attended bool) {
		t.Helper()
		wantStatus(t, owner.post(t, "/v1/sessions/"+session+"/attendance",
			map[string]any{"bookingId": booking, "attended": attended}), http.StatusOK)
	}
	clk.moveTo(t, start.Add(5*time.Minute))
	mark(sessions[0], missed[0].ID, false)
	mark(sessions[0], missed[0].ID, false) // the same absence twice counts once
	mark(sessions[0], dadSeat.ID, false)
	mark(sessions[0], dadSeat.ID, true) // corrected: taken back
	clk.moveTo(t, start.Add(2*time.Hour+5*time.Minute))
	mark(sessions[1], missed[1].ID, false)
	if n := mum.countOf(t, "class.booking_restricted"); n != 0 {
		t.Fatalf("restricted after two no-shows (%d notices)", n)
	}
	clk.moveTo(t, start.Add(4*time.Hour+5*time.Minute))
	mark(sessions[2], missed[2].ID, false)
	told := mum.waitNotification(t, "class.booking_restricted")
	if !strings.Contains(told.Body, "免费课程") {
		t.Errorf("the notice does not say why: %+v", told)
	}

	// Sessions ahead: a free one, a full free one, a paid one.
	ahead := startOfMinute(clk.now(), 24*time.Hour)
	open := owner.schedule(t, free.ID, ahead, nil)
	full := owner.schedule(t, free.ID, ahead.Add(2*time.Hour), map[string]any{"seats": 1})
	pricey := owner.schedule(t, paid.ID, ahead.Add(4*time.Hour), nil)
	gran1 := must[classBookingView](t, gran.bookSeat(t, full.ID, "g"), http.StatusCreated)

	p := wantProblem(t, mum.bookSeat(t, open.ID, "again"), http.StatusForbidden, "class_booking_restricted")
	if !strings.Contains(p.Detail, "3") || !strings.Contains(p.Detail, "90") {
		t.Errorf("the refusal does not say why: %q", p.Detail)
	}
	wantProblem(t, mum.bookSeat(t, open.ID, "again"), http.StatusForbidden, "class_booking_restricted") // a retry
	en := wantProblem(t, mum.post(t, "/v1/sessions/"+open.ID+"/bookings", nil, "Idempotency-Key", "again-en",
		"Accept-Language", "en"), http.StatusForbidden, "class_booking_restricted")
	if !strings.Contains(en.Detail, "free classes") {
		t.Errorf("the English refusal: %q", en.Detail)
	}
	if s := owner.session(t, open.ID); s.Remaining != 10 {
		t.Fatalf("a refused booking kept a seat: %d left", s.Remaining)
	}
	h := mum.holdSeat(t, pricey.ID, "paid")
	wantProblem(t, mum.bookHeld(t, pricey.ID, h.ID), http.StatusForbidden, "class_booking_restricted")
	if s := owner.session(t, pricey.ID); s.Remaining != 10 {
		t.Fatalf("a restricted person's hold was kept: %d left", s.Remaining)
	}
	wantProblem(t, mum.post(t, "/v1/sessions/"+pricey.ID+"/waitlist", nil), http.StatusForbidden, "class_booking_restricted")

	// The waitlist of a free class is hers, and so is the seat it offers.
	wantStatus(t, mum.post(t, "/v1/sessions/"+full.ID+"/waitlist", nil), http.StatusCreated)
	wantStatus(t, gran.post(t, "/v1/class-bookings/"+gran1.ID+"/cancel", nil), http.StatusOK)
	offer := mum.waitNotification(t, "class_booking.waitlist_promoted")
	must[classBookingView](t, mum.acceptOffer(t, full.ID, offer), http.StatusCreated)

	// A fourth absence during the restriction tells her nothing new.
	clk.moveTo(t, start.Add(6*time.Hour+5*time.Minute))
	mark(sessions[3], missed[3].ID, false)
	if n := mum.countOf(t, "class.booking_restricted"); n != 1 {
		t.Errorf("%d restriction notices, want 1", n)
	}
	// Dad, absent once and then marked present, books as ever.
	must[classBookingView](t, dad.bookSeat(t, open.ID, "d"), http.StatusCreated)

	// Thirty days after the last no-show she books again.
	clk.moveTo(t, clk.now().Add(30*24*time.Hour+time.Hour))
	later := owner.schedule(t, free.ID, startOfMinute(clk.now(), 24*time.Hour), nil)
	must[classBookingView](t, mum.bookSeat(t, later.ID, "back"), http.StatusCreated)
}
