package e2e_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestAMonthOfVisitsAddsUpExactly is issue 18's "done when" for monthly
// visits: 200 vulnerable elders of one station, 10 visitors (five of
// its staff, five verified volunteers), a month of visits through the
// API on the embedded store and a controllable clock — at the door, by
// phone, away from the door with a reason, with a phone clock too far
// off, some elders twice, some not at all. When the month is over, the
// station's and the regulator's visit rate, the overdue list and every
// visitor's tally are what the visits made, and each volunteer's time
// bank holds exactly the minutes of their verified visits, one entry
// each.
func TestAMonthOfVisitsAddsUpExactly(t *testing.T) {
	t.Parallel()
	const elders, visitors = 200, 10
	fcm := fakefcm.Start(t)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(shanghai)
	t0 := now.UTC().Truncate(time.Second)
	clock := newLadderClock(t, t0)
	// Thirty-odd people sign up from one client: each from an address of
	// its own, as the load balancer (the test client) says.
	w := newCareWorld(t, fcm, clock, t.TempDir(), "TRUSTED_PROXIES", "127.0.0.0/8")
	signUp := func() *person {
		ph, from := newPhone(), []string{"X-Forwarded-For", randomAddress()}
		sess := must[session](t, w.srv.post(t, "/v1/auth/login", map[string]string{"phone": ph.national,
			"code": w.srv.requestCode(t, ph, from...)}, from...), http.StatusOK)
		return &person{srv: w.srv, phone: ph, id: sess.User.ID, access: sess.Access, refresh: sess.Refresh}
	}
	regulator := signUp()
	makeRegulator(t, w.admin, regulator, "310100")

	// Visitors 0–4 are the station's staff, 5–9 its volunteers.
	staff := make([]*person, visitors)
	kinds := make([]string, visitors)
	for i := range visitors {
		if i < visitors/2 {
			staff[i], kinds[i] = w.boss.hireStaff(t, w.station.ID, "caregiver"), "provider_staff"
		} else {
			v := signUp()
			wantStatus(t, v.post(t, "/v1/me/volunteer", map[string]string{"name": fmt.Sprintf("志愿者%d", i),
				"stationId": w.station.ID}), http.StatusCreated)
			wantStatus(t, w.boss.post(t, "/v1/providers/"+w.station.ID+"/volunteers/"+v.id+"/verify", nil), http.StatusOK)
			staff[i], kinds[i] = v, "volunteer"
		}
	}

	// 200 elders in 10 families near the station, marked and assigned.
	ids := make([]string, elders)
	parallel(t, 10, func(f int) {
		owner := signUp()
		fam := owner.createFamily(t, uniqueName("家庭"))
		for j := range elders / 10 {
			i := f*(elders/10) + j
			ids[i] = owner.addElder(t, fam.ID, elderBody(fmt.Sprintf("老人%03d", i), map[string]any{
				"address": address(w.home.lat, w.home.lng)})).ID
		}
	})
	parallel(t, elders, func(i int) {
		care := "/v1/elders/" + ids[i] + "/care"
		wantStatus(t, w.boss.put(t, care, map[string]any{"categories": []string{"living_alone"}, "reason": "摸排登记"}),
			http.StatusOK)
		wantStatus(t, w.boss.put(t, care+"/visitor", map[string]any{"userId": staff[i%visitors].id,
			"kind": kinds[i%visitors]}), http.StatusOK)
	})

	// The month after the marking: elder i is visited on day 1+i%20 at
	// 10:00, unless i%7 == 0; by phone when i%3 == 0; from across the
	// street with a reason when i%13 == 0; with a phone clock 13 h off
	// when i%11 == 0; again on day 25 when i%5 == 0.
	y, m, _ := now.Date()
	monthStart := time.Date(y, m+1, 1, 0, 0, 0, 0, shanghai)
	month := monthStart.Format("2006-01")
	home := map[string]any{"lat": w.home.lat, "lng": w.home.lng}
	across := map[string]any{"lat": w.home.lat + 0.005, "lng": w.home.lng}
	type made struct {
		elder, visitor, minutes int
		verified                bool
	}
	var mu sync.Mutex
	var visits []made
	visit := func(i int, at time.Time) {
		p := staff[i%visitors]
		path := "/v1/elders/" + ids[i] + "/visits"
		key := []string{"Idempotency-Key", randomID()}
		minutes := 20 + i%40
		if i%3 == 0 {
			v := must[monthlyVisitView](t, p.post(t, path, map[string]any{"mode": "phone", "durationMinutes": 10,
				"assessment": goodAssessment()}, key...), http.StatusCreated)
			mu.Lock()
			visits = append(visits, made{elder: i, visitor: i % visitors, minutes: 10, verified: v.Verified})
			mu.Unlock()
			return
		}
		in := map[string]any{"mode": "in_person", "point": home,
			"deviceTime": at.Add(-time.Duration(minutes) * time.Minute).Format(time.RFC3339)}
		if i%13 == 0 {
			in["point"], in["reason"] = across, "门禁进不去，在楼下见面"
		}
		if i%11 == 0 {
			in["deviceTime"] = at.Add(-13 * time.Hour).Format(time.RFC3339)
		}
		v := must[monthlyVisitView](t, p.post(t, path, in, key...), http.StatusCreated)
		done := must[monthlyVisitView](t, p.post(t, "/v1/visits/"+v.ID+"/check-out", map[string]any{"point": home,
			"deviceTime": at.Format(time.RFC3339), "assessment": goodAssessment()}), http.StatusOK)
		if done.Month != month {
			t.Errorf("a visit on %s counted in %s", at, done.Month)
		}
		mu.Lock()
		visits = append(visits, made{elder: i, visitor: i % visitors, minutes: done.DurationMinutes, verified: done.Verified})
		mu.Unlock()
	}
	for day := 1; day <= 20; day++ {
		at := monthStart.AddDate(0, 0, day-1).Add(10 * time.Hour)
		clock.set(t, at)
		var todays []int
		for i := day - 1; i < elders; i += 20 {
			if i%7 != 0 {
				todays = append(todays, i)
			}
		}
		parallel(t, len(todays), func(k int) { visit(todays[k], at) })
	}
	at := monthStart.AddDate(0, 0, 24).Add(10 * time.Hour)
	clock.set(t, at)
	var again []int
	for i := 0; i < elders; i += 5 {
		if i%7 != 0 {
			again = append(again, i)
		}
	}
	parallel(t, len(again), func(k int) { visit(again[k], at) })
	if t.Failed() {
		t.FailNow()
	}

	// What the visits say the month was.
	visited := map[string]bool{}
	type tally struct{ due, visited int }
	wantTally := map[string]tally{}
	wantMinutes := make([]int64, visitors)
	wantEntries := make([]int, visitors)
	for i := range elders {
		tl := wantTally[staff[i%visitors].id]
		tl.due++
		wantTally[staff[i%visitors].id] = tl
	}
	for _, v := range visits {
		if !visited[ids[v.elder]] {
			visited[ids[v.elder]] = true
			tl := wantTally[staff[v.visitor].id]
			tl.visited++
			wantTally[staff[v.visitor].id] = tl
		}
		wantVerified := v.elder%3 != 0 && v.elder%13 != 0 && v.elder%11 != 0
		if v.verified != wantVerified {
			t.Errorf("elder %d's visit verified %v, want %v", v.elder, v.verified, wantVerified)
		}
		if v.verified && kinds[v.visitor] == "volunteer" {
			wantMinutes[v.visitor] += int64(v.minutes)
			wantEntries[v.visitor]++
		}
	}
	var wantOverdue []string
	for _, id := range ids {
		if !visited[id] {
			wantOverdue = append(wantOverdue, id)
		}
	}
	slices.Sort(wantOverdue)

	// The month is over.
	clock.set(t, monthStart.AddDate(0, 1, 1))
	check := func(who string, r visitReportView) {
		t.Helper()
		var overdue []string
		for _, d := range r.Overdue {
			overdue = append(overdue, d.ElderID)
		}
		wantRate := float64(len(visited)) / elders
		if r.Due != elders || r.Visited != len(visited) || r.Rate != wantRate || !r.Ended || len(r.Pending) != 0 ||
			!slices.Equal(overdue, wantOverdue) {
			t.Errorf("%s: due %d, visited %d, rate %v, ended %v, %d overdue; want %d, %d, %v, true, %d overdue %v",
				who, r.Due, r.Visited, r.Rate, r.Ended, len(overdue), elders, len(visited), wantRate, len(wantOverdue),
				overdue)
		}
		for _, bv := range r.ByVisitor {
			if want := wantTally[bv.VisitorID]; bv.Due != want.due || bv.Visited != want.visited {
				t.Errorf("%s: visitor %s due %d visited %d, want %d and %d", who, bv.VisitorID, bv.Due, bv.Visited,
					want.due, want.visited)
			}
		}
		if len(r.ByVisitor) != visitors {
			t.Errorf("%s: %d visitors tallied, want %d", who, len(r.ByVisitor), visitors)
		}
	}
	check("the station", must[visitReportView](t, w.boss.get(t, "/v1/providers/"+w.station.ID+"/visit-report?month="+month),
		http.StatusOK))
	check("the regulator", must[visitReportView](t, regulator.get(t, "/v1/regulator/visit-report?month="+month),
		http.StatusOK))
	// The regulator's file of the month: a row per elder due, in id
	// order, the unvisited ones overdue; twice the same bytes.
	export := "/v1/regulator/visit-report/export?region=310100&month=" + month
	file, twice := regulator.get(t, export), regulator.get(t, export)
	wantStatus(t, file, http.StatusOK)
	rows := strings.Split(strings.TrimSpace(string(file.body)), "\n")
	var exportedOverdue []string
	for _, r := range rows[1:] {
		if f := strings.Split(r, ","); len(f) == 7 && f[4] == "逾期未探访" {
			exportedOverdue = append(exportedOverdue, f[1])
		}
	}
	if !bytes.Equal(file.body, twice.body) || rows[0] != "\uFEFF月份,老人编号,服务站编号,探访人编号,探访状态,探访记录编号,探访时间" ||
		len(rows) != elders+1 || !slices.Equal(exportedOverdue, wantOverdue) {
		t.Errorf("the visit report's export: %d rows, overdue %v, want %d and %v; heading %q", len(rows)-1,
			exportedOverdue, elders, wantOverdue, rows[0])
	}
	wantProblem(t, regulator.get(t, "/v1/regulator/visit-report/export?region=3101&month="+month),
		http.StatusUnprocessableEntity, "region_code_invalid")
	wantProblem(t, regulator.get(t, "/v1/regulator/visit-report/export?month="+monthStart.AddDate(0, 2, 0).Format("2006-01")),
		http.StatusUnprocessableEntity, "month_in_future")
	wantProblem(t, w.boss.get(t, export), http.StatusForbidden, "forbidden")
	for i, p := range staff {
		bank := must[timeBankView](t, p.get(t, "/v1/me/time-bank?limit=100"), http.StatusOK)
		if bank.Balance != wantMinutes[i] || bank.Earned != wantMinutes[i] || len(bank.Entries) != wantEntries[i] {
			t.Errorf("visitor %d (%s): %d minutes in %d entries, want %d in %d", i, kinds[i], bank.Balance,
				len(bank.Entries), wantMinutes[i], wantEntries[i])
		}
	}
	t.Logf("%d elders, %d visits, %d visited (rate %.3f), %d overdue; volunteers' minutes %v",
		elders, len(visits), len(visited), float64(len(visited))/elders, len(wantOverdue), wantMinutes[visitors/2:])
}

// parallel runs f(0…n-1) on eight goroutines.
func parallel(t *testing.T, n int, f func(int)) {
	t.Helper()
	next := make(chan int, n) // a worker that fails the test leaves the rest to the others
	var wg sync.WaitGroup
	for range min(8, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
