package e2e_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

// ---------------------------------------------------------------------------
// Views of the reservation API, as a client reads them.

type tiersView struct {
	Market    int `json:"market"`
	Inclusive int `json:"inclusive"`
}

type offeringView struct {
	ID              string `json:"id"`
	ProviderID      string `json:"providerId"`
	CareType        string `json:"careType"`
	Capacity        int    `json:"capacity"`
	InclusiveQuota  int    `json:"inclusiveQuota"`
	HoldTTLMinutes  int    `json:"holdTtlMinutes"`
	MaxHoldsPerUser int    `json:"maxHoldsPerUser"`
}

type slotView struct {
	SlotID         string    `json:"slotId"`
	OfferingID     string    `json:"offeringId"`
	Capacity       int       `json:"capacity"`
	InclusiveQuota int       `json:"inclusiveQuota"`
	HoldsCloseAt   time.Time `json:"holdsCloseAt"`
	Window         struct {
		Start    time.Time `json:"start"`
		End      time.Time `json:"end"`
		TimeZone string    `json:"timeZone"`
	} `json:"window"`
	Remaining      tiersView `json:"remaining"`
	Waiting        tiersView `json:"waiting"`
	Confirmed      tiersView `json:"confirmed"`
	WaitlistLength int       `json:"waitlistLength"`
}

type holdView struct {
	ID        string    `json:"id"`
	SlotID    string    `json:"slotId"`
	Tier      string    `json:"tier"`
	Status    string    `json:"status"`
	ExpiresAt time.Time `json:"expiresAt"`
	Promoted  bool      `json:"promoted"`
}

type bookingView struct {
	ID           string `json:"id"`
	SlotID       string `json:"slotId"`
	OfferingID   string `json:"offeringId"`
	ProviderID   string `json:"providerId"`
	FamilyID     string `json:"familyId"`
	BookedBy     string `json:"bookedBy"`
	ChildID      string `json:"childId"`
	Tier         string `json:"tier"`
	PriceFen     int64  `json:"priceFen"`
	Status       string `json:"status"`
	Cancellation *struct {
		By     string `json:"by"`
		Reason string `json:"reason"`
	} `json:"cancellation"`
}

type waitlistView struct {
	SlotID   string `json:"slotId"`
	Tier     string `json:"tier"`
	Position int    `json:"position"`
}

// ---------------------------------------------------------------------------
// Setting up a childcare provider and its places.

// childcareProvider registers a childcare institution run by owner and
// has the platform verify it.
func (owner *person) childcareProvider(t *testing.T, platform *person) providerView {
	t.Helper()
	home := point{lat: 31.2304, lng: 121.4737}
	name := uniqueName("静安阳光托育中心")
	prov := owner.register(t, providerBody(name, home, 3, newPhone(), map[string]any{
		"licences": []map[string]string{{"kind": "childcare_institution", "number": "沪托备字2026第" + name[len(name)-6:] + "号"}},
	}))
	platform.verify(t, prov.ID)
	return prov
}

// halfDayBody is a morning half-day offering open every day for
// children of 12–35 months.
func halfDayBody(capacity, quota int) map[string]any {
	return map[string]any{
		"names":    map[string]string{"zhCN": "半日托（上午）", "en": "Half day (mornings)"},
		"careType": "half_day", "ages": map[string]int{"minMonths": 12, "maxMonths": 35},
		"capacity": capacity, "inclusiveQuota": quota,
		"price": map[string]int64{"marketFen": 15000, "inclusiveFen": 9000},
		"schedule": map[string]any{"weekdays": []int{1, 2, 3, 4, 5, 6, 7},
			"sessions": []map[string]string{{"start": "08:30", "end": "12:00"}}},
	}
}

func (owner *person) offering(t *testing.T, providerID string, body map[string]any) offeringView {
	t.Helper()
	return must[offeringView](t, owner.post(t, "/v1/providers/"+providerID+"/offerings", body), http.StatusCreated)
}

// openDay opens the offering's slots on the day daysAhead from today in
// Shanghai and returns the first.
func (owner *person) openDay(t *testing.T, offeringID string, daysAhead int) slotView {
	t.Helper()
	day := shanghaiToday().AddDate(0, 0, daysAhead).Format(time.DateOnly)
	opened := must[struct {
		Items []slotView `json:"items"`
	}](t, owner.post(t, "/v1/offerings/"+offeringID+"/slots", map[string]string{"from": day, "to": day}), http.StatusOK)
	if len(opened.Items) == 0 {
		t.Fatalf("no slot opened on %s", day)
	}
	return opened.Items[0]
}

// parentOf makes p a family's parent of a child aged ageMonths on the
// slot days the tests use, with the family's consent to keep the
// child's data; it returns the family and the child.
func (p *person) parentOf(t *testing.T, ageMonths int) (familyView, childView) {
	t.Helper()
	fam := p.createFamily(t, uniqueName("陈家"))
	p.consent(t, fam.ID, "child_data", "")
	born := shanghaiToday().AddDate(0, -ageMonths, -10).Format(time.DateOnly)
	return fam, p.addChild(t, fam.ID, childBody("陈小宝", born))
}

func (p *person) hold(t *testing.T, slotID, tier, key string) *response {
	t.Helper()
	return p.post(t, "/v1/slots/"+slotID+"/holds", map[string]string{"tier": tier}, "Idempotency-Key", key)
}

func (p *person) confirm(t *testing.T, holdID, childID string) *response {
	t.Helper()
	return p.post(t, "/v1/holds/"+holdID+"/confirm", map[string]string{"childId": childID},
		"Idempotency-Key", "confirm-"+holdID)
}

// ---------------------------------------------------------------------------
// A Redis of the test's own, which it may flush.

// privateRedis starts a Redis this test alone uses, so it may FLUSHALL
// without touching other tests: a redis-server of its own where one is
// installed (CI), else a miniredis in the test process.
func privateRedis(t *testing.T) (url string, flushAll func()) {
	t.Helper()
	if path, err := exec.LookPath("redis-server"); err == nil {
		return startRedisServer(t, path)
	}
	mr := miniredis.RunT(t)
	return "redis://" + mr.Addr() + "/0", mr.FlushAll
}

func startRedisServer(t *testing.T, path string) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	opt, _ := goredis.ParseURL(url)
	rdb := goredis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	if !waitUntil(10*time.Second, func() bool { return rdb.Ping(context.Background()).Err() == nil }) {
		t.Fatalf("redis-server on port %d did not answer", port)
	}
	return url, func() {
		if err := rdb.FlushAll(context.Background()).Err(); err != nil {
			t.Errorf("FLUSHALL: %v", err)
		}
	}
}
