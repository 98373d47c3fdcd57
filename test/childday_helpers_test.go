package e2e_test

// Helpers for the childcare day: a clock the test moves (the server's
// childcare day reads it from KINCARE_TEST_CLOCK_FILE), a nursery open
// every day with its rooms and teachers, and the day's views as the apps
// read them.

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testClock is the time the server's childcare day runs on: the test
// writes an instant to the file, and the server reads it on each request.
type testClock struct{ path string }

func newTestClock(t *testing.T) *testClock {
	t.Helper()
	return &testClock{path: filepath.Join(t.TempDir(), "clock")}
}

// set moves the day's clock to at. The file is replaced whole, so the
// server never reads half an instant.
func (c *testClock) set(t *testing.T, at time.Time) {
	t.Helper()
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(at.UTC().Format(time.RFC3339Nano)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		t.Fatal(err)
	}
}

// nurseryDate is the day the stories live: two days from now in
// Shanghai, or the first of the next month if its next two days would
// fall in another month (a story's statement is of one month).
func nurseryDate() time.Time {
	d := shanghaiToday().AddDate(0, 0, 2)
	if d.AddDate(0, 0, 2).Month() != d.Month() {
		d = time.Date(d.Year(), d.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

// clockOn is hh:mm on day in Shanghai.
func clockOn(t *testing.T, day time.Time, hour, minute int) time.Time {
	t.Helper()
	return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, shanghai(t))
}

func firstOfMonth(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// ---------------------------------------------------------------------------
// The nursery

// nursery registers a childcare institution open every day 07:30–17:30
// in Shanghai, run by owner, and has the platform verify it.
func (owner *person) nursery(t *testing.T, platform *person) providerView {
	t.Helper()
	name := uniqueName("徐汇阳光托育园")
	var hours []map[string]any
	for wd := 1; wd <= 7; wd++ {
		hours = append(hours, map[string]any{"weekday": wd, "open": "07:30", "close": "17:30"})
	}
	prov := owner.register(t, providerBody(name, point{lat: 31.1883, lng: 121.4365}, 3, newPhone(), map[string]any{
		"licences":     []map[string]string{{"kind": "childcare_institution", "number": "沪托备字第" + name[len(name)-6:] + "号"}},
		"openingHours": hours,
	}))
	platform.verify(t, prov.ID)
	return prov
}

// fullDayBody is a month of full-day care for children minMonths to
// maxMonths old.
func fullDayBody(name string, minMonths, maxMonths, capacity, quota int) map[string]any {
	return map[string]any{
		"names": map[string]string{"zhCN": name}, "careType": "full_day",
		"ages":     map[string]int{"minMonths": minMonths, "maxMonths": maxMonths},
		"capacity": capacity, "inclusiveQuota": quota,
		"price": map[string]int64{"marketFen": 380000, "inclusiveFen": 220000},
	}
}

// monthSlot opens the offering's month of day and returns its slot.
func (owner *person) monthSlot(t *testing.T, offeringID string, day time.Time) slotView {
	t.Helper()
	first := firstOfMonth(day).Format(time.DateOnly)
	opened := must[listPage[slotView]](t, owner.post(t, "/v1/offerings/"+offeringID+"/slots",
		map[string]string{"from": first, "to": first}), http.StatusOK).Items
	if len(opened) != 1 {
		t.Fatalf("opening the month of %s made %s", first, compactJSON(opened))
	}
	return opened[0]
}

type roomView struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Capacity         int    `json:"capacity"`
	ChildrenPerStaff int    `json:"childrenPerStaff"`
	Standard         struct {
		ChildrenPerStaff int `json:"childrenPerStaff"`
		MaxChildren      int `json:"maxChildren"`
	} `json:"standard"`
}

func (owner *person) room(t *testing.T, providerID, name string, minMonths, maxMonths int) roomView {
	t.Helper()
	return must[roomView](t, owner.post(t, "/v1/providers/"+providerID+"/rooms", map[string]any{"name": name,
		"ages": map[string]int{"minMonths": minMonths, "maxMonths": maxMonths}}), http.StatusCreated)
}

// assign puts staff in a room on day.
func (owner *person) assign(t *testing.T, providerID, roomID string, day time.Time, staff ...*person) {
	t.Helper()
	ids := make([]string, len(staff))
	for i, s := range staff {
		ids[i] = s.id
	}
	wantStatus(t, owner.put(t, "/v1/providers/"+providerID+"/rooms/"+roomID+"/days/"+day.Format(time.DateOnly)+"/staff",
		map[string]any{"userIds": ids}), http.StatusOK)
}

type roomStaffView struct {
	RoomID   string `json:"roomId"`
	Present  int    `json:"present"`
	Flagged  bool   `json:"flagged"`
	Breaches []struct {
		Start    time.Time  `json:"start"`
		End      *time.Time `json:"end"`
		Children int        `json:"children"`
		Staff    int        `json:"staff"`
		Allowed  int        `json:"allowed"`
	} `json:"breaches"`
}

// shift is a teacher coming into (in) or leaving a room now.
func (p *person) shift(t *testing.T, providerID, roomID string, in bool) roomStaffView {
	t.Helper()
	step := "check-out"
	if in {
		step = "check-in"
	}
	return must[roomStaffView](t, p.post(t, "/v1/providers/"+providerID+"/rooms/"+roomID+"/staff/"+p.id+"/"+step, nil),
		http.StatusOK)
}

// ---------------------------------------------------------------------------
// A child's day

type pickupRecordView struct {
	PickupPersonID string `json:"pickupPersonId"`
	Name           string `json:"name"`
	Relation       string `json:"relation"`
	OneTime        bool   `json:"oneTime"`
}

type attendanceView struct {
	ChildID     string `json:"childId"`
	RoomID      string `json:"roomId"`
	Date        string `json:"date"`
	RoomFlagged bool   `json:"roomFlagged"`
	Places      []struct {
		BookingID string `json:"bookingId"`
		Tier      string `json:"tier"`
		AtDoor    bool   `json:"atDoor"`
	} `json:"places"`
	CheckIn *struct {
		At          time.Time `json:"at"`
		HealthCheck struct {
			TemperatureC float64 `json:"temperatureC"`
			Result       string  `json:"result"`
		} `json:"healthCheck"`
	} `json:"checkIn"`
	CheckOut *struct {
		At          time.Time        `json:"at"`
		Person      pickupRecordView `json:"person"`
		Due         time.Time        `json:"due"`
		Late        bool             `json:"late"`
		LateMinutes int              `json:"lateMinutes"`
	} `json:"checkOut"`
	Absence *struct {
		Reason string `json:"reason"`
	} `json:"absence"`
	NoShow   *struct{} `json:"noShow"`
	Refusals []struct {
		Person pickupRecordView `json:"person"`
		Reason string           `json:"reason"`
	} `json:"refusals"`
}

// checkIn is staff checking a child in at their provider, well at
// tempC; extra fields (dropIn, parentNote) join the body.
func (p *person) checkIn(t *testing.T, childID, providerID string, tempC float64, extra map[string]any) *response {
	t.Helper()
	body := map[string]any{"providerId": providerID, "healthCheck": map[string]any{"temperatureC": tempC, "result": "well"}}
	for k, v := range extra {
		body[k] = v
	}
	return p.post(t, "/v1/children/"+childID+"/check-in", body, "Idempotency-Key", randomID())
}

// checkOut is staff handing a child to pickup person pickupID (empty: a
// person not on the list), recorded as name.
func (p *person) checkOut(t *testing.T, childID, providerID, pickupID, name string) *response {
	t.Helper()
	person := map[string]any{"name": name, "relation": "家人"}
	if pickupID != "" {
		person["pickupPersonId"] = pickupID
	}
	return p.post(t, "/v1/children/"+childID+"/check-out", map[string]any{"providerId": providerID,
		"person": person, "verification": "photo"})
}

// kid is a child of the stories: its parent, family and pickup person.
type kid struct {
	child    childView
	family   familyView
	parent   *person
	pickup   pickupView
	device   string // the parent's phone
	booking  bookingView
	tier     string
	roomName string
}

// enrol makes a family with a child months old on the first of day's
// month, a pickup person (its grandmother), and books the child's month
// on slot at tier.
func enrol(t *testing.T, srv *server, name string, months int, day time.Time, slotID, tier string) *kid {
	t.Helper()
	k := &kid{parent: srv.signUp(t), tier: tier}
	k.device = k.parent.addDevice(t, "android")
	k.family = k.parent.createFamily(t, uniqueName(name[:3]+"家"))
	k.parent.consent(t, k.family.ID, "child_data", "")
	born := firstOfMonth(day).AddDate(0, -months, -5).Format(time.DateOnly)
	k.child = k.parent.addChild(t, k.family.ID, map[string]any{"name": name, "birthDate": born, "gender": "female",
		"allergies": "对鸡蛋过敏"})
	k.pickup = k.parent.addPickup(t, k.child.ID, "王秀兰", "奶奶", newPhone())
	k.booking = k.parent.books(t, slotID, tier, k.child.ID)
	return k
}

type childDayView struct {
	ChildID      string `json:"childId"`
	Name         string `json:"name"`
	Standing     string `json:"standing"`
	Allergies    string `json:"allergies"`
	Attention    bool   `json:"attention"`
	ReportStatus string `json:"reportStatus"`
}

type roomDayView struct {
	RoomID  string `json:"roomId"`
	Summary struct {
		Expected           int `json:"expected"`
		CheckedIn          int `json:"checkedIn"`
		CheckedOut         int `json:"checkedOut"`
		Absent             int `json:"absent"`
		NoShow             int `json:"noShow"`
		NotArrived         int `json:"notArrived"`
		ReportsUnpublished int `json:"reportsUnpublished"`
		Attention          int `json:"attention"`
	} `json:"summary"`
	Children []childDayView `json:"children"`
	Unplaced []struct {
		ChildID string `json:"childId"`
		Reason  string `json:"reason"`
	} `json:"unplaced"`
	Ratio struct {
		Present  int  `json:"present"`
		OnDuty   int  `json:"onDuty"`
		Allowed  int  `json:"allowed"`
		Flagged  bool `json:"flagged"`
		Breaches []struct {
			Start time.Time  `json:"start"`
			End   *time.Time `json:"end"`
		} `json:"breaches"`
		Hourly []struct {
			Start         time.Time `json:"start"`
			MaxChildren   int       `json:"maxChildren"`
			MinStaff      int       `json:"minStaff"`
			BreachMinutes int       `json:"breachMinutes"`
		} `json:"hourly"`
	} `json:"ratio"`
}

func (p *person) roomDay(t *testing.T, providerID, roomID string, day time.Time) roomDayView {
	t.Helper()
	return must[roomDayView](t, p.get(t, "/v1/providers/"+providerID+"/rooms/"+roomID+"/days/"+day.Format(time.DateOnly)),
		http.StatusOK)
}

func (v roomDayView) child(t *testing.T, childID string) childDayView {
	t.Helper()
	for _, c := range v.Children {
		if c.ChildID == childID {
			return c
		}
	}
	t.Fatalf("child %s is not in the room's day: %s", childID, compactJSON(v.Children))
	return childDayView{}
}

// ---------------------------------------------------------------------------
// Daily reports

type dailyReportView struct {
	ID          string `json:"id"`
	ChildID     string `json:"childId"`
	ProviderID  string `json:"providerId"`
	Date        string `json:"date"`
	Status      string `json:"status"`
	Version     int    `json:"version"`
	Corrected   bool   `json:"corrected"`
	Corrections []struct {
		Version int    `json:"version"`
		Reason  string `json:"reason"`
	} `json:"corrections"`
	PhotoKeyPrefix string `json:"photoKeyPrefix"`
	Meals          []struct {
		Meal   string `json:"meal"`
		Food   string `json:"food"`
		Amount string `json:"amount"`
	} `json:"meals"`
	Naps []struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	} `json:"naps"`
	Mood      string   `json:"mood"`
	PhotoRefs []string `json:"photoRefs"`
}

// reportBody is a day of lunch, a nap and a nappy on day.
func reportBody(t *testing.T, providerID string, day time.Time, amount string) map[string]any {
	return map[string]any{"providerId": providerID,
		"meals":      []map[string]string{{"meal": "lunch", "food": "番茄鸡蛋面", "amount": amount}},
		"naps":       []map[string]time.Time{{"start": clockOn(t, day, 12, 30), "end": clockOn(t, day, 14, 20)}},
		"toileting":  []map[string]any{{"at": clockOn(t, day, 10, 15), "kind": "wet"}},
		"activities": []string{"户外滑梯", "绘本《好饿的毛毛虫》"},
		"mood":       "happy",
	}
}

func (p *person) fillReport(t *testing.T, childID string, day time.Time, body map[string]any) *response {
	t.Helper()
	return p.put(t, "/v1/children/"+childID+"/daily-reports/"+day.Format(time.DateOnly), body)
}

func (p *person) publishReport(t *testing.T, childID, providerID string, day time.Time) *response {
	t.Helper()
	return p.post(t, "/v1/children/"+childID+"/daily-reports/"+day.Format(time.DateOnly)+"/publish",
		map[string]string{"providerId": providerID})
}

// reports is a child's reports from from to to as p reads them.
func (p *person) reports(t *testing.T, childID string, from, to time.Time, query string) []dailyReportView {
	t.Helper()
	return must[listPage[dailyReportView]](t, p.get(t, "/v1/children/"+childID+"/daily-reports?from="+
		from.Format(time.DateOnly)+"&to="+to.Format(time.DateOnly)+query), http.StatusOK).Items
}

// ---------------------------------------------------------------------------
// The month

type attendanceLineView struct {
	ChildID      string `json:"childId"`
	ChildName    string `json:"childName"`
	DaysBooked   int    `json:"daysBooked"`
	DaysAttended int    `json:"daysAttended"`
	DaysUpcoming int    `json:"daysUpcoming"`
	Absences     struct {
		Sick        int `json:"sick"`
		FamilyLeave int `json:"familyLeave"`
		Other       int `json:"other"`
		NoShow      int `json:"noShow"`
		Unreported  int `json:"unreported"`
	} `json:"absences"`
	LatePickups           int   `json:"latePickups"`
	LateMinutes           int   `json:"lateMinutes"`
	RefusedPickups        int   `json:"refusedPickups"`
	InclusiveDaysAttended int   `json:"inclusiveDaysAttended"`
	ClaimFen              int64 `json:"claimFen"`
}

type attendanceStatementView struct {
	ProviderID string `json:"providerId"`
	Month      string `json:"month"`
	Final      bool   `json:"final"`
	Rate       *struct {
		RegionCode    string `json:"regionCode"`
		DailyRateFen  int64  `json:"dailyRateFen"`
		EffectiveFrom string `json:"effectiveFrom"`
		Document      string `json:"document"`
	} `json:"rate"`
	Lines []attendanceLineView `json:"lines"`
	Total attendanceLineView   `json:"total"`
	Days  []struct {
		Date          string `json:"date"`
		RoomName      string `json:"roomName"`
		Attended      int    `json:"attended"`
		RatioBreaches int    `json:"ratioBreaches"`
		BreachMinutes int    `json:"breachMinutes"`
	} `json:"days"`
}

func (s attendanceStatementView) line(t *testing.T, childID string) attendanceLineView {
	t.Helper()
	for _, l := range s.Lines {
		if l.ChildID == childID {
			return l
		}
	}
	t.Fatalf("child %s is not on the statement: %s", childID, compactJSON(s.Lines))
	return attendanceLineView{}
}

func attendancePath(providerID string, day time.Time) string {
	return "/v1/providers/" + providerID + "/attendance-statements/" + day.Format("2006-01")
}

// csvRows splits a CSV body (after its byte order mark) into rows.
func csvRows(body []byte) [][]string {
	text := strings.TrimPrefix(string(body), "\uFEFF")
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		rows = append(rows, strings.Split(strings.TrimRight(line, "\r"), ","))
	}
	return rows
}
