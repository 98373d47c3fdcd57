package e2e_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Seats never oversell, through HTTP, as the issue asks: 500 parents
// book a free session of 50 seats at the same instant, each in one call.
// Exactly 50 are booked, every 201 is a booking the organiser sees, the
// rest are told the session is full, and the engine's count agrees with
// the slot's seats.
func TestFiveHundredBookingsForFiftySeats(t *testing.T) {
	t.Parallel()
	const parentsN, seats = 500, 50
	clk := newOffsetClock(t)
	// A redis-server of its own where one is installed (CI has one): the
	// embedded miniredis runs Lua in Go, one script at a time.
	redisURL, _ := privateRedis(t)
	srv, platform := startClassServer(t, clk, "", "REDIS_URL", redisURL)
	owner := srv.signUp(t)
	org := owner.classOrganizer(t, platform)
	crs := owner.course(t, org.ID, courseBody(seats, map[string]any{"format": "online", "venue": nil}))
	sess := owner.schedule(t, crs.ID, startOfMinute(clk.now(), 48*time.Hour),
		map[string]any{"joinLink": "https://live.example.com/room/" + randomID()})
	parents := crowd(t, srv, parentsN)

	// All 500 wait in one queue: a race-built server on a busy CI machine
	// answers the last of them after a minute (measured 60 s here with a
	// load average of 20), so they wait longer than one request would.
	client := &http.Client{Timeout: max(requestTimeout, 3*time.Minute),
		Transport: &http.Transport{MaxIdleConnsPerHost: parentsN, MaxConnsPerHost: parentsN}}
	var mu sync.Mutex
	outcomes := map[string]int{}
	booked := map[string]string{} // booking id → parent
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i, p := range parents {
		wg.Go(func() {
			<-gate
			req, _ := http.NewRequest(http.MethodPost, srv.base+"/v1/sessions/"+sess.ID+"/bookings", nil)
			req.Header.Set("Authorization", "Bearer "+p.access)
			req.Header.Set("Idempotency-Key", fmt.Sprintf("rush-%d", i))
			res, err := client.Do(req)
			if err != nil {
				t.Errorf("parent %d: %v", i, err)
				return
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var b classBookingView
			var prob problem
			_ = json.Unmarshal(raw, &b)
			_ = json.Unmarshal(raw, &prob)
			mu.Lock()
			defer mu.Unlock()
			outcomes[fmt.Sprintf("%d %s", res.StatusCode, prob.Code)]++
			if res.StatusCode == http.StatusCreated {
				booked[b.ID] = p.id
				if b.BookedBy != p.id || b.Status != "confirmed" {
					t.Errorf("parent %d was answered the booking %+v", i, b)
				}
			}
		})
	}
	began := time.Now()
	close(gate)
	wg.Wait()
	t.Logf("%d bookings at once in %s: %v", parentsN, time.Since(began).Round(time.Millisecond), outcomes)
	for o, n := range outcomes {
		if o != "201 " && o != "409 slot_full" {
			t.Errorf("unexpected outcome: %d × %s\nserver errors:\n%s", n, o, serverErrors(srv, 10))
		}
	}
	if outcomes["201 "] != seats || len(booked) != seats {
		t.Fatalf("%d bookings answered 201 (%d distinct) for %d seats", outcomes["201 "], len(booked), seats)
	}
	stored := providerBookings(t, owner, org.ID)
	if len(stored) != seats {
		t.Fatalf("the organiser sees %d bookings, want %d", len(stored), seats)
	}
	for _, b := range stored {
		if _, ok := booked[b.ID]; !ok || b.Status != "confirmed" || b.BookedBy != booked[b.ID] {
			t.Errorf("booking %s (%s, by %s) was not answered 201 to its parent", b.ID, b.Status, b.BookedBy)
		}
	}
	got := owner.session(t, sess.ID)
	if got.Booked != seats || got.Remaining != 0 {
		t.Errorf("the session says %d booked and %d left (engine), want %d and 0", got.Booked, got.Remaining, seats)
	}
}
