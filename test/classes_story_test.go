package e2e_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// The story, through HTTP on a clock the test moves: a session
// of 20 seats and 35 parents — 20 booked, 15 waiting; three cancel and
// the first three in line are offered a seat; two take it, one lets it
// lapse and it passes to the next. Nobody is booked without asking.
// Reminders come 24 h and 1 h before the start, to those booked then;
// the organiser moves the session and they move with it; the server
// restarts on a Redis that lost everything and the last reminder still
// comes, once; at the booking deadline those still waiting are told.
func TestTwentySeatsThirtyFiveParents(t *testing.T) {
	t.Parallel()
	clk := newOffsetClock(t)
	redisURL, flushAll := privateRedis(t)
	dataDir := t.TempDir()
	srv, platform := startClassServer(t, clk, dataDir, "REDIS_URL", redisURL)
	owner := srv.signUp(t)
	org := owner.classOrganizer(t, platform)
	crs := owner.course(t, org.ID, courseBody(20, nil))
	start := startOfMinute(clk.now(), 72*time.Hour)
	sess := owner.schedule(t, crs.ID, start, nil)
	if sess.Seats != 20 || sess.Remaining != 20 || !sess.BookingClosesAt.Equal(start.Add(-time.Hour)) {
		t.Fatalf("new session: %+v", sess)
	}
	parents := crowd(t, srv, 35)

	// 20 booked, 15 told it is full and waiting, in the order they came.
	booking := map[int]string{}
	for i, p := range parents {
		r := p.bookSeat(t, sess.ID, "first-try")
		if i < 20 {
			b := must[classBookingView](t, r, http.StatusCreated)
			booking[i] = b.ID
			if i == 0 {
				// One seat a person, whatever key they book with.
				wantProblem(t, p.bookSeat(t, sess.ID, "second-seat"), http.StatusConflict, "already_booked")
			}
			continue
		}
		wantProblem(t, r, http.StatusConflict, "slot_full")
		place := must[struct {
			Position int `json:"position"`
		}](t, p.post(t, "/v1/sessions/"+sess.ID+"/waitlist", nil), http.StatusCreated)
		if place.Position != i-19 {
			t.Errorf("parent %d is %d in line, want %d", i, place.Position, i-19)
		}
	}
	// A retry with the same key is the same seat, not a second one.
	again := must[classBookingView](t, parents[0].bookSeat(t, sess.ID, "first-try"), http.StatusOK)
	if again.ID != booking[0] {
		t.Fatalf("a retried booking answered %s, want %s", again.ID, booking[0])
	}
	if got := owner.session(t, sess.ID); got.Booked != 20 || got.Remaining != 0 || got.Waiting != 15 {
		t.Fatalf("after the rush: booked %d, remaining %d, waiting %d", got.Booked, got.Remaining, got.Waiting)
	}

	// Three cancel: the first three in line are each offered a seat.
	for i := range 3 {
		b := must[classBookingView](t, parents[i].post(t, "/v1/class-bookings/"+booking[i]+"/cancel", nil), http.StatusOK)
		if b.Status != "cancelled" {
			t.Fatalf("cancelled booking is %s", b.Status)
		}
	}
	offers := map[int]notificationView{}
	for i := 20; i < 23; i++ {
		offers[i] = parents[i].waitNotification(t, "class_booking.waitlist_promoted")
	}
	wantCount(t, parents[23:], "class_booking.waitlist_promoted", 0)
	// Nobody was booked for them: the session still has 17 booked.
	if got := owner.session(t, sess.ID); got.Booked != 17 || got.Remaining != 0 || got.Waiting != 12 {
		t.Fatalf("with three offers out: booked %d, remaining %d, waiting %d", got.Booked, got.Remaining, got.Waiting)
	}
	// Two take their seat; the third lets the offer lapse.
	for i := 20; i < 22; i++ {
		b := must[classBookingView](t, parents[i].acceptOffer(t, sess.ID, offers[i]), http.StatusCreated)
		booking[i] = b.ID
	}
	// Another's offer is not theirs to take.
	wantProblem(t, parents[25].acceptOffer(t, sess.ID, offers[22]), http.StatusNotFound, "hold_not_found")
	clk.set(t, clk.offset+16*time.Minute)
	next := parents[23].waitNotification(t, "class_booking.waitlist_promoted")
	wantProblem(t, parents[22].acceptOffer(t, sess.ID, offers[22]), http.StatusConflict, "hold_expired")
	wantProblem(t, parents[22].bookSeat(t, sess.ID, "too-late"), http.StatusConflict, "slot_full")
	b := must[classBookingView](t, parents[23].acceptOffer(t, sess.ID, next), http.StatusCreated)
	booking[23] = b.ID
	if got := owner.session(t, sess.ID); got.Booked != 20 || got.Waiting != 11 {
		t.Fatalf("after the offers: booked %d, waiting %d", got.Booked, got.Waiting)
	}
	if len(booking) != 23 { // 20 at first, then three offers taken
		t.Fatalf("%d bookings made", len(booking))
	}
	var attendees []*person
	for i, p := range parents {
		if i >= 3 && i < 20 || i == 20 || i == 21 || i == 23 {
			attendees = append(attendees, p)
		}
	}
	gone := []*person{parents[0], parents[22], parents[30]}

	// The day before: nothing until the instant, then every attendee.
	clk.moveTo(t, start.Add(-24*time.Hour-time.Minute))
	srv.moved(t)
	wantCount(t, attendees[:1], "class.reminder", 0)
	clk.moveTo(t, start.Add(-24*time.Hour+time.Second))
	waitCount(t, attendees, "class.reminder", 1)
	wantCount(t, gone, "class.reminder", 0)
	r := attendees[0].waitNotification(t, "class.reminder")
	if !r.CreatedAt.Equal(start.Add(-24 * time.Hour)) {
		t.Errorf("the 24 h reminder is dated %s, want %s", r.CreatedAt, start.Add(-24*time.Hour))
	}

	// The organiser moves the session two days later: everyone booked is
	// told at once; the old hour-before reminder reaches nobody.
	moved := start.Add(48 * time.Hour)
	s2 := must[classSessionView](t, owner.patch(t, "/v1/sessions/"+sess.ID, map[string]any{
		"start": moved.Format(time.RFC3339), "end": moved.Add(90 * time.Minute).Format(time.RFC3339)}), http.StatusOK)
	if !s2.Window.Start.Equal(moved) || !s2.BookingClosesAt.Equal(moved.Add(-time.Hour)) {
		t.Fatalf("moved session: %+v", s2)
	}
	waitCount(t, attendees, "class.rescheduled", 1)
	wantCount(t, gone, "class.rescheduled", 0)
	mine := must[classBookingView](t, parents[5].get(t, "/v1/class-bookings/"+booking[5]), http.StatusOK)
	if !mine.Window.Start.Equal(moved) {
		t.Errorf("the booking shows the start %s, want the new %s", mine.Window.Start, moved)
	}
	clk.moveTo(t, start.Add(-time.Hour+time.Minute))
	srv.moved(t)
	wantCount(t, attendees, "class.reminder", 1)
	clk.moveTo(t, moved.Add(-24*time.Hour+time.Second))
	waitCount(t, attendees, "class.reminder", 2)

	// A restart on a Redis that lost everything: the hour-before reminder
	// of the new start is rebuilt from MongoDB and comes once.
	srv.stop(t)
	flushAll()
	srv2, _ := startClassServer(t, clk, dataDir, "REDIS_URL", redisURL)
	for _, p := range append(append([]*person{owner}, parents...), platform) {
		p.srv = srv2
	}
	clk.moveTo(t, moved.Add(-time.Hour+time.Second))
	waitCount(t, attendees, "class.reminder", 3)
	// Booking closed with it: those still waiting are told, and told once.
	waiting := parents[24:]
	waitCount(t, waiting, "class.waitlist_closed", 1)
	srv2.moved(t)
	wantCount(t, attendees, "class.reminder", 3)
	wantCount(t, waiting, "class.waitlist_closed", 1)
	wantCount(t, attendees, "class.waitlist_closed", 0)
	wantProblem(t, parents[30].bookSeat(t, sess.ID, "late"), http.StatusConflict, "booking_closed")
	last := attendees[len(attendees)-1].waitNotification(t, "class.reminder")
	if !last.CreatedAt.Equal(moved.Add(-time.Hour)) {
		t.Errorf("the 1 h reminder is dated %s, want %s", last.CreatedAt, moved.Add(-time.Hour))
	}
	if got := owner.session(t, sess.ID); got.Booked != 20 {
		t.Errorf("at the start %d are booked, want 20", got.Booked)
	}
	t.Log(fmt.Sprintf("20 booked of 35, 4 offers (1 lapsed), reminders at %s and %s", moved.Add(-24*time.Hour), moved.Add(-time.Hour)))
}
